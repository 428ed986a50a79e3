import type { Signal, SignalScope } from '../../../constitution/rubric-config.ts';
import type { Evidence } from '../../verdict.ts';
import { CONSEQUENTIAL_KINDS, type Observation } from '../observation.ts';
import { compilePatternSet, matchesAny, quote } from '../text.ts';
import { judgedLeaves, leafEvidence, structuralObservation, type DetectorInput } from './detector.ts';
import { broadPathsOutsideRequest } from './scope.ts';

/** Finds the first match of any pattern in one scope and returns evidence for it. */
function matchScope(patterns: readonly RegExp[], scope: SignalScope, input: DetectorInput): Evidence | undefined {
  switch (scope) {
    case 'executed': {
      const leaf = judgedLeaves(input.action).find((candidate) =>
        matchesAny(patterns, input.action.shell ? candidate.text : `${candidate.key}: ${candidate.text}`),
      );
      return leaf === undefined ? undefined : leafEvidence(leaf);
    }
    case 'tool':
      return matchesAny(patterns, input.action.toolWords) ? { path: 'action.tool', raw: input.action.tool } : undefined;
    case 'request': {
      const entry = input.context.user.find((candidate) => matchesAny(patterns, candidate.text));
      return entry === undefined ? undefined : { path: entry.source, raw: quote(entry.text) };
    }
    case 'tool_output': {
      const entry = input.context.toolOutputs.find((candidate) => matchesAny(patterns, candidate.text));
      return entry === undefined ? undefined : { path: entry.source, source: entry.source, raw: quote(entry.text) };
    }
  }
}

/** Broad paths of the executed command that the user never named, when the signal reads the command. */
function outsideRequest(signal: Signal, input: DetectorInput): string[] {
  if (!input.action.shell || !signal.in.includes('executed')) return [];
  const paths = judgedLeaves(input.action).flatMap((leaf) => broadPathsOutsideRequest(leaf.text, input.context.userFolded));
  return [...new Set(paths)];
}

/** Observations for one signal: its own finding, plus whether the user asked for this kind of action. */
function observeSignal(signal: Signal, input: DetectorInput): Observation[] {
  const patterns = compilePatternSet(signal.patterns);
  const evidence = signal.in
    .map((scope) => matchScope(patterns, scope, input))
    .filter((entry): entry is Evidence => entry !== undefined);
  if (evidence.length === 0) return [];

  const observations: Observation[] = [
    { kind: signal.kind, signal: signal.id, detail: signal.detail, evidence, effects: signal.effects, benefit: signal.benefit },
  ];
  if (signal.requested_by.length === 0) return observations;

  const requestPatterns = compilePatternSet(signal.requested_by);
  const asked = input.context.user.find((entry) => matchesAny(requestPatterns, entry.text));
  const outside = outsideRequest(signal, input);
  const unrequested = { kind: signal.kind, signal: signal.id };
  if (asked !== undefined && outside.length > 0) {
    observations.push({
      ...structuralObservation(
        input.config,
        'unrequested_action',
        `The user asked for this kind of action, but never named ${outside.join(', ')}: ${signal.detail} there.`,
        evidence,
      ),
      unrequested,
    });
  } else if (asked !== undefined) {
    observations.push(
      structuralObservation(input.config, 'user_requested', `The user asked for this: ${signal.detail}.`, [
        { path: asked.source, raw: quote(asked.text) },
      ]),
    );
  } else if (CONSEQUENTIAL_KINDS.has(signal.kind) || signal.kind === 'credential') {
    // Reaching for credentials the user never mentioned is as telling as an unasked-for side effect.
    observations.push({
      ...structuralObservation(input.config, 'unrequested_action', `The user's request does not ask for this: ${signal.detail}.`, evidence),
      unrequested,
    });
  }
  return observations;
}

/** Runs every pattern signal of the constitution. */
export function detectSignals(input: DetectorInput): Observation[] {
  return input.config.signals.flatMap((signal) => observeSignal(signal, input));
}
