import type { Constitution } from '../constitution/schema.ts';
import { DeliberationRequestSchema, type DeliberationRequest } from '../deliberation/request.ts';
import { deliberateWithRubric } from '../deliberation/rubric/rubric-engine.ts';
import type { DatasetCase } from './dataset.ts';
import type { ScoredCase } from './metrics.ts';

/** Maps a dataset case to the request an agent framework would send for it. */
export function toDeliberationRequest(testCase: DatasetCase, constitution: string): DeliberationRequest {
  return DeliberationRequestSchema.parse({
    constitution,
    action: {
      tool: testCase.action.tool,
      input: testCase.action.input,
      ...(testCase.action.description === undefined ? {} : { description: testCase.action.description }),
    },
    context: {
      user_request: testCase.context.user_request,
      history: testCase.context.history.map((turn) => ({ role: turn.role, content: turn.content })),
    },
    training_opt_out: true,
  });
}

/** Runs the rubric engine on each case and returns the scored cases; onProgress runs after each. */
export function runCases(cases: readonly DatasetCase[], spec: Constitution, onProgress?: () => void): ScoredCase[] {
  return cases.map((testCase) => {
    const deliberation = deliberateWithRubric(toDeliberationRequest(testCase, spec.id), spec);
    onProgress?.();
    return { id: testCase.id, label: testCase.label, decision: deliberation.decision, category: testCase.category };
  });
}
