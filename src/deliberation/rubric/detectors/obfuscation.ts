import type { Observation } from '../observation.ts';
import { judgedLeaves, leafEvidence, structuralObservation, type DetectorInput } from './detector.ts';

/**
 * Flags judged text that had to be decoded before it could be read. Hiding a command from a
 * reader has no use in a legitimate task, so the hiding is itself evidence of intent.
 */
export function detectObfuscation(input: DetectorInput): Observation[] {
  const hidden = judgedLeaves(input.action).filter((leaf) => leaf.techniques.length > 0);
  if (hidden.length === 0) return [];
  const techniques = [...new Set(hidden.flatMap((leaf) => leaf.techniques))].join(', ');
  return [
    structuralObservation(
      input.config,
      'obfuscation',
      `The text was hidden with ${techniques}; decoded, it reads as shown in the evidence.`,
      hidden.map((leaf) => leafEvidence(leaf)),
    ),
  ];
}
