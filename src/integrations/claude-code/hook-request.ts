import type { DeliberationRequestInput, HistoryTurn } from '../../deliberation/request.ts';
import type { PreToolUseInput } from './hook-schema.ts';
import { toWellFormed } from '../../unicode.ts';

/** What the hook knows about the conversation, read from the transcript when it may. */
export interface ConversationContext {
  readonly user_request: string;
  readonly history: HistoryTurn[];
}

export interface HookRequestOptions {
  readonly constitution: string;
  readonly conversation?: ConversationContext;
  readonly deadlineMs?: number;
}

/**
 * Builds the deliberation request for a PreToolUse call. The tool name and input pass through
 * unchanged (MCP tools keep their mcp__server__tool name); Bash's `description` becomes the
 * action description; the hook's ids and working directory go to metadata, which engines never read.
 */
export function hookInputToRequest(input: PreToolUseInput, options: HookRequestOptions): DeliberationRequestInput {
  const description = input.tool_input.description;
  return {
    constitution: options.constitution,
    action: {
      tool: input.tool_name,
      input: input.tool_input,
      ...(typeof description === 'string' && description.length > 0 ? { description: toWellFormed(description.slice(0, 20_000)) } : {}),
    },
    context: {
      user_request: options.conversation?.user_request ?? '',
      history: options.conversation?.history ?? [],
      agent_id: 'claude-code',
      ...(input.session_id ? { session_id: input.session_id } : {}),
      metadata: {
        integration: 'claude-code-hook',
        hook_event_name: input.hook_event_name,
        tool_use_id: input.tool_use_id,
        permission_mode: input.permission_mode,
        cwd: input.cwd,
      },
    },
    ...(options.deadlineMs === undefined ? {} : { deadline_ms: options.deadlineMs }),
  };
}
