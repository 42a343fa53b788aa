import { randomUUID } from 'node:crypto';
import pg from 'pg';
import type { BudgetCap } from '../../budget/budget-cap.js';
import type { OpenedChecks } from '../../github/check-sink.js';
import type { BudgetHold } from '../budget-store.js';
import type { StoredEvalReport } from '../eval-reports.js';
import type { ClaimResult, GateRunClaim, GateRunRecord, GateRunResult, UnfinishedRun } from '../gate-runs.js';
import type { CallRecord, SpendQuery, SpendRow } from '../ledger.js';
import type { StoredResult } from '../result-store.js';
import type { RiskgateStore } from '../riskgate-store.js';
import { parseStoredResult } from '../stored-result-schema.js';
import { deleteExpiredHoldsSql, deleteHoldSql, holdScopeOf, insertHoldSql, usedSql } from '../sql/budget-sql.js';
import { decideClaim } from '../sql/claim-decision.js';
import { claimReplySql } from '../sql/command-reply-sql.js';
import { insertEvalReportSql, latestEvalReportsSql, toStoredEvalReport, type EvalReportRow } from '../sql/eval-report-sql.js';
import {
  attachChecksSql,
  finishRunSql,
  insertRunSql,
  listRunsSql,
  restartRunSql,
  selectRunSql,
  takeOverRunSql,
  toGateRunRecord,
  toUnfinishedRun,
  unfinishedRunsSql,
  type GateRunRow,
} from '../sql/gate-run-sql.js';
import { forgetCallSql, insertCallSql, spendSql, toSpendRow, type SpendSqlRow } from '../sql/ledger-sql.js';
import { pruneResultsSql, putResultSql, useResultSql } from '../sql/result-sql.js';
import { SqlParams } from '../sql/sql-params.js';
import { migratePostgres } from './postgres-schema.js';
import { inTransaction } from './postgres-transaction.js';

// Every holdBudget of every process waits on this transaction lock in turn: reading what is used
// and holding more must not interleave, or two runs could both take the last dollar.
const BUDGET_LOCK_KEY = 0x7269736b_02; // "risk", 2

// PostgreSQL truncates longer identifiers; a schema name is refused rather than silently shortened.
const MAX_IDENTIFIER_LENGTH = 63;
const SCHEMA_NAME = new RegExp(`^[a-z_][a-z0-9_]{0,${MAX_IDENTIFIER_LENGTH - 1}}$`);

export interface PostgresStoreOptions {
  /** DATABASE_URL. */
  connectionString: string;
  /** Keep the tables in this schema (created if missing) rather than the connection's default, e.g. to isolate tests. */
  schema?: string;
  /** Connections in the pool; pg's default (10) when absent. */
  maxConnections?: number;
}

type Build = (params: SqlParams) => string;

/** The shared store: PostgreSQL, for several App processes or machines. */
export class PostgresStore implements RiskgateStore {
  private constructor(private readonly pool: pg.Pool) {}

  /** Connects and creates or upgrades the store's tables; processes starting together take turns. */
  static async open(options: PostgresStoreOptions): Promise<PostgresStore> {
    const { schema } = options;
    if (schema !== undefined && !SCHEMA_NAME.test(schema)) throw new Error(`"${schema}" is not a plain lower-case schema name`);
    const pool = new pg.Pool({
      connectionString: options.connectionString,
      ...(options.maxConnections !== undefined && { max: options.maxConnections }),
      ...(schema !== undefined && { options: `-c search_path=${schema}` }),
    });
    // An idle connection the server closed is dropped by the pool and replaced on the next query;
    // without a listener its error would end the process.
    pool.on('error', () => {});
    try {
      await migratePostgres(pool, schema);
    } catch (error) {
      await pool.end();
      throw error;
    }
    return new PostgresStore(pool);
  }

  private query<T extends pg.QueryResultRow>(db: pg.Pool | pg.PoolClient, build: Build): Promise<pg.QueryResult<T>> {
    const params = SqlParams.postgres();
    const text = build(params);
    return db.query<T>(text, params.values);
  }

  async get(key: string): Promise<StoredResult | undefined> {
    const { rows } = await this.query<{ value: string }>(this.pool, (params) => useResultSql(key, Date.now(), params));
    return rows[0] && parseStoredResult(rows[0].value);
  }

  async put(key: string, result: StoredResult): Promise<void> {
    await this.query(this.pool, (params) => putResultSql(key, result, Date.now(), params));
  }

  /** Drops results nobody has read or written for `olderThanMs`; returns how many. */
  async pruneResults(olderThanMs: number): Promise<number> {
    return (await this.query(this.pool, (params) => pruneResultsSql(olderThanMs, Date.now(), params))).rowCount ?? 0;
  }

  async recordCall(call: CallRecord): Promise<void> {
    await this.query(this.pool, (params) => insertCallSql(call, params));
  }

  async forgetCall(callId: string): Promise<void> {
    await this.query(this.pool, (params) => forgetCallSql(callId, params));
  }

  async spend(query: SpendQuery): Promise<SpendRow[]> {
    const { rows } = await this.query<SpendSqlRow>(this.pool, (params) => spendSql(query, params));
    return rows.map((row) => toSpendRow(row, query.by));
  }

  async claimRun(claim: GateRunClaim, now: number, leaseMs: number): Promise<ClaimResult> {
    return inTransaction(this.pool, async (client) => {
      // The common case, a new run, in one statement; otherwise the row is locked, then decided on.
      const inserted = await this.query(client, (params) => insertRunSql(claim, now, params));
      if (inserted.rowCount === 1) return { status: 'claimed' };
      const { rows } = await this.query<GateRunRow>(client, (params) => `${selectRunSql(claim.runKey, params)}\nFOR UPDATE`);
      const decision = decideClaim(rows[0], claim, now, leaseMs);
      if (decision.write === 'insert') await this.query(client, (params) => insertRunSql(claim, now, params));
      else if (decision.write === 'restart') await this.query(client, (params) => restartRunSql(claim, now, params));
      else if (decision.write === 'take-over') await this.query(client, (params) => takeOverRunSql(claim.runKey, claim.owner, now, params));
      return decision.result;
    });
  }

  async attachChecks(runKey: string, checks: OpenedChecks): Promise<void> {
    await this.query(this.pool, (params) => attachChecksSql(runKey, checks, params));
  }

  async finishRun(runKey: string, result: GateRunResult, now: number, owner?: string): Promise<void> {
    await this.query(this.pool, (params) => finishRunSql(runKey, result, now, params, owner));
  }

  async unfinishedRunsOf(owner: string): Promise<UnfinishedRun[]> {
    const { rows } = await this.query<GateRunRow>(this.pool, (params) => unfinishedRunsSql(owner, params));
    return rows.map(toUnfinishedRun);
  }

  async listRuns(query: { since?: number; until?: number; limit: number }): Promise<GateRunRecord[]> {
    const { rows } = await this.query<GateRunRow>(this.pool, (params) => listRunsSql(query, params));
    return rows.map(toGateRunRecord);
  }

  async holdBudget(caps: readonly BudgetCap[], now: number, ttlMs: number, decide: (used: readonly number[]) => number): Promise<BudgetHold> {
    return inTransaction(this.pool, async (client) => {
      await client.query('SELECT pg_advisory_xact_lock($1)', [BUDGET_LOCK_KEY]);
      await this.query(client, (params) => deleteExpiredHoldsSql(now, params));
      const used: number[] = [];
      for (const cap of caps) {
        const { rows } = await this.query<{ used: number }>(client, (params) => usedSql(cap, now, params));
        used.push(Number(rows[0]?.used ?? 0));
      }
      const usd = decide(used);
      if (!(usd > 0)) return { id: '', usd: 0, used };
      const id = randomUUID();
      await this.query(client, (params) => insertHoldSql(id, holdScopeOf(caps), usd, now + ttlMs, params));
      return { id, usd, used };
    });
  }

  async releaseBudget(holdId: string): Promise<void> {
    if (holdId) await this.query(this.pool, (params) => deleteHoldSql(holdId, params));
  }

  async claimReply(key: string, now: number, windowMs?: number): Promise<boolean> {
    return ((await this.query(this.pool, (params) => claimReplySql(key, now, windowMs, params))).rowCount ?? 0) > 0;
  }

  async recordEvalReport(entry: StoredEvalReport): Promise<void> {
    await this.query(this.pool, (params) => insertEvalReportSql(entry, params));
  }

  async latestEvalReports(limit: number): Promise<StoredEvalReport[]> {
    const { rows } = await this.query<EvalReportRow>(this.pool, (params) => latestEvalReportsSql(limit, params));
    return rows.flatMap((row) => toStoredEvalReport(row) ?? []);
  }

  async close(): Promise<void> {
    await this.pool.end();
  }
}
