import { z } from 'zod';

/** The rubric engine's signals, weights and constraints, read from a constitution file. */
export const RubricConfigSchema = z.strictObject({});
export type RubricConfig = z.infer<typeof RubricConfigSchema>;
