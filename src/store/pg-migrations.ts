/**
 * Schema changes for the PostgreSQL store, applied in order once each. Never edit an applied one.
 * Table names are unqualified, so the connection's search_path decides the schema.
 *
 * The JSON columns are `json`, not `jsonb`: `json` keeps the text as written, and `jsonb` rejects
 * escapes such as `\u0000` and lone surrogates that a tool input may legitimately contain.
 * `id` sorts with the "C" collation so that cursor order is byte order whatever the database's locale.
 */
export const PG_MIGRATIONS: ReadonlyArray<{ version: number; sql: string }> = [
  {
    version: 1,
    sql: `
      CREATE TABLE verdicts (
        id text COLLATE "C" PRIMARY KEY,
        created_at timestamptz NOT NULL,
        decision text NOT NULL,
        constitution_id text NOT NULL,
        constitution_version text NOT NULL,
        engine text NOT NULL,
        decided_by text NOT NULL,
        tool text NOT NULL,
        risk double precision NOT NULL,
        training_eligible boolean NOT NULL,
        verdict json NOT NULL,
        request json NOT NULL,
        review json,
        reviewed_at timestamptz
      );
      CREATE INDEX verdicts_created_at ON verdicts (created_at);
      CREATE INDEX verdicts_decision ON verdicts (decision, id);
      CREATE INDEX verdicts_constitution ON verdicts (constitution_id, id);
      CREATE INDEX verdicts_tool ON verdicts (tool, id);
      CREATE INDEX verdicts_reviewed ON verdicts (reviewed_at, id);
    `,
  },
];
