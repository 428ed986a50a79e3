import { performance } from 'node:perf_hooks';
import type { Constitution } from '../../constitution/schema.ts';
import type { Engine } from '../engine.ts';
import type { DeliberationRequest } from '../request.ts';
import type { Deliberation, Finding } from '../verdict.ts';
import { readContext } from './context.ts';
import { decide } from './decide.ts';
import { observe } from './detectors/index.ts';
import { checkHeuristics } from './heuristics.ts';
import { normaliseAction } from './normalise.ts';
import { writeTrace } from './trace.ts';
import { weigh } from './weigh.ts';

/**
 * Deliberates about one request under a constitution with the rubric pipeline: normalise,
 * observe, weigh, check with the heuristics, decide, and write the trace. Pure: the same
 * request and constitution give the same result, except for the engine's latency.
 */
export function deliberateWithRubric(request: DeliberationRequest, spec: Constitution): Deliberation {
  const started = performance.now();
  const config = spec.rubric;

  const action = normaliseAction(request.action.tool, request.action.input, config);
  const context = readContext(request);
  const observations = observe(action, context, config);
  const weighing = weigh(observations, spec);
  const heuristics = checkHeuristics(observations, weighing.factors, weighing.benefit.score, weighing.risk, config);
  const shift = heuristics.reduce((sum, heuristic) => sum + heuristic.shift, 0);
  const risk = Math.round(Math.min(1, Math.max(0, weighing.risk + shift)) * 1000) / 1000;
  const concreteAction = action.leaves.some((leaf) => leaf.judged) || request.action.tool !== 'unknown';
  const result = decide(spec, observations, weighing.factors, risk, weighing, concreteAction);

  const findings: Finding[] = observations.map((observation) => ({
    kind: observation.kind,
    detail: observation.detail,
    evidence: [...observation.evidence],
  }));

  return {
    decision: result.decision,
    risk,
    confidence: result.confidence,
    factors: weighing.factors,
    benefits: weighing.benefit,
    heuristics: heuristics.map(({ id, outcome, note, shift: heuristicShift }) => ({ id, outcome, note, shift: heuristicShift })),
    constraints: result.constraints.map(({ id, kind, hit, note }) => ({ id, kind, hit, note })),
    findings,
    trace: writeTrace({ action, context, observations, weighing, heuristics, risk, result }),
    engine: { id: 'rubric', decided_by: 'rubric', latency_ms: Math.round((performance.now() - started) * 1000) / 1000, retries: 0 },
  };
}

/** Creates the embedded rubric engine, which needs no network and no key. */
export function createRubricEngine(): Engine {
  return {
    id: 'rubric',
    deliberate: async (input) => deliberateWithRubric(input.request, input.constitution.spec),
  };
}
