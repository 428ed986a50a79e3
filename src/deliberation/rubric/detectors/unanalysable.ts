import type { Observation } from '../observation.ts';
import { SCAN_WINDOW } from '../text.ts';
import { judgedLeaves, structuralObservation, type DetectorInput } from './detector.ts';

/**
 * Flags a shell action whose command could not be found, or is longer than the rubric scans
 * in one piece, so that it is never allowed unread.
 */
export function detectUnanalysableInput(input: DetectorInput): Observation[] {
  if (!input.action.shell) return [];
  const commands = judgedLeaves(input.action).filter((leaf) => leaf.text.trim() !== '');
  const oversized = commands.find((leaf) => leaf.text.length > SCAN_WINDOW);
  if (oversized) {
    return [
      structuralObservation(
        input.config,
        'unanalysable_input',
        `The command is ${oversized.text.length} characters long, more than the ${SCAN_WINDOW} the rubric reads in one piece.`,
        [{ path: oversized.path }],
      ),
    ];
  }
  if (commands.length > 0) return [];
  return [
    structuralObservation(input.config, 'unanalysable_input', `No command was found in the input of the shell tool ${input.action.tool}.`, [
      { path: 'action.input' },
    ]),
  ];
}
