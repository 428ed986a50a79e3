import type { FactorEffects, FindingKind } from '../../constitution/rubric-config.ts';
import type { Evidence } from '../verdict.ts';

/** A finding as the engine works with it: the public finding plus what it does to the factors. */
export interface Observation {
  readonly kind: FindingKind;
  /** The pattern signal id, or the finding kind for a structural detector. */
  readonly signal: string;
  readonly detail: string;
  readonly evidence: readonly Evidence[];
  readonly effects: FactorEffects;
  readonly benefit: number;
  /** For an `unrequested_action`, the kind and signal id of the action the user did not ask for. */
  readonly unrequested?: { readonly kind: FindingKind; readonly signal: string };
}

/** Finding kinds whose action changes the world in a way that is hard to take back. */
export const CONSEQUENTIAL_KINDS: ReadonlySet<FindingKind> = new Set<FindingKind>([
  'destructive_operation',
  'irreversible_side_effect',
  'money_movement',
  'access_grant',
  'safety_control',
  'remote_code_execution',
  'exfiltration',
]);

/** Checks whether an observation with the kind or signal id is present. */
export function hasObservation(observations: readonly Observation[], name: string): boolean {
  return observations.some((observation) => observation.kind === name || observation.signal === name);
}
