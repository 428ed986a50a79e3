import type { DeliberationRequest } from './request.ts';

/** Renders the judged scenario as text: the user's request, the history, then the proposed action. */
export function renderScenario(request: DeliberationRequest): string {
  const { action, context } = request;
  const history = context.history.map((turn, index) => {
    const speaker = turn.name ? `${turn.role} (${turn.name})` : turn.role;
    return `[${index}] ${speaker}: ${turn.content}`;
  });
  const input = typeof action.input === 'string' ? action.input : JSON.stringify(action.input ?? null, null, 2);
  return [
    `User request: ${context.user_request}`,
    '',
    history.length > 0 ? `History:\n${history.join('\n')}` : 'History: (none)',
    '',
    `Proposed action: tool ${action.tool}`,
    `Input: ${input}`,
    ...(action.description ? [`Agent's description: ${action.description}`] : []),
  ].join('\n');
}
