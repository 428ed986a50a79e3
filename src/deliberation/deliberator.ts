import type { LogSink } from '../logger.ts';
import type { LoadedConstitution } from '../constitution/schema.ts';
import { redactStoredVerdict } from '../redaction/record.ts';
import type { IdempotencyBinding, KeyBinding, VerdictStore } from '../store/store.ts';
import type { Engine } from './engine.ts';
import type { DeliberationRequest, EngineId } from './request.ts';
import { createVerdictId } from './verdict-id.ts';
import { VerdictSchema, type Deliberation, type Verdict } from './verdict.ts';

/** Raised for a request that names a constitution the service did not load. */
export class UnknownConstitutionError extends Error {
  constructor(
    readonly constitutionId: string,
    readonly known: string[],
  ) {
    super(`unknown constitution "${constitutionId}"; known constitutions: ${known.join(', ')}`);
    this.name = 'UnknownConstitutionError';
  }
}

/**
 * Raised instead of a commit when the request's Idempotency-Key is already bound to a live
 * verdict, committed by another request in the meantime. The new verdict was not stored.
 */
export class IdempotencyKeyBoundError extends Error {
  constructor(readonly existing: IdempotencyBinding) {
    super(`the Idempotency-Key is already bound to verdict ${existing.verdictId}`);
    this.name = 'IdempotencyKeyBoundError';
  }
}

/** Raised for a request that names an engine that is not configured here. */
export class EngineUnavailableError extends Error {
  constructor(
    readonly engineId: EngineId,
    readonly available: EngineId[],
  ) {
    super(`engine "${engineId}" is not configured; available engines: ${available.join(', ')}`);
    this.name = 'EngineUnavailableError';
  }
}

export interface DeliberatorOptions {
  readonly constitutions: ReadonlyMap<string, LoadedConstitution>;
  readonly engines: ReadonlyMap<EngineId, Engine>;
  readonly defaultEngine: EngineId;
  readonly defaultDeadlineMs: number;
  readonly store: VerdictStore;
  /**
   * Whether to redact secrets and personal data after the engine has judged the real values,
   * so that the store, the response and live feeds only see placeholders. Default true.
   */
  readonly redactStorage?: boolean;
  /** Called after a verdict is committed, for example to count it in the metrics; must not throw. */
  readonly onVerdict?: (verdict: Verdict) => void;
}

/** Why a verdict is kept out of training exports, or undefined when it may be exported. */
function trainingExclusion(request: DeliberationRequest, deliberation: Deliberation): string | undefined {
  if (request.training_opt_out) return 'the request opted out of training use';
  if (deliberation.engine.fail_mode) return `the fail mode decided (${deliberation.engine.fail_mode.reason})`;
  return undefined;
}

/**
 * Runs one deliberation end to end: resolves the constitution and engine, lets the engine
 * deliberate within the deadline, stamps the verdict and commits it before returning.
 */
export class Deliberator {
  constructor(private readonly options: DeliberatorOptions) {}

  get constitutions(): ReadonlyMap<string, LoadedConstitution> {
    return this.options.constitutions;
  }

  resolveConstitution(id: string): LoadedConstitution {
    const constitution = this.options.constitutions.get(id);
    if (!constitution) throw new UnknownConstitutionError(id, [...this.options.constitutions.keys()]);
    return constitution;
  }

  resolveEngine(id: EngineId | undefined): Engine {
    const engineId = id ?? this.options.defaultEngine;
    const engine = this.options.engines.get(engineId);
    if (!engine) throw new EngineUnavailableError(engineId, [...this.options.engines.keys()]);
    return engine;
  }

  /**
   * Deliberates and commits the verdict. With `binding`, the verdict and its Idempotency-Key
   * are committed in one transaction, and IdempotencyKeyBoundError is raised, with nothing
   * stored, when the key is already bound to a live verdict.
   */
  async deliberate(request: DeliberationRequest, log: LogSink, binding?: KeyBinding): Promise<Verdict> {
    const constitution = this.resolveConstitution(request.constitution);
    const engine = this.resolveEngine(request.engine);
    const startedAt = Date.now();
    const deadline = startedAt + (request.deadline_ms ?? this.options.defaultDeadlineMs);
    const signal = AbortSignal.timeout(Math.max(0, deadline - startedAt));

    const deliberation = await engine.deliberate({ request, constitution, signal, deadline, log });
    const exclusion = trainingExclusion(request, deliberation);
    const verdict = VerdictSchema.parse({
      ...deliberation,
      id: createVerdictId(startedAt),
      constitution: { id: constitution.spec.id, version: constitution.spec.version, sha256: constitution.sha256 },
      training: exclusion ? { eligible: false, reason: exclusion } : { eligible: true },
      created_at: new Date(startedAt).toISOString(),
    });

    const record = this.options.redactStorage === false ? { verdict, request } : redactStoredVerdict({ verdict, request });
    if (binding) {
      const outcome = await this.options.store.appendIdempotent(record, binding.key, binding.liveSince);
      if (!outcome.bound) throw new IdempotencyKeyBoundError(outcome.existing);
    } else {
      await this.options.store.append(record);
    }
    log.info(
      { verdictId: verdict.id, decision: verdict.decision, engine: verdict.engine.id, constitutionId: constitution.spec.id },
      'verdict committed',
    );
    this.options.onVerdict?.(record.verdict);
    return record.verdict;
  }
}
