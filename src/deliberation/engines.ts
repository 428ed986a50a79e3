import type { Config } from '../config/config.ts';
import type { Engine } from './engine.ts';
import type { EngineId } from './request.ts';
import { createRubricEngine } from './rubric/rubric-engine.ts';

/** Creates every engine the configuration allows. The rubric engine is always there. */
export function createEngines(_config: Config): Map<EngineId, Engine> {
  const rubric = createRubricEngine();
  return new Map<EngineId, Engine>([[rubric.id, rubric]]);
}
