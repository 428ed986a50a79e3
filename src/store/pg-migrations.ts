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
  {
    version: 2,
    // session_id lets the GraphQL loader fetch the verdicts of many agent sessions in one
    // query. A session id with U+0000 stays unset, because a text column cannot hold it.
    // verdicts_statistics lets the statistics read the grouped columns without the JSON.
    sql: `
      ALTER TABLE verdicts ADD COLUMN session_id text;
      UPDATE verdicts SET session_id = request -> 'context' ->> 'session_id' WHERE strpos(request::text, '\\u0000') = 0;
      CREATE INDEX verdicts_session ON verdicts (session_id, id) WHERE session_id IS NOT NULL;
      CREATE INDEX verdicts_engine ON verdicts (engine, id);
      CREATE INDEX verdicts_statistics
        ON verdicts (created_at) INCLUDE (decision, constitution_id, engine, tool, decided_by, risk, reviewed_at);
    `,
  },
  {
    version: 3,
    // Binds each Idempotency-Key to the verdict it produced, in the same transaction as the
    // verdict, so a retry that reaches another instance gets that verdict back.
    sql: `
      CREATE TABLE idempotency_keys (
        owner text COLLATE "C" NOT NULL,
        key text COLLATE "C" NOT NULL,
        body_hash text NOT NULL,
        verdict_id text COLLATE "C" NOT NULL,
        created_at timestamptz NOT NULL,
        PRIMARY KEY (owner, key)
      );
      CREATE INDEX idempotency_keys_created_at ON idempotency_keys (created_at);
    `,
  },
  {
    version: 4,
    // Every committed verdict notifies the instances that listen on this schema, so a live
    // feed on one instance also shows the verdicts that another instance committed.
    // The channel expression must stay the one PgCommitFeed listens on.
    sql: `
      CREATE FUNCTION guard_notify_verdict() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        PERFORM pg_notify(
          left('guard_verdicts:' || TG_TABLE_SCHEMA, 63),
          json_build_object('id', NEW.id, 'decision', NEW.decision, 'constitution', json_build_object('id', NEW.constitution_id))::text
        );
        RETURN NULL;
      END;
      $$;
      CREATE TRIGGER verdicts_notify AFTER INSERT ON verdicts FOR EACH ROW EXECUTE FUNCTION guard_notify_verdict();
    `,
  },
];
