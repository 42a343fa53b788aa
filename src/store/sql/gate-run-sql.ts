import type { OpenedChecks } from '../../github/check-sink.js';
import type { GateRunClaim, GateRunRecord, GateRunResult, GateRunState, RunQuality, UnfinishedRun } from '../gate-runs.js';
import type { Tier } from '../../plan/tier.js';
import type { SqlParams } from './sql-params.js';

/** A `gate_runs` row as either engine returns it (PostgreSQL gives bigints as strings). */
export interface GateRunRow {
  run_key: string;
  installation_id: number | string;
  repository: string;
  pull_number: number;
  head_sha: string;
  author: string;
  tier: string;
  owner: string;
  state: string;
  conclusion: string | null;
  /** OpenedChecks as JSON. */
  checks: string | null;
  started_at: number | string;
  /** When the current owner last claimed it: the lease runs from here. */
  leased_at: number | string;
  finished_at: number | string | null;
  duration_ms: number | null;
  usd: number;
  saved_usd: number;
  /** GateRunResult['findings'] as JSON. */
  findings: string;
  /** RunQuality as JSON (schema version 5); null before it was recorded. */
  quality: string | null;
}

export function toGateRunRecord(row: GateRunRow): GateRunRecord {
  return {
    runKey: row.run_key,
    installationId: Number(row.installation_id),
    repository: row.repository,
    pullNumber: row.pull_number,
    headSha: row.head_sha,
    author: row.author,
    tier: row.tier as Tier,
    state: row.state as GateRunState,
    ...(row.conclusion !== null && { conclusion: row.conclusion }),
    startedAt: Number(row.started_at),
    ...(row.finished_at !== null && { finishedAt: Number(row.finished_at) }),
    ...(row.duration_ms !== null && { durationMs: row.duration_ms }),
    usd: row.usd,
    savedUsd: row.saved_usd,
    findings: JSON.parse(row.findings) as GateRunRecord['findings'],
    ...(row.quality != null && { quality: JSON.parse(row.quality) as RunQuality }),
  };
}

/** Runs started in [since, until), newest first. */
export function listRunsSql(query: { since?: number; until?: number; limit: number }, params: SqlParams): string {
  const where: string[] = [];
  if (query.since !== undefined) where.push(`started_at >= ${params.add(query.since)}`);
  if (query.until !== undefined) where.push(`started_at < ${params.add(query.until)}`);
  return [
    'SELECT * FROM gate_runs',
    where.length ? `WHERE ${where.join(' AND ')}` : '',
    // run_key breaks ties so pages of equal start times come back the same way every time.
    `ORDER BY started_at DESC, run_key\nLIMIT ${params.add(query.limit)}`,
  ]
    .filter(Boolean)
    .join('\n');
}

/** A new running row; does nothing if another claim inserted it first (that claim is then read and decided on). */
export function insertRunSql(claim: GateRunClaim, now: number, params: SqlParams): string {
  const values = [claim.runKey, claim.installationId, claim.repository, claim.pullNumber, claim.headSha, claim.author, claim.tier, claim.owner, now, now];
  return `INSERT INTO gate_runs (run_key, installation_id, repository, pull_number, head_sha, author, tier, owner, started_at, leased_at, state)
VALUES (${values.map((value) => params.add(value)).join(', ')}, 'running')
ON CONFLICT (run_key) DO NOTHING`;
}

/** A finished run started again on purpose: a new start, nothing kept of the previous result or its checks. */
export function restartRunSql(claim: GateRunClaim, now: number, params: SqlParams): string {
  return `UPDATE gate_runs SET
  installation_id = ${params.add(claim.installationId)}, repository = ${params.add(claim.repository)}, pull_number = ${params.add(claim.pullNumber)},
  head_sha = ${params.add(claim.headSha)}, author = ${params.add(claim.author)}, tier = ${params.add(claim.tier)},
  owner = ${params.add(claim.owner)}, state = 'running', conclusion = NULL, checks = NULL,
  started_at = ${params.add(now)}, leased_at = ${params.add(now)}, finished_at = NULL, duration_ms = NULL,
  usd = 0, saved_usd = 0, findings = '[]', quality = NULL
WHERE run_key = ${params.add(claim.runKey)}`;
}

/** A running run passes to `owner`, with its start time and checks. */
export function takeOverRunSql(runKey: string, owner: string, now: number, params: SqlParams): string {
  return `UPDATE gate_runs SET owner = ${params.add(owner)}, leased_at = ${params.add(now)} WHERE run_key = ${params.add(runKey)}`;
}

export function attachChecksSql(runKey: string, checks: OpenedChecks, params: SqlParams): string {
  return `UPDATE gate_runs SET checks = ${params.add(JSON.stringify(checks))} WHERE run_key = ${params.add(runKey)}`;
}

export function finishRunSql(runKey: string, result: GateRunResult, now: number, params: SqlParams, owner?: string): string {
  return `UPDATE gate_runs SET
  state = ${params.add(result.state)}, conclusion = ${params.add(result.conclusion)}, finished_at = ${params.add(now)},
  duration_ms = ${params.add(Math.round(result.durationMs))}, usd = ${params.add(result.usd)}, saved_usd = ${params.add(result.savedUsd)},
  findings = ${params.add(JSON.stringify(result.findings))}, quality = ${params.add(result.quality ? JSON.stringify(result.quality) : null)}
WHERE run_key = ${params.add(runKey)}${owner === undefined ? '' : ` AND owner = ${params.add(owner)} AND state = 'running'`}`;
}

/** The runs a job holds and has not finished. */
export function unfinishedRunsSql(owner: string, params: SqlParams): string {
  return `SELECT run_key, head_sha, started_at, checks FROM gate_runs WHERE owner = ${params.add(owner)} AND state = 'running'\nORDER BY started_at, run_key`;
}

export function toUnfinishedRun(row: Pick<GateRunRow, 'run_key' | 'head_sha' | 'started_at' | 'checks'>): UnfinishedRun {
  return {
    runKey: row.run_key,
    headSha: row.head_sha,
    startedAt: Number(row.started_at),
    ...(row.checks !== null ? { checks: JSON.parse(row.checks) as OpenedChecks } : {}),
  };
}

export function selectRunSql(runKey: string, params: SqlParams): string {
  return `SELECT * FROM gate_runs WHERE run_key = ${params.add(runKey)}`;
}
