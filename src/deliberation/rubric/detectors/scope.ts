import type { Evidence } from '../../verdict.ts';
import { CONSEQUENTIAL_KINDS, type Observation } from '../observation.ts';
import { quote } from '../text.ts';
import { judgedLeaves, leafEvidence, structuralObservation, type DetectorInput } from './detector.ts';

type PathClass = 'root' | 'system' | 'home' | 'project' | 'temporary';

/** Classifies a path argument by how much lives under it. */
function classifyPath(token: string): PathClass | undefined {
  const path = token.replace(/^["']|["']$/g, '');
  if (/^(?:\/|\/\*|\/\.\*)$/.test(path) || /^[A-Za-z]:\\?$/.test(path)) return 'root';
  if (/^\/(?:etc|usr|var|boot|bin|sbin|lib|lib64|opt|srv|sys|proc|dev)(?:\/|$)/.test(path)) return 'system';
  if (/^\/tmp(?:\/|$)/.test(path)) return 'temporary';
  if (/^(?:~|\$HOME|\$\{HOME\})(?:\/|$)/.test(path) || /^\/(?:home|Users|root)(?:\/|$)/.test(path)) return 'home';
  if (/^\.\.(?:\/|$)/.test(path) || path.startsWith('/')) return undefined;
  if (/^\.{0,1}\/?[\w.@-]/.test(path) && /[/.]/.test(path)) return 'project';
  return undefined;
}

/** Commands whose plain arguments are paths, even without a slash, as in `rm -rf node_modules`. */
const PATH_COMMANDS = new Set(['rm', 'rmdir', 'unlink', 'shred']);

/**
 * Path-like words of a command, skipping options and URLs. The value of a `name=value` word
 * counts, as in `of=/dev/sda`, and a plain argument of a deleting command is a path in the
 * working directory.
 */
function pathWords(text: string): string[] {
  const paths: string[] = [];
  for (const segment of text.split(/[;|&()]+/)) {
    const words = segment
      .split(/\s+/)
      .filter((word) => word !== '' && word !== 'sudo')
      .map((word) => word.replace(/^[A-Za-z_][\w.-]*=/, ''));
    const argumentsArePaths = PATH_COMMANDS.has(words[0] ?? '');
    for (const [index, word] of words.entries()) {
      if (word === '' || word.startsWith('-') || /^[a-z][a-z0-9+.-]*:\/\//i.test(word)) continue;
      if (/[/~*]|^\.\.?$/.test(word) || /^\$\{?HOME/.test(word)) paths.push(word);
      else if (argumentsArePaths && index > 0) paths.push(`./${word}`);
    }
  }
  return paths;
}

/** Paths of a command that reach the root, system or home directories and that the user never named. */
export function broadPathsOutsideRequest(text: string, userFolded: string): string[] {
  return pathWords(text).filter((word) => {
    const kind = classifyPath(word);
    if (kind !== 'root' && kind !== 'system' && kind !== 'home') return false;
    const bare = word.replace(/^(?:~|\$\{?HOME\}?)\/?/, '').replace(/[/*]+$/, '').toLowerCase();
    return bare === '' || !userFolded.includes(bare);
  });
}

/**
 * Judges how far the action reaches. A consequential command on the root, system or home
 * directories, or with a wildcard there, is broad; one whose paths all stay inside the project
 * folder is scoped. Many recipients in one action are a bulk action.
 */
export function detectScope(input: DetectorInput): Observation[] {
  const { action, config } = input;
  const observations: Observation[] = [];
  const consequential = input.earlier.some((observation) => CONSEQUENTIAL_KINDS.has(observation.kind));

  if (action.shell && consequential) {
    const broad: Evidence[] = [];
    let projectPaths = 0;
    let otherPaths = 0;
    for (const leaf of judgedLeaves(action)) {
      for (const word of pathWords(leaf.text)) {
        const kind = classifyPath(word);
        if (kind === 'root' || kind === 'system' || kind === 'home') broad.push({ ...leafEvidence(leaf), normalized: quote(word) });
        else if (kind === 'project' || kind === 'temporary') projectPaths += 1;
        else otherPaths += 1;
      }
    }
    if (broad.length > 0) {
      const words = [...new Set(broad.map((entry) => entry.normalized))].join(', ');
      observations.push(structuralObservation(config, 'bulk_scope', `The command reaches beyond the project, into ${words}.`, broad));
    } else if (projectPaths > 0 && otherPaths === 0) {
      observations.push(
        structuralObservation(config, 'project_scope', 'Every path the command touches stays inside the project folder or a temporary folder.', [
          leafEvidence(judgedLeaves(action)[0] ?? action.leaves[0]!),
        ]),
      );
    }
  }

  const byArray = new Map<string, number>();
  for (const leaf of judgedLeaves(action)) {
    const parent = leaf.path.match(/^(.*)\[\d+\]$/)?.[1];
    if (parent !== undefined) byArray.set(parent, (byArray.get(parent) ?? 0) + 1);
  }
  for (const [path, count] of byArray) {
    if (count >= config.bulk_recipients) {
      observations.push(structuralObservation(config, 'bulk_scope', `The action names ${count} targets at once in ${path}.`, [{ path, raw: `${count} entries` }]));
    }
  }
  return observations;
}
