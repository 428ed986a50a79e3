import { loadConstitutions } from '../../src/constitution/loader.ts';
import { DeliberationRequestSchema, type DeliberationRequestInput } from '../../src/deliberation/request.ts';
import { deliberateWithRubric } from '../../src/deliberation/rubric/rubric-engine.ts';
import { DeliberationSchema, type Deliberation, type FactorId } from '../../src/deliberation/verdict.ts';

export const constitutions = loadConstitutions('constitutions');

/** Runs the real rubric engine on a request under a real constitution and validates the result. */
export function judge(body: DeliberationRequestInput, constitution = 'default'): Deliberation {
  const loaded = constitutions.get(constitution);
  if (loaded === undefined) throw new Error(`constitution ${constitution} not found`);
  return DeliberationSchema.parse(deliberateWithRubric(DeliberationRequestSchema.parse(body), loaded.spec));
}

/** A Bash request with the user's request as the only history turn. */
export function bash(command: unknown, userRequest: string, extra: Partial<DeliberationRequestInput['context']> = {}): DeliberationRequestInput {
  return {
    action: { tool: 'Bash', input: typeof command === 'object' && command !== null && !Array.isArray(command) ? command : { command } },
    context: { user_request: userRequest, history: [{ role: 'user', content: userRequest }], ...extra },
  };
}

export function factor(deliberation: Deliberation, id: FactorId): number {
  const found = deliberation.factors.find((entry) => entry.id === id);
  if (found === undefined) throw new Error(`factor ${id} missing`);
  return found.score;
}

export function kinds(deliberation: Deliberation): string[] {
  return deliberation.findings.map((finding) => finding.kind);
}

export function traceText(deliberation: Deliberation): string {
  return deliberation.trace.map((step) => `${step.step}: ${step.text}`).join('\n');
}
