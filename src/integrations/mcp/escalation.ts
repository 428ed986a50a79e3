import type { Server } from '@modelcontextprotocol/sdk/server/index.js';
import type { Verdict } from '../../deliberation/verdict.ts';
import { describeVerdict } from '../verdict-reason.ts';

/** Wording of each elicitation result that is not an approval, for the tool error. */
const NOT_APPROVED_WORDING = { accept: 'did not approve', decline: 'declined', cancel: 'cancelled the question' } as const;

/** The outcome of asking a human about an escalated call. */
export type Confirmation = { approved: true } | { approved: false; reason: string };

/**
 * Asks the human through MCP elicitation (form mode) whether an escalated call may run. A
 * client without form elicitation gets no question, and the call stays blocked.
 */
export async function confirmEscalation(server: Server, verdict: Verdict, tool: string, signal: AbortSignal): Promise<Confirmation> {
  if (!server.getClientCapabilities()?.elicitation?.form) {
    return { approved: false, reason: 'This client cannot ask the user (no MCP elicitation), so the call was not run. Ask the user to confirm it.' };
  }
  const result = await server.elicitInput(
    {
      mode: 'form',
      message: `${describeVerdict(verdict, tool)} Run this call?`,
      requestedSchema: {
        type: 'object',
        properties: { approve: { type: 'boolean', title: `Run ${tool}`, description: 'Allow this one tool call to run' } },
        required: ['approve'],
      },
    },
    { signal },
  );
  if (result.action === 'accept' && result.content?.approve === true) return { approved: true };
  return { approved: false, reason: `The user ${NOT_APPROVED_WORDING[result.action]}, so the call was not run.` };
}
