import type { Observation } from '../observation.ts';
import { judgedLeaves, structuralObservation, type DetectorInput } from './detector.ts';

/** Flags a shell action whose command could not be found, so that it is never allowed unread. */
export function detectUnanalysableInput(input: DetectorInput): Observation[] {
  if (!input.action.shell) return [];
  if (judgedLeaves(input.action).some((leaf) => leaf.text.trim() !== '')) return [];
  return [
    structuralObservation(input.config, 'unanalysable_input', `No command was found in the input of the shell tool ${input.action.tool}.`, [
      { path: 'action.input' },
    ]),
  ];
}
