import type { Verdict } from '../deliberation/verdict.ts';

/** Longest reason text an integration hands to the model or the user, in characters. */
const MAX_REASON_LENGTH = 1_200;

const NEXT_STEP: Record<Verdict['decision'], string> = {
  allow: '',
  deny: 'Do not retry this action in another form; tell the user what you intended and let them decide.',
  escalate: 'A human must confirm this action before it runs.',
};

const VERB: Record<Verdict['decision'], string> = {
  allow: 'allowed',
  deny: 'denied',
  escalate: 'asks a human to confirm',
};

function shorten(text: string): string {
  return text.length <= MAX_REASON_LENGTH ? text : `${text.slice(0, MAX_REASON_LENGTH - 1)}…`;
}

/**
 * Writes the reason an integration shows for a verdict: what was decided and why (the decision
 * step of the trace and the findings), the verdict id to look it up, and what to do next.
 * The reason goes to the agent's model on deny, so it names the cause, not only the outcome.
 */
export function describeVerdict(verdict: Verdict, tool: string): string {
  const decisionStep = verdict.trace.find((step) => step.step === 'decision')?.text ?? `decision: ${verdict.decision}`;
  const findings = verdict.findings.map((finding) => finding.detail.replace(/\.$/, '')).join('; ');
  const parts = [
    `Deliberation Guard ${VERB[verdict.decision]} this ${tool} call (verdict ${verdict.id}, risk ${verdict.risk}).`,
    decisionStep.endsWith('.') ? decisionStep : `${decisionStep}.`,
    findings ? `Findings: ${findings}.` : '',
    NEXT_STEP[verdict.decision],
  ];
  return shorten(parts.filter((part) => part.length > 0).join(' '));
}

/** Writes the reason shown when no verdict could be obtained and the integration blocks anyway. */
export function describeFailure(tool: string, failure: string, blocking: 'deny' | 'ask'): string {
  const outcome = blocking === 'deny' ? 'so the call is blocked' : 'so a human must confirm the call';
  return shorten(
    `Deliberation Guard could not deliberate about this ${tool} call (${failure}), ${outcome}. ` +
      'Tell the user: the guard setup needs attention before this call can run.',
  );
}
