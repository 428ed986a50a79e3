import { z } from 'zod';
import { DecisionSchema, type Verdict } from '../deliberation/verdict.ts';
import { EngineIdSchema, type DeliberationRequest } from '../deliberation/request.ts';
import type { LogSink } from '../logger.ts';
import type { Review } from './review.ts';
import type { FactorDistribution, StatisticsOptions, VerdictStatistics } from './statistics.ts';

/**
 * The announcement of a committed verdict: enough fields to filter a live feed by decision and
 * constitution. Subscribers read the whole record back by id.
 */
export const CommittedVerdictSchema = z.object({
  id: z.string(),
  decision: DecisionSchema,
  constitution: z.object({ id: z.string() }),
});
export type CommittedVerdict = z.infer<typeof CommittedVerdictSchema>;

/** Receives committed verdicts; see VerdictStore.watchCommitted. Must not throw. */
export type CommitListener = (verdict: CommittedVerdict) => void;

/** A verdict together with the request that produced it, as the store keeps it. */
export interface StoredVerdict {
  readonly verdict: Verdict;
  readonly request: DeliberationRequest;
  /** The latest human review, when there is one. */
  readonly review?: Review;
}

const riskBound = z.coerce.number().min(0).max(1).optional();

/** Filters shared by listing, export, statistics and GraphQL. Times are ISO 8601; every bound is inclusive except `until`. */
export const VerdictFilterSchema = z.strictObject({
  decision: DecisionSchema.optional(),
  constitution: z.string().max(128).optional(),
  engine: EngineIdSchema.optional().describe('The engine the request asked for (verdict.engine.id)'),
  tool: z.string().max(256).optional(),
  risk_min: riskBound.describe('Only verdicts whose risk is at least this value'),
  risk_max: riskBound.describe('Only verdicts whose risk is at most this value'),
  since: z.iso.datetime().optional().describe('Only verdicts created at or after this time'),
  until: z.iso.datetime().optional().describe('Only verdicts created before this time'),
  reviewed: z
    .enum(['true', 'false'])
    .transform((value) => value === 'true')
    .or(z.boolean())
    .optional()
    .describe('Only reviewed (true) or unreviewed (false) verdicts'),
});
export type VerdictFilter = z.infer<typeof VerdictFilterSchema>;

export interface VerdictPage {
  readonly items: StoredVerdict[];
  /** Pass as `cursor` to read the next page; absent on the last page. */
  readonly nextCursor?: string;
}

/** An Idempotency-Key as the store binds it to a verdict. */
export interface IdempotencyKey {
  /** Whose key it is: the API key id, or `open` when requests are not authenticated. */
  readonly owner: string;
  /** The header value, 1 to 255 visible ASCII characters. */
  readonly key: string;
  /** SHA-256 (hex) of the request body's key-sorted JSON. */
  readonly bodyHash: string;
  /** When the key was bound, ISO 8601. */
  readonly createdAt: string;
}

/** The verdict that an Idempotency-Key is bound to. */
export interface IdempotencyBinding {
  readonly bodyHash: string;
  readonly verdictId: string;
  readonly createdAt: string;
}

/** An Idempotency-Key to bind to the verdict that is committed with it, and the time before which a binding has expired (ISO 8601). */
export interface KeyBinding {
  readonly key: IdempotencyKey;
  readonly liveSince: string;
}

/**
 * Result of binding a key: `bound` when the key now names the given verdict, otherwise the live
 * binding that already held the key (and then nothing was stored).
 */
export type BindOutcome = { readonly bound: true } | { readonly bound: false; readonly existing: IdempotencyBinding };

/** Raised when the store cannot write or read; the API answers 503 and issues no verdict. */
export class StoreUnavailableError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'StoreUnavailableError';
  }
}

/**
 * The durable verdict log. `append` resolves only once the verdict is committed, so a
 * verdict id that reached a caller is never missing after a crash.
 */
export interface VerdictStore {
  append(record: StoredVerdict): Promise<void>;
  get(id: string): Promise<StoredVerdict | undefined>;
  /** Records a review, replacing an earlier one; returns the updated record or undefined if the id is unknown. */
  review(id: string, review: Review): Promise<StoredVerdict | undefined>;
  /** Newest first. The cursor is the id of the last verdict of the previous page. */
  list(filter: VerdictFilter, options: { limit: number; cursor?: string }): Promise<VerdictPage>;
  /**
   * Oldest first, one row at a time, for exports that must run in constant memory. With
   * `after`, starts after that verdict id (ids sort by time), so an export can resume.
   */
  scan(filter: VerdictFilter, options?: { after?: string }): AsyncIterable<StoredVerdict>;
  /**
   * Aggregates the verdicts that match the filter: counts by decision, constitution, engine,
   * tool and deciding tier, and decision counts per UTC time bucket. `buildStatistics` in
   * statistics.ts turns grouped rows into the result, so an implementation only runs the
   * grouping queries.
   */
  statistics(filter: VerdictFilter, options: StatisticsOptions): Promise<VerdictStatistics>;
  /**
   * Builds the score histogram of each of the eight factors over the verdicts that match the
   * filter. It is separate from `statistics` because it reads every factor score, which costs
   * more than counting, so GraphQL runs it only when `Statistics.factors` is selected.
   * `buildFactorDistributions` in statistics.ts assembles the result from per-bin rows.
   */
  factorDistributions(filter: VerdictFilter): Promise<FactorDistribution[]>;
  /**
   * The newest verdicts of each agent session (`request.context.session_id`), at most
   * `limitPerSession` each, newest first, in one read for all sessions. Sessions without
   * verdicts are absent from the map.
   */
  listBySession(sessionIds: readonly string[], limitPerSession: number): Promise<Map<string, StoredVerdict[]>>;
  /**
   * Commits the verdict and binds the Idempotency-Key to it in one transaction. When the key is
   * already bound to a verdict at or after `liveSince` (ISO 8601), stores nothing and returns that
   * binding. An older binding has expired and is replaced. Of concurrent calls with one key, on
   * any number of instances sharing the database, exactly one stores its verdict.
   */
  appendIdempotent(record: StoredVerdict, key: IdempotencyKey, liveSince: string): Promise<BindOutcome>;
  /** Binds the key to a verdict that is already stored, under the same rules as `appendIdempotent`. */
  bindIdempotencyKey(key: IdempotencyKey, verdictId: string, liveSince: string): Promise<BindOutcome>;
  /** Returns the owner's binding of the key if it was made at or after `liveSince`. */
  findIdempotencyKey(owner: string, key: string, liveSince: string): Promise<IdempotencyBinding | undefined>;
  /** Deletes the key bindings made before `createdBefore` (ISO 8601) and returns how many. */
  deleteIdempotencyKeys(createdBefore: string): Promise<number>;
  /**
   * Calls `listener` after each verdict commit from now on: the commits of this instance and,
   * where several instances share the store, theirs too. Resolves once it listens. Closing the
   * store stops it. `log` receives the failures of the feed itself, such as a lost connection.
   */
  watchCommitted(listener: CommitListener, log: LogSink): Promise<void>;
  /** Throws StoreUnavailableError when the store cannot be used. */
  ping(): Promise<void>;
  close(): Promise<void>;
}
