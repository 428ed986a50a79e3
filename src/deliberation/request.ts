import { z } from 'zod';

/** Engines a caller may ask for. `rubric` is embedded; the others need configuration. */
export const ENGINE_IDS = ['rubric', 'claude', 'openai-compatible', 'cascade'] as const;
export const EngineIdSchema = z.enum(ENGINE_IDS);
export type EngineId = z.infer<typeof EngineIdSchema>;

/**
 * Roles a history turn may carry. `user` is the principal; `assistant` and `agent` are the
 * agent itself; `tool` and `environment` are tool output, which is untrusted data.
 */
export const HISTORY_ROLES = ['user', 'assistant', 'agent', 'tool', 'environment', 'system'] as const;

export const HistoryTurnSchema = z.strictObject({
  role: z.enum(HISTORY_ROLES),
  content: z.string().max(200_000),
  name: z.string().max(256).optional().describe('Tool name for tool turns'),
});
export type HistoryTurn = z.infer<typeof HistoryTurnSchema>;

export const ActionSchema = z.strictObject({
  tool: z.string().min(1).max(256).describe('Tool name, for example Bash or mcp__github__delete_repository'),
  input: z.unknown().describe('Tool input as the agent would send it: any JSON value'),
  description: z.string().max(20_000).optional().describe('What the agent says the action does'),
});
export type Action = z.infer<typeof ActionSchema>;

export const ContextSchema = z.strictObject({
  user_request: z.string().max(100_000).default('').describe("The principal's request, verbatim"),
  history: z.array(HistoryTurnSchema).max(500).default([]),
  agent_id: z.string().max(256).optional(),
  session_id: z.string().max(256).optional(),
  metadata: z
    .record(z.string(), z.unknown())
    .optional()
    .describe('Free caller metadata; stored with the verdict and never read by an engine'),
});
export type Context = z.infer<typeof ContextSchema>;

export const DeliberationRequestSchema = z.strictObject({
  constitution: z.string().min(1).max(128).default('default'),
  engine: EngineIdSchema.optional().describe('Overrides GUARD_ENGINE for this request'),
  action: ActionSchema,
  context: ContextSchema.default({ user_request: '', history: [] }),
  deadline_ms: z
    .number()
    .int()
    .min(1)
    .max(120_000)
    .optional()
    .describe('Time budget for an LLM engine in milliseconds; the fail mode decides when it runs out'),
  training_opt_out: z
    .boolean()
    .default(false)
    .describe('When true the verdict is stored and queryable but never exported as training data'),
});
export type DeliberationRequest = z.infer<typeof DeliberationRequestSchema>;
/** The request as a caller writes it, before defaults are applied. */
export type DeliberationRequestInput = z.input<typeof DeliberationRequestSchema>;
