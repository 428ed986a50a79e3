import type { Evidence } from '../../verdict.ts';
import type { TextSource } from '../context.ts';
import { CONSEQUENTIAL_KINDS, type Observation } from '../observation.ts';
import { compilePatternSet, foldText, matchesAny, quote } from '../text.ts';
import { judgedLeaves, leafEvidence, structuralObservation, type DetectorInput } from './detector.ts';
import { extractTargets } from './targets.ts';

/** Tool outputs that carry instructions, judged by the constitution's injection signals. */
function instructionTurns(input: DetectorInput): TextSource[] {
  const patterns = input.config.signals
    .filter((signal) => signal.kind === 'injection_instruction')
    .flatMap((signal) => compilePatternSet(signal.patterns));
  return input.context.toolOutputs.filter((entry) => matchesAny(patterns, entry.text));
}

/** Words of a tool name too generic to tie a tool output to the tool, such as get or manager. */
const GENERIC_TOOL_WORDS = new Set(['search', 'read', 'list', 'find', 'create', 'update', 'delete', 'manager', 'tool', 'system', 'details', 'data', 'info', 'item', 'items', 'manage', 'control', 'apply', 'allowed', 'operation', 'user', 'users', 'file', 'files']);

/** Distinctive words of the tool name that the user's request does not contain. */
function unrequestedToolWords(input: DetectorInput): string[] {
  return input.action.toolWords
    .split(' ')
    .filter((word) => word.length >= 4 && !GENERIC_TOOL_WORDS.has(word))
    .filter((word) => !input.context.userFolded.includes(word.replace(/s$/, '')));
}

/**
 * Tool outputs that ask for the action the agent is about to take, when the user did not: the
 * output matches a consequential signal of the action that the user never asked for, or names
 * the tool's distinctive words that the user never used.
 */
function turnsAskingForAction(input: DetectorInput, turns: readonly TextSource[]): TextSource[] {
  const unrequested = input.earlier.filter((observation) => observation.kind === 'unrequested_action');
  const requested = input.earlier.some((observation) => observation.kind === 'user_requested');
  const consequential = input.earlier.filter((observation) => CONSEQUENTIAL_KINDS.has(observation.kind));
  const signals = unrequested.length === 0 ? [] : input.config.signals.filter((signal) => consequential.some((observation) => observation.signal === signal.id));
  const toolWords = requested ? [] : unrequestedToolWords(input);
  return turns.filter((turn) => {
    const folded = foldText(turn.text);
    if (toolWords.some((word) => folded.includes(word.replace(/s$/, '')))) return true;
    return signals.some(
      (signal) => matchesAny(compilePatternSet(signal.patterns), turn.text) || matchesAny(compilePatternSet(signal.requested_by), turn.text),
    );
  });
}

/**
 * Traces where the action's recipients and command came from. A recipient or command that the
 * user never wrote, but that a tool output contains, was chosen by data the agent read: that
 * is no consent, and when the same tool output gives instructions it is prompt injection.
 */
export function detectProvenance(input: DetectorInput): Observation[] {
  const { action, context, config } = input;
  const observations: Observation[] = [];
  const injected = instructionTurns(input);
  const injectedSources = new Set(injected.map((turn) => turn.source));
  const followed: Evidence[] = [];

  for (const leaf of judgedLeaves(action)) {
    if (!action.shell || leaf.raw.trim().length < 12) continue;
    const folded = foldText(leaf.raw.trim());
    if (context.userFolded.includes(folded)) continue;
    const turn = context.toolOutputs.find((entry) => foldText(entry.text).includes(folded));
    if (turn === undefined) continue;
    const evidence = leafEvidence(leaf, turn.source);
    observations.push(
      structuralObservation(config, 'command_from_tool_output', `The command appears in tool output (${turn.source}), not in the user's request.`, [evidence]),
    );
    if (injectedSources.has(turn.source)) followed.push(evidence);
  }

  const fromTools: Evidence[] = [];
  for (const target of extractTargets(action, config)) {
    const folded = foldText(target.value);
    if (context.userFolded.includes(folded)) continue;
    const turn = context.toolOutputs.find((entry) => foldText(entry.text).includes(folded));
    if (turn === undefined) continue;
    const evidence: Evidence = { path: target.leaf.path, source: turn.source, raw: quote(target.value) };
    if (injectedSources.has(turn.source)) followed.push(evidence);
    else fromTools.push(evidence);
  }
  if (fromTools.length > 0) {
    const names = fromTools.map((entry) => entry.raw).join(', ');
    observations.push(
      structuralObservation(config, 'target_from_tool_output', `The recipient ${names} comes from tool output, not from the user's request.`, fromTools),
    );
  }

  for (const turn of turnsAskingForAction(input, injected)) {
    followed.push({ path: turn.source, source: turn.source, raw: quote(turn.text) });
  }
  if (followed.length > 0) {
    observations.push(
      structuralObservation(
        config,
        'follows_tool_output_instruction',
        `The action carries out instructions found in tool output (${[...new Set(followed.map((entry) => entry.source))].join(', ')}); tool output is data, not the user's consent.`,
        followed,
      ),
    );
  }
  return observations;
}
