import type { Pool } from 'pg';
import { inTransaction } from './postgres-transaction.js';

// Every process that starts runs the migrations; this advisory lock makes them take turns, since
// concurrent CREATE ... IF NOT EXISTS can still collide in PostgreSQL's catalogs.
const SCHEMA_LOCK_KEY = 0x7269736b_01; // "risk", 1

// The store's tables, one entry per schema version: each brings the previous version to its own.
const MIGRATIONS: readonly string[] = [
  `
  CREATE TABLE IF NOT EXISTS results (
    key text PRIMARY KEY,
    value text NOT NULL,
    last_used_at bigint NOT NULL
  );
  CREATE INDEX IF NOT EXISTS results_last_used_at ON results (last_used_at);

  CREATE TABLE IF NOT EXISTS calls (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    at bigint NOT NULL,
    day text NOT NULL,
    installation_id bigint NOT NULL,
    repository text NOT NULL,
    pull_number integer NOT NULL,
    head_sha text NOT NULL,
    author text NOT NULL,
    tier text NOT NULL,
    agent text NOT NULL,
    model text NOT NULL,
    outcome text NOT NULL,
    input_tokens integer NOT NULL,
    output_tokens integer NOT NULL,
    cache_write_5m_tokens integer NOT NULL,
    cache_write_1h_tokens integer NOT NULL,
    cache_read_tokens integer NOT NULL,
    usd double precision NOT NULL,
    strong_usd double precision NOT NULL,
    saved_usd double precision NOT NULL,
    latency_ms integer NOT NULL
  );
  CREATE INDEX IF NOT EXISTS calls_at ON calls (at);
  CREATE INDEX IF NOT EXISTS calls_installation_at ON calls (installation_id, at);
  CREATE INDEX IF NOT EXISTS calls_repository_at ON calls (repository, at);
  CREATE INDEX IF NOT EXISTS calls_author_at ON calls (installation_id, author, at);

  CREATE TABLE IF NOT EXISTS gate_runs (
    run_key text PRIMARY KEY,
    installation_id bigint NOT NULL,
    repository text NOT NULL,
    pull_number integer NOT NULL,
    head_sha text NOT NULL,
    author text NOT NULL,
    tier text NOT NULL,
    owner text NOT NULL,
    state text NOT NULL CHECK (state IN ('running', 'completed', 'superseded', 'errored')),
    conclusion text,
    checks text,
    started_at bigint NOT NULL,
    leased_at bigint NOT NULL,
    finished_at bigint,
    duration_ms integer,
    usd double precision NOT NULL DEFAULT 0,
    saved_usd double precision NOT NULL DEFAULT 0,
    findings text NOT NULL DEFAULT '[]'
  );
  CREATE INDEX IF NOT EXISTS gate_runs_started_at ON gate_runs (started_at);

  CREATE TABLE IF NOT EXISTS budget_holds (
    id text PRIMARY KEY,
    installation_id bigint,
    repository text,
    author text,
    usd double precision NOT NULL,
    expires_at bigint NOT NULL
  );
  `,
  // 2: a call is recorded when it is sent and replaced when it ends (calls.call_id).
  `
  ALTER TABLE calls ADD COLUMN IF NOT EXISTS call_id text;
  CREATE UNIQUE INDEX IF NOT EXISTS calls_call_id ON calls (call_id);
  `,
  // 3: one reply per refused user, pull request and hour (command_replies).
  `
  CREATE TABLE IF NOT EXISTS command_replies (
    key text PRIMARY KEY,
    answered_at bigint NOT NULL
  );
  `,
  // 4: the reports of \`riskgate eval findings\`, the newest per repository on the dashboard.
  `
  CREATE TABLE IF NOT EXISTS eval_reports (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    repository text NOT NULL,
    at bigint NOT NULL,
    report text NOT NULL
  );
  CREATE INDEX IF NOT EXISTS eval_reports_repository_at ON eval_reports (repository, at);
  `,
  // 5 (gate_runs.quality): how each run went (findings by severity, verdict, agent failures,
  // timeouts, budget stop, verifier counts) as JSON, for the dashboard's quality panel.
  `
  ALTER TABLE gate_runs ADD COLUMN IF NOT EXISTS quality text;
  `,
  // 6 (issue 18, provider routing): which provider answered each call, and whether it was a local
  // model (reports say "local" instead of dollars). Rows from before are Anthropic's, billed.
  `
  ALTER TABLE calls ADD COLUMN IF NOT EXISTS provider text NOT NULL DEFAULT 'anthropic';
  ALTER TABLE calls ADD COLUMN IF NOT EXISTS local boolean NOT NULL DEFAULT false;
  `,
];

/**
 * Creates `schema` if it is named (the pool's search_path points there) and brings the store's
 * tables to the current version.
 */
export async function migratePostgres(pool: Pool, schema: string | undefined): Promise<void> {
  await inTransaction(pool, async (client) => {
    await client.query('SELECT pg_advisory_xact_lock($1)', [SCHEMA_LOCK_KEY]);
    if (schema) await client.query(`CREATE SCHEMA IF NOT EXISTS "${schema}"`);
    await client.query('CREATE TABLE IF NOT EXISTS store_schema (version integer PRIMARY KEY)');
    const { rows } = await client.query<{ version: number }>('SELECT coalesce(max(version), 0) AS version FROM store_schema');
    const version = rows[0]?.version ?? 0;
    if (version > MIGRATIONS.length) throw new Error(`the store in this database is at schema version ${version}, newer than this riskgate (${MIGRATIONS.length})`);
    for (const [index, sql] of MIGRATIONS.slice(version).entries()) {
      await client.query(sql);
      await client.query('INSERT INTO store_schema (version) VALUES ($1)', [version + index + 1]);
    }
  });
}
