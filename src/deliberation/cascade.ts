import { performance } from 'node:perf_hooks';
import type { Constitution } from '../constitution/schema.ts';
import type { Engine } from './engine.ts';
import type { Deliberation } from './verdict.ts';

/**
 * Checks whether a rubric verdict goes on to the LLM tier: its risk lies in the constitution's grey
 * band, or its confidence is below the band's bound. A hit hard constraint settles the case at
 * the rubric tier, because no LLM answer could change a deny that a hard constraint forces.
 */
export function inGreyBand(rubric: Deliberation, spec: Constitution): boolean {
  if (rubric.constraints.some((constraint) => constraint.hit && constraint.kind === 'hard_constraint')) return false;
  const band = spec.grey_band;
  return (rubric.risk >= band.risk_min && rubric.risk <= band.risk_max) || rubric.confidence < band.confidence_below;
}

/**
 * Creates the cascade engine: the rubric engine deliberates first, and only verdicts in the
 * grey band go to the LLM engine. `engine.tier` records which tier settled the case; an LLM
 * failure inside the grey band is settled by the constitution's fail mode at the LLM tier.
 */
export function createCascadeEngine(rubric: Engine, llm: Engine): Engine {
  return {
    id: 'cascade',
    async deliberate(input) {
      const started = performance.now();
      const first = await rubric.deliberate(input);
      const escalated = inGreyBand(first, input.constitution.spec);
      const result = escalated ? await llm.deliberate(input) : first;
      const latency = Math.round((performance.now() - started) * 1000) / 1000;
      return { ...result, engine: { ...result.engine, id: 'cascade', tier: escalated ? 'llm' : 'rubric', latency_ms: latency } };
    },
  };
}
