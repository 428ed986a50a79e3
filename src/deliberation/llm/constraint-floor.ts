import type { Constitution } from '../../constitution/schema.ts';
import type { DeliberationRequest } from '../request.ts';
import { deliberateWithRubric } from '../rubric/rubric-engine.ts';
import type { Decision, Deliberation } from '../verdict.ts';

const CAUTION: Record<Decision, number> = { allow: 0, escalate: 1, deny: 2 };

/** Most permissive decision that the hit hard constraints and vetoes leave, with their ids. */
interface ConstraintFloor {
  readonly decision: Decision;
  readonly reasons: string[];
}

function constraintFloor(rubric: Deliberation, spec: Constitution): ConstraintFloor | undefined {
  let floor: ConstraintFloor | undefined;
  for (const hit of rubric.constraints.filter((constraint) => constraint.hit)) {
    const decision: Decision =
      hit.kind === 'hard_constraint' ? 'deny' : (spec.rubric.vetoes.find((veto) => veto.id === hit.id)?.decision ?? 'escalate');
    const reason = `${hit.kind === 'hard_constraint' ? 'hard constraint' : 'veto'} ${hit.id}`;
    if (!floor || CAUTION[decision] > CAUTION[floor.decision]) floor = { decision, reasons: [...(floor?.reasons ?? []), reason] };
    else floor.reasons.push(reason);
  }
  return floor;
}

/**
 * Holds an LLM verdict to the constitution's hard constraints and vetoes, as the rubric
 * engine's detectors find them. Text in the judged content can talk a model into allowing,
 * but not these deterministic checks: when the model's decision is less cautious than a hit
 * constraint allows, the rubric engine's verdict replaces it and the trace records why.
 */
export function holdToConstraints(answer: Deliberation, request: DeliberationRequest, spec: Constitution): Deliberation {
  const rubric = deliberateWithRubric(request, spec);
  const floor = constraintFloor(rubric, spec);
  if (!floor || CAUTION[answer.decision] >= CAUTION[floor.decision]) return answer;

  const step = {
    step: 'constraint_check',
    text:
      `The ${answer.engine.id} engine answered ${answer.decision}, but ${floor.reasons.join(' and ')} ` +
      `${floor.reasons.length > 1 ? 'are' : 'is'} hit, which rules that out. Hard constraints and vetoes bind every engine, ` +
      `so the rubric engine's verdict (${rubric.decision}) replaces the model's.`,
  };
  return { ...rubric, trace: [step, ...rubric.trace], engine: { ...answer.engine, decided_by: 'rubric' } };
}
