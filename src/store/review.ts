import { z } from 'zod';
import { DecisionSchema } from '../deliberation/verdict.ts';

/** A human review of a verdict: agreement, or the decision the reviewer would have taken. */
export const ReviewInputSchema = z
  .strictObject({
    outcome: z.enum(['agree', 'correct']),
    corrected_decision: DecisionSchema.optional().describe('Required when outcome is correct'),
    note: z.string().max(4000).optional(),
    reviewer_id: z.string().min(1).max(256),
  })
  .refine((review) => review.outcome === 'agree' || review.corrected_decision !== undefined, {
    message: 'corrected_decision is required when outcome is correct',
    path: ['corrected_decision'],
  })
  .refine((review) => review.outcome === 'correct' || review.corrected_decision === undefined, {
    message: 'corrected_decision is only allowed when outcome is correct',
    path: ['corrected_decision'],
  });
export type ReviewInput = z.infer<typeof ReviewInputSchema>;

export const ReviewSchema = z.object({
  outcome: z.enum(['agree', 'correct']),
  corrected_decision: DecisionSchema.optional(),
  note: z.string().optional(),
  reviewer_id: z.string(),
  reviewed_at: z.iso.datetime(),
});
export type Review = z.infer<typeof ReviewSchema>;
