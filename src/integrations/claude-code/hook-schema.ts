import { z } from 'zod';

// Field names follow the Claude Code hooks reference (https://code.claude.com/docs/en/hooks),
// PreToolUse section: docs/integrations.md lists what was taken from it.

/**
 * The JSON Claude Code sends to a PreToolUse hook, on stdin for a command hook and as the POST
 * body for an HTTP hook. Unknown fields are kept, because Claude Code adds fields over time
 * (for example agent_id inside a subagent) and a hook must not break on them.
 */
export const PreToolUseInputSchema = z.looseObject({
  session_id: z.string().max(256).optional(),
  transcript_path: z.string().max(4096).optional(),
  cwd: z.string().max(4096).optional(),
  permission_mode: z.string().max(64).optional().describe('default, plan, acceptEdits, dontAsk or bypassPermissions'),
  hook_event_name: z.literal('PreToolUse'),
  tool_name: z.string().min(1).max(256).describe('For example Bash, Write, Edit, WebFetch or mcp__server__tool'),
  tool_input: z.record(z.string(), z.unknown()).describe('The tool arguments; their shape depends on the tool'),
  tool_use_id: z.string().max(256).optional(),
});
export type PreToolUseInput = z.infer<typeof PreToolUseInputSchema>;

export const PERMISSION_DECISIONS = ['allow', 'deny', 'ask'] as const;
export type PermissionDecision = (typeof PERMISSION_DECISIONS)[number];

/**
 * The JSON a PreToolUse hook prints (exit 0) or an HTTP hook returns (2xx). `allow` skips the
 * user's permission prompt, `deny` blocks the call and shows the reason to the model, `ask`
 * shows the permission prompt with the reason to the user. Without `hookSpecificOutput` the
 * normal permission flow runs.
 */
export const PreToolUseOutputSchema = z.strictObject({
  hookSpecificOutput: z
    .strictObject({
      hookEventName: z.literal('PreToolUse'),
      permissionDecision: z.enum(PERMISSION_DECISIONS),
      permissionDecisionReason: z.string().min(1),
    })
    .optional(),
});
export type PreToolUseOutput = z.infer<typeof PreToolUseOutputSchema>;

/** What the hook does when no verdict can be obtained: block the call, or ask the user. */
export const HookFailureModeSchema = z.enum(['deny', 'ask']);
export type HookFailureMode = z.infer<typeof HookFailureModeSchema>;
