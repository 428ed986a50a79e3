// An OpenAI Agents SDK tool input guardrail that asks Deliberation Guard about every call of
// the tools it is attached to. Allow lets the call run; deny and escalate reject it with the
// guard's reason, which the model receives in place of the tool output. When no verdict can be
// obtained the call is rejected too, so the tool never runs unchecked.
import { ToolGuardrailFunctionOutputFactory, defineToolInputGuardrail, tool } from '@openai/agents';
import { z } from 'zod';
import { describeVerdict, type ContextInput, type GuardClient } from 'deliberation-guard/client';

/** Parses a function call's JSON arguments; text that is not JSON is deliberated about as a string. */
function parseArguments(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

export function deliberationGuardrail(client: GuardClient, context: () => ContextInput) {
  return defineToolInputGuardrail({
    name: 'deliberation_guard',
    run: async ({ toolCall }) => {
      try {
        const verdict = await client.check({ tool: toolCall.name, input: parseArguments(toolCall.arguments) }, context());
        if (verdict.decision === 'allow') return ToolGuardrailFunctionOutputFactory.allow({ verdictId: verdict.id });
        return ToolGuardrailFunctionOutputFactory.rejectContent(describeVerdict(verdict, toolCall.name), { verdictId: verdict.id });
      } catch (error) {
        return ToolGuardrailFunctionOutputFactory.rejectContent(
          `Deliberation Guard could not deliberate about this ${toolCall.name} call (${(error as Error).message}), so it was not run.`,
        );
      }
    },
  });
}

/** A file-deleting tool guarded by the guardrail; `remove` is your own implementation. */
export function guardedDeleteTool(client: GuardClient, userRequest: string, remove: (path: string) => Promise<string>) {
  return tool({
    name: 'delete_path',
    description: 'Delete a file or folder',
    parameters: z.object({ path: z.string() }),
    inputGuardrails: [deliberationGuardrail(client, () => ({ user_request: userRequest }))],
    execute: async ({ path }) => remove(path),
  });
}
