import type { LogSink } from '../logger.ts';
import type { LoadedConstitution } from '../constitution/schema.ts';
import type { DeliberationRequest, EngineId } from './request.ts';
import type { Deliberation } from './verdict.ts';

/** Everything an engine receives for one deliberation. */
export interface EngineInput {
  readonly request: DeliberationRequest;
  readonly constitution: LoadedConstitution;
  /** Aborted when the request's deadline passes or the client goes away. */
  readonly signal: AbortSignal;
  /** Absolute time (ms since epoch) by which the engine must have answered. */
  readonly deadline: number;
  readonly log: LogSink;
}

/** One way of deliberating: (request, constitution) to a deliberation. */
export interface Engine {
  readonly id: EngineId;
  deliberate(input: EngineInput): Promise<Deliberation>;
}
