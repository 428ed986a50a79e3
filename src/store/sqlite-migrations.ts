/** Schema changes for the SQLite store, applied in order once each. Never edit an applied one. */
export const SQLITE_MIGRATIONS: ReadonlyArray<{ version: number; sql: string }> = [
  {
    version: 1,
    sql: `
      CREATE TABLE verdicts (
        id TEXT PRIMARY KEY,
        created_at TEXT NOT NULL,
        decision TEXT NOT NULL,
        constitution_id TEXT NOT NULL,
        constitution_version TEXT NOT NULL,
        engine TEXT NOT NULL,
        decided_by TEXT NOT NULL,
        tool TEXT NOT NULL,
        risk REAL NOT NULL,
        training_eligible INTEGER NOT NULL,
        verdict TEXT NOT NULL,
        request TEXT NOT NULL
      );
      CREATE INDEX verdicts_created_at ON verdicts (created_at);
      CREATE INDEX verdicts_decision ON verdicts (decision, id);
      CREATE INDEX verdicts_constitution ON verdicts (constitution_id, id);
      CREATE INDEX verdicts_tool ON verdicts (tool, id);
    `,
  },
  {
    version: 2,
    sql: `
      ALTER TABLE verdicts ADD COLUMN review TEXT;
      ALTER TABLE verdicts ADD COLUMN reviewed_at TEXT;
      CREATE INDEX verdicts_reviewed ON verdicts (reviewed_at, id);
    `,
  },
  {
    version: 3,
    // session_id lets the GraphQL loader fetch the verdicts of many agent sessions in one
    // query. verdicts_statistics covers every column that statistics group and filter by, so
    // counting reads the index instead of the rows with their large JSON columns.
    sql: `
      ALTER TABLE verdicts ADD COLUMN session_id TEXT;
      UPDATE verdicts SET session_id = json_extract(request, '$.context.session_id');
      CREATE INDEX verdicts_session ON verdicts (session_id, id) WHERE session_id IS NOT NULL;
      CREATE INDEX verdicts_engine ON verdicts (engine, id);
      CREATE INDEX verdicts_statistics
        ON verdicts (created_at, decision, constitution_id, engine, tool, decided_by, risk, reviewed_at);
    `,
  },
  {
    version: 4,
    // Binds each Idempotency-Key to the verdict it produced, in the same transaction as the
    // verdict, so a retry after a restart gets that verdict back. created_at is ISO 8601 text in
    // UTC, which sorts in time order, so expiry is a text comparison.
    sql: `
      CREATE TABLE idempotency_keys (
        owner TEXT NOT NULL,
        key TEXT NOT NULL,
        body_hash TEXT NOT NULL,
        verdict_id TEXT NOT NULL,
        created_at TEXT NOT NULL,
        PRIMARY KEY (owner, key)
      );
      CREATE INDEX idempotency_keys_created_at ON idempotency_keys (created_at);
    `,
  },
];
