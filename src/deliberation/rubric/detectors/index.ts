import type { RubricConfig } from '../../../constitution/rubric-config.ts';
import type { DeliberationContext } from '../context.ts';
import type { NormalisedAction } from '../normalise.ts';
import { CONSEQUENTIAL_KINDS, type Observation } from '../observation.ts';
import { detectCredentials } from './credentials.ts';
import type { Detector } from './detector.ts';
import { detectExfiltration } from './exfiltration.ts';
import { detectObfuscation } from './obfuscation.ts';
import { detectProvenance } from './provenance.ts';
import { detectScope } from './scope.ts';
import { detectSignals } from './signals.ts';
import { detectUnanalysableInput } from './unanalysable.ts';

/** Detectors in the order they run; later ones read the observations of earlier ones. */
const DETECTORS: readonly Detector[] = [
  detectSignals,
  detectCredentials,
  detectScope,
  detectExfiltration,
  detectObfuscation,
  detectProvenance,
  detectUnanalysableInput,
];

/**
 * Runs every detector over the action and its context. A read-only finding is dropped when the
 * same action also does something consequential, because one harmful step makes it no read.
 */
export function observe(action: NormalisedAction, context: DeliberationContext, config: RubricConfig): Observation[] {
  const observations: Observation[] = [];
  for (const detector of DETECTORS) observations.push(...detector({ action, context, config, earlier: observations }));
  const consequential = observations.some((observation) => CONSEQUENTIAL_KINDS.has(observation.kind));
  return consequential ? observations.filter((observation) => observation.kind !== 'read_only') : observations;
}
