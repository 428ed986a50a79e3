import type { Verdict } from '../../deliberation/verdict.ts';
import { describeFailure, describeVerdict } from '../verdict-reason.ts';
import type { HookFailureMode, PermissionDecision, PreToolUseOutput } from './hook-schema.ts';

export interface HookAnswerOptions {
  /**
   * Print `allow` on an allow verdict. Off by default, because an explicit allow skips the
   * user's normal permission prompt; without it Claude Code's own permission rules still apply.
   */
  readonly explicitAllow: boolean;
}

function decisionOutput(decision: PermissionDecision, reason: string): PreToolUseOutput {
  return { hookSpecificOutput: { hookEventName: 'PreToolUse', permissionDecision: decision, permissionDecisionReason: reason } };
}

/** Maps a verdict to the PreToolUse output: deny to deny, escalate to ask, allow to no decision or allow. */
export function hookOutputForVerdict(verdict: Verdict, tool: string, options: HookAnswerOptions): PreToolUseOutput {
  const reason = describeVerdict(verdict, tool);
  if (verdict.decision === 'deny') return decisionOutput('deny', reason);
  if (verdict.decision === 'escalate') return decisionOutput('ask', reason);
  return options.explicitAllow ? decisionOutput('allow', reason) : {};
}

/** The answer when no verdict could be obtained: still a decision that blocks or asks, never silence. */
export function blockingHookOutput(tool: string, failure: string, mode: HookFailureMode): PreToolUseOutput {
  return decisionOutput(mode, describeFailure(tool, failure, mode));
}
