import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import type Database from 'better-sqlite3';
import type { BudgetCap } from '../../budget/budget-cap.js';
import type { OpenedChecks } from '../../github/check-sink.js';
import type { BudgetHold } from '../budget-store.js';
import type { StoredEvalReport } from '../eval-reports.js';
import { DATABASE_FILE } from '../data-directory.js';
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
import { migrateSqlite } from './sqlite-schema.js';
import { openSqlite } from './open-sqlite.js';

/**
 * The embedded store: one SQLite file, shared by every connection and process on the machine.
 * Claims and budget holds run in `BEGIN IMMEDIATE` transactions, which take the file's write lock
 * before reading, so they serialise across connections and processes alike.
 */
export class SqliteStore implements RiskgateStore {
  private readonly db: Database.Database;
  // Statements differ only in their parameters' count (a spend's filters): preparing each text once is enough.
  private readonly statements = new Map<string, Database.Statement>();

  constructor(path: string) {
    this.db = openSqlite(path);
    migrateSqlite(this.db);
  }

  /** The store in a data directory (see defaultDataDirectory). */
  static inDataDirectory(directory: string): SqliteStore {
    return new SqliteStore(join(directory, DATABASE_FILE));
  }

  private statement(build: (params: SqlParams) => string): { statement: Database.Statement; values: unknown[] } {
    const params = SqlParams.sqlite();
    const sql = build(params);
    let statement = this.statements.get(sql);
    if (!statement) {
      statement = this.db.prepare(sql);
      this.statements.set(sql, statement);
    }
    return { statement, values: params.values };
  }

  private run(build: (params: SqlParams) => string): Database.RunResult {
    const { statement, values } = this.statement(build);
    return statement.run(...values);
  }

  private one<T>(build: (params: SqlParams) => string): T | undefined {
    const { statement, values } = this.statement(build);
    return statement.get(...values) as T | undefined;
  }

  private all<T>(build: (params: SqlParams) => string): T[] {
    const { statement, values } = this.statement(build);
    return statement.all(...values) as T[];
  }

  async get(key: string): Promise<StoredResult | undefined> {
    const row = this.one<{ value: string }>((params) => useResultSql(key, Date.now(), params));
    return row && parseStoredResult(row.value);
  }

  async put(key: string, result: StoredResult): Promise<void> {
    this.run((params) => putResultSql(key, result, Date.now(), params));
  }

  /** Drops results nobody has read or written for `olderThanMs`; returns how many. */
  async pruneResults(olderThanMs: number): Promise<number> {
    return this.run((params) => pruneResultsSql(olderThanMs, Date.now(), params)).changes;
  }

  async recordCall(call: CallRecord): Promise<void> {
    this.run((params) => insertCallSql(call, params));
  }

  async forgetCall(callId: string): Promise<void> {
    this.run((params) => forgetCallSql(callId, params));
  }

  async spend(query: SpendQuery): Promise<SpendRow[]> {
    return this.all<SpendSqlRow>((params) => spendSql(query, params)).map((row) => toSpendRow(row, query.by));
  }

  async claimRun(claim: GateRunClaim, now: number, leaseMs: number): Promise<ClaimResult> {
    return this.db
      .transaction(() => {
        const decision = decideClaim(
          this.one<GateRunRow>((params) => selectRunSql(claim.runKey, params)),
          claim,
          now,
          leaseMs,
        );
        if (decision.write === 'insert') this.run((params) => insertRunSql(claim, now, params));
        else if (decision.write === 'restart') this.run((params) => restartRunSql(claim, now, params));
        else if (decision.write === 'take-over') this.run((params) => takeOverRunSql(claim.runKey, claim.owner, now, params));
        return decision.result;
      })
      .immediate();
  }

  async attachChecks(runKey: string, checks: OpenedChecks): Promise<void> {
    this.run((params) => attachChecksSql(runKey, checks, params));
  }

  async finishRun(runKey: string, result: GateRunResult, now: number, owner?: string): Promise<void> {
    this.run((params) => finishRunSql(runKey, result, now, params, owner));
  }

  async unfinishedRunsOf(owner: string): Promise<UnfinishedRun[]> {
    return this.all<GateRunRow>((params) => unfinishedRunsSql(owner, params)).map(toUnfinishedRun);
  }

  async listRuns(query: { since?: number; until?: number; limit: number }): Promise<GateRunRecord[]> {
    return this.all<GateRunRow>((params) => listRunsSql(query, params)).map(toGateRunRecord);
  }

  async holdBudget(caps: readonly BudgetCap[], now: number, ttlMs: number, decide: (used: readonly number[]) => number): Promise<BudgetHold> {
    return this.db
      .transaction((): BudgetHold => {
        this.run((params) => deleteExpiredHoldsSql(now, params));
        const used = caps.map((cap) => this.one<{ used: number }>((params) => usedSql(cap, now, params))?.used ?? 0);
        const usd = decide(used);
        if (!(usd > 0)) return { id: '', usd: 0, used };
        const id = randomUUID();
        this.run((params) => insertHoldSql(id, holdScopeOf(caps), usd, now + ttlMs, params));
        return { id, usd, used };
      })
      .immediate();
  }

  async releaseBudget(holdId: string): Promise<void> {
    if (holdId) this.run((params) => deleteHoldSql(holdId, params));
  }

  async claimReply(key: string, now: number, windowMs?: number): Promise<boolean> {
    return this.one((params) => claimReplySql(key, now, windowMs, params)) !== undefined;
  }

  async recordEvalReport(entry: StoredEvalReport): Promise<void> {
    this.run((params) => insertEvalReportSql(entry, params));
  }

  async latestEvalReports(limit: number): Promise<StoredEvalReport[]> {
    return this.all<EvalReportRow>((params) => latestEvalReportsSql(limit, params)).flatMap((row) => toStoredEvalReport(row) ?? []);
  }

  async close(): Promise<void> {
    this.db.close();
  }
}
