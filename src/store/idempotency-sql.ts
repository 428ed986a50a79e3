import type { BindOutcome, IdempotencyBinding } from './store.ts';

/** Placeholders of the statement parameters in one SQL dialect, such as `$1` or `@owner`. */
export interface BindKeyPlaceholders {
  readonly owner: string;
  readonly key: string;
  readonly bodyHash: string;
  readonly verdictId: string;
  readonly createdAt: string;
  readonly liveSince: string;
}

/**
 * Builds the upsert that binds a key to a verdict, for SQLite and PostgreSQL alike. A new key is
 * inserted. An existing binding older than `liveSince` has expired and takes the new values. A
 * live one keeps its values. RETURNING always yields the row as it is afterwards, so the
 * caller compares its verdict id to learn which binding won. In PostgreSQL a concurrent insert of
 * the same key waits for the first transaction to end and then takes the conflict branch. So
 * no cleanup can delete the row between a failed insert and a later read.
 */
export function bindKeySql(p: BindKeyPlaceholders): string {
  const expired = `bound.created_at < ${p.liveSince}`;
  return `INSERT INTO idempotency_keys AS bound (owner, key, body_hash, verdict_id, created_at)
          VALUES (${p.owner}, ${p.key}, ${p.bodyHash}, ${p.verdictId}, ${p.createdAt})
          ON CONFLICT (owner, key) DO UPDATE SET
            body_hash = CASE WHEN ${expired} THEN excluded.body_hash ELSE bound.body_hash END,
            verdict_id = CASE WHEN ${expired} THEN excluded.verdict_id ELSE bound.verdict_id END,
            created_at = CASE WHEN ${expired} THEN excluded.created_at ELSE bound.created_at END
          RETURNING body_hash, verdict_id, created_at`;
}

/** A row of `idempotency_keys` as both drivers return it; PostgreSQL returns timestamptz as a Date. */
export interface BindingRow {
  body_hash: string;
  verdict_id: string;
  created_at: string | Date;
}

export function toBinding(row: BindingRow): IdempotencyBinding {
  const createdAt = row.created_at instanceof Date ? row.created_at.toISOString() : row.created_at;
  return { bodyHash: row.body_hash, verdictId: row.verdict_id, createdAt };
}

/** Turns the row the upsert returned into the outcome for the verdict `verdictId`. */
export function toBindOutcome(row: BindingRow, verdictId: string): BindOutcome {
  return row.verdict_id === verdictId ? { bound: true } : { bound: false, existing: toBinding(row) };
}
