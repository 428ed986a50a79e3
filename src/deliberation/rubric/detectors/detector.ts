import type { FindingKind, RubricConfig } from '../../../constitution/rubric-config.ts';
import type { Evidence } from '../../verdict.ts';
import type { DeliberationContext } from '../context.ts';
import type { Leaf, NormalisedAction } from '../normalise.ts';
import type { Observation } from '../observation.ts';
import { quote } from '../text.ts';

/** What every detector reads: the decoded action, the sorted context and the rubric settings. */
export interface DetectorInput {
  readonly action: NormalisedAction;
  readonly context: DeliberationContext;
  readonly config: RubricConfig;
  /** Observations of the detectors that ran before, for detectors that combine findings. */
  readonly earlier: readonly Observation[];
}

export type Detector = (input: DetectorInput) => Observation[];

/** Builds an observation of a structural detector, with the effects the constitution gives its kind. */
export function structuralObservation(
  config: RubricConfig,
  kind: FindingKind,
  detail: string,
  evidence: readonly Evidence[],
): Observation {
  return {
    kind,
    signal: kind,
    detail,
    evidence,
    effects: config.detectors[kind] ?? {},
    benefit: config.detector_benefits[kind] ?? 0,
  };
}

/** Evidence that points at a leaf, quoting its raw and decoded text. */
export function leafEvidence(leaf: Leaf, source?: string): Evidence {
  const evidence: Evidence = { path: leaf.path, raw: quote(leaf.raw) };
  if (leaf.text !== leaf.raw) evidence.normalized = quote(leaf.text);
  if (source !== undefined) evidence.source = source;
  return evidence;
}

/** The leaves the tool runs or acts on. */
export function judgedLeaves(action: NormalisedAction): Leaf[] {
  return action.leaves.filter((leaf) => leaf.judged);
}
