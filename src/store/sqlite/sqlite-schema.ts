import type Database from 'better-sqlite3';

// The store's tables, one entry per schema version: each brings the previous version to its own.
// Versions are counted in store_schema, not PRAGMA user_version, since the job queue shares the file.
const MIGRATIONS: readonly string[] = [
  `
  CREATE TABLE results (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL,
    last_used_at INTEGER NOT NULL
  );
  CREATE INDEX results_last_used_at ON results (last_used_at);

  CREATE TABLE calls (
    id INTEGER PRIMARY KEY,
    at INTEGER NOT NULL,
    day TEXT NOT NULL,
    installation_id INTEGER NOT NULL,
    repository TEXT NOT NULL,
    pull_number INTEGER NOT NULL,
    head_sha TEXT NOT NULL,
    author TEXT NOT NULL,
    tier TEXT NOT NULL,
    agent TEXT NOT NULL,
    model TEXT NOT NULL,
    outcome TEXT NOT NULL,
    input_tokens INTEGER NOT NULL,
    output_tokens INTEGER NOT NULL,
    cache_write_5m_tokens INTEGER NOT NULL,
    cache_write_1h_tokens INTEGER NOT NULL,
    cache_read_tokens INTEGER NOT NULL,
    usd REAL NOT NULL,
    strong_usd REAL NOT NULL,
    saved_usd REAL NOT NULL,
    latency_ms INTEGER NOT NULL
  );
  CREATE INDEX calls_at ON calls (at);
  CREATE INDEX calls_installation_at ON calls (installation_id, at);
  CREATE INDEX calls_repository_at ON calls (repository, at);
  CREATE INDEX calls_author_at ON calls (installation_id, author, at);

  CREATE TABLE gate_runs (
    run_key TEXT PRIMARY KEY,
    installation_id INTEGER NOT NULL,
    repository TEXT NOT NULL,
    pull_number INTEGER NOT NULL,
    head_sha TEXT NOT NULL,
    author TEXT NOT NULL,
    tier TEXT NOT NULL,
    owner TEXT NOT NULL,
    state TEXT NOT NULL CHECK (state IN ('running', 'completed', 'superseded', 'errored')),
    conclusion TEXT,
    checks TEXT,
    started_at INTEGER NOT NULL,
    leased_at INTEGER NOT NULL,
    finished_at INTEGER,
    duration_ms INTEGER,
    usd REAL NOT NULL DEFAULT 0,
    saved_usd REAL NOT NULL DEFAULT 0,
    findings TEXT NOT NULL DEFAULT '[]'
  );
  CREATE INDEX gate_runs_started_at ON gate_runs (started_at);

  CREATE TABLE budget_holds (
    id TEXT PRIMARY KEY,
    installation_id INTEGER,
    repository TEXT,
    author TEXT,
    usd REAL NOT NULL,
    expires_at INTEGER NOT NULL
  );
  `,
  // 2: a call is recorded when it is sent and replaced when it ends (calls.call_id).
  `
  ALTER TABLE calls ADD COLUMN call_id TEXT;
  CREATE UNIQUE INDEX calls_call_id ON calls (call_id);
  `,
  // 3: one reply per refused user, pull request and hour (command_replies).
  `
  CREATE TABLE command_replies (
    key TEXT PRIMARY KEY,
    answered_at INTEGER NOT NULL
  );
  `,
  // 4: the reports of \`riskgate eval findings\`, the newest per repository on the dashboard.
  `
  CREATE TABLE eval_reports (
    id INTEGER PRIMARY KEY,
    repository TEXT NOT NULL,
    at INTEGER NOT NULL,
    report TEXT NOT NULL
  );
  CREATE INDEX eval_reports_repository_at ON eval_reports (repository, at);
  `,
  // 5 (gate_runs.quality): how each run went (findings by severity, verdict, agent failures,
  // timeouts, budget stop, verifier counts) as JSON, for the dashboard's quality panel.
  `
  ALTER TABLE gate_runs ADD COLUMN quality TEXT;
  `,
  // 6 (issue 18, provider routing): which provider answered each call, and whether it was a local
  // model (reports say "local" instead of dollars). Rows from before are Anthropic's, billed.
  `
  ALTER TABLE calls ADD COLUMN provider TEXT NOT NULL DEFAULT 'anthropic';
  ALTER TABLE calls ADD COLUMN local INTEGER NOT NULL DEFAULT 0;
  `,
];

/** Brings the file's store tables to the current version; connections starting together take turns. */
export function migrateSqlite(db: Database.Database): void {
  db.transaction(() => {
    db.exec('CREATE TABLE IF NOT EXISTS store_schema (version INTEGER PRIMARY KEY)');
    const { version } = db.prepare('SELECT coalesce(max(version), 0) AS version FROM store_schema').get() as { version: number };
    if (version > MIGRATIONS.length) throw new Error(`the store in this database is at schema version ${version}, newer than this riskgate (${MIGRATIONS.length})`);
    MIGRATIONS.slice(version).forEach((sql, index) => {
      db.exec(sql);
      db.prepare('INSERT INTO store_schema (version) VALUES (?)').run(version + index + 1);
    });
  }).immediate();
}
