import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import type Database from 'better-sqlite3';
import { openSqlite } from '../store/sqlite/open-sqlite.js';
import { JobAbortControl } from './job-abort-control.js';
import { JobAbortedError } from './job-aborted-error.js';
import {
  DEFAULT_QUEUE_LIMITS,
  JOB_STATES,
  pullKeyOf,
  repositoryOf,
  type EnqueueResult,
  type JobData,
  type JobFailure,
  type JobHandler,
  type JobQueue,
  type JobState,
  type QueueLimits,
  type RunningJob,
} from './job-queue.js';

// The version of the tables below; a file written by a newer riskgate is refused, not misread.
const QUEUE_SCHEMA_VERSION = 1;
// Workers look for claimable jobs this often (an enqueue in this process wakes them at once). A
// poll that finds nothing is one indexed read, so a short interval costs little.
const POLL_INTERVAL_MS = 50;
// GitHub redelivers within days; a week and a day of delivery ids refuses every redelivery.
const DELIVERY_RETENTION_MS = 8 * 24 * 60 * 60 * 1000;
// Finished jobs stay this long for counts() and for looking back at what ran.
const FINISHED_RETENTION_MS = 7 * 24 * 60 * 60 * 1000;
// Pruning deletes at most PRUNE_BATCH rows of each table per interval: one DELETE of a day's
// finished jobs (120k rows at 200 webhooks/s) held the event loop for 1.6 s.
const PRUNE_INTERVAL_MS = 5_000;
const PRUNE_BATCH = 1_000;
// counts() reports finished jobs of this recent window: counting a week of rows on every
// metrics scrape would grow with the traffic (about 10 s at a week of 200/s).
export const FINISHED_COUNT_WINDOW_MS = 15 * 60 * 1000;
// A lease is renewed this many times per leaseMs, so one late timer does not lose it.
const RENEWALS_PER_LEASE = 3;

export interface SqliteJobQueueOptions {
  /** The database file, normally `<dataDir>/riskgate.db` (shared with the store). */
  path: string;
  limits?: Partial<QueueLimits>;
  /** How long finished jobs are kept. */
  retentionMs?: number;
  /** Trouble the queue cannot hand to a job's onFailed (a failed poll, a failed renewal). */
  onError?: (error: unknown) => void;
}

interface JobRow {
  id: number;
  data: string;
  attempt: number;
  enqueued_at: number;
  /** 1: a newer head superseded it after a run of it died; it runs once more to end what that run opened. */
  cancel_requested?: number;
}

interface ReapedRow extends JobRow {
  state: JobState;
}

/** A job this process is running. */
interface LocalJob {
  control: JobAbortControl;
  done: Promise<void>;
}

const SCHEMA = `
CREATE TABLE IF NOT EXISTS queue_schema (version INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS jobs (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  kind TEXT NOT NULL,
  pull_key TEXT NOT NULL,
  repository TEXT NOT NULL,
  head_sha TEXT,
  data TEXT NOT NULL,
  state TEXT NOT NULL CHECK (state IN (${JOB_STATES.map((s) => `'${s}'`).join(', ')})),
  -- Runs started; a run that ended by closing the queue is given back.
  attempt INTEGER NOT NULL DEFAULT 0,
  enqueued_at INTEGER NOT NULL,
  available_at INTEGER NOT NULL,
  started_at INTEGER,
  finished_at INTEGER,
  lease_owner TEXT,
  lease_until INTEGER,
  cancel_requested INTEGER NOT NULL DEFAULT 0,
  error TEXT
);
CREATE INDEX IF NOT EXISTS jobs_by_state ON jobs (state, available_at);
CREATE INDEX IF NOT EXISTS jobs_by_pull ON jobs (pull_key, state);
CREATE INDEX IF NOT EXISTS jobs_by_repository ON jobs (repository, state);
CREATE INDEX IF NOT EXISTS jobs_finished ON jobs (finished_at) WHERE finished_at IS NOT NULL;
CREATE TABLE IF NOT EXISTS job_deliveries (
  delivery_id TEXT PRIMARY KEY,
  seen_at INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS job_deliveries_by_age ON job_deliveries (seen_at);
`;

// A gate job supersedes another gate job of its pull request when their heads differ (or either
// head is unknown): a second job for the same head may carry a request (a forced tier) the first
// lacks, so it runs after it rather than replacing it.
const OTHER_HEAD = `kind = 'gate' AND pull_key = @pullKey AND (@headSha IS NULL OR head_sha IS NULL OR head_sha <> @headSha)`;

function prepareStatements(db: Database.Database) {
  return {
    rememberDelivery: db.prepare('INSERT OR IGNORE INTO job_deliveries (delivery_id, seen_at) VALUES (?, ?)'),
    // Only a job that never ran is dropped: one queued again after its worker died may have left
    // checks open, so it is cancelled like a running one and runs once more to end them.
    supersedeQueued: db.prepare(`UPDATE jobs SET state = 'superseded', finished_at = @now WHERE state = 'queued' AND attempt = 0 AND ${OTHER_HEAD}`),
    cancelRunning: db.prepare(`UPDATE jobs SET cancel_requested = 1 WHERE (state = 'running' OR (state = 'queued' AND attempt > 0)) AND ${OTHER_HEAD} RETURNING id`),
    insert: db.prepare(
      `INSERT INTO jobs (kind, pull_key, repository, head_sha, data, state, enqueued_at, available_at)
       VALUES (@kind, @pullKey, @repository, @headSha, @data, 'queued', @now, @now)`,
    ),
    due: db.prepare(
      `SELECT (@free > 0 AND EXISTS (SELECT 1 FROM jobs WHERE state = 'queued' AND available_at <= @now))
           OR EXISTS (SELECT 1 FROM jobs WHERE state = 'running' AND lease_until < @now) AS due`,
    ),
    // A lease that ran out means its worker died (or stalled past the lease): the job is queued
    // again (if a newer head replaced it, to end what the dead run opened), or failed once it has
    // used its attempts.
    reap: db.prepare(
      `UPDATE jobs SET
         state = CASE WHEN attempt >= @maxAttempts THEN 'failed' ELSE 'queued' END,
         finished_at = CASE WHEN attempt >= @maxAttempts THEN @now END,
         error = CASE WHEN attempt >= @maxAttempts THEN 'its worker stopped renewing the lease on each of ' || attempt || ' runs' END,
         available_at = @now, lease_owner = NULL, lease_until = NULL
       WHERE state = 'running' AND lease_until < @now
       RETURNING id, data, attempt, enqueued_at, state`,
    ),
    // Oldest first among the jobs whose pull request is idle and whose repository has room.
    claim: db.prepare(
      `UPDATE jobs SET state = 'running', attempt = attempt + 1, started_at = @now,
         lease_owner = @owner, lease_until = @leaseUntil
       WHERE id = (
         SELECT j.id FROM jobs j
         WHERE j.state = 'queued' AND j.available_at <= @now
           AND NOT EXISTS (SELECT 1 FROM jobs r WHERE r.pull_key = j.pull_key AND r.state = 'running')
           AND (SELECT count(*) FROM jobs r WHERE r.repository = j.repository AND r.state = 'running' AND r.lease_until >= @now) < @perRepository
         ORDER BY j.id LIMIT 1)
       RETURNING id, data, attempt, enqueued_at, cancel_requested`,
    ),
    renew: db.prepare(
      `UPDATE jobs SET lease_until = @leaseUntil WHERE id = @id AND lease_owner = @owner AND state = 'running'
       RETURNING cancel_requested`,
    ),
    // A run that threw after a newer head was queued is superseded, not failed: nobody needs it.
    finish: db.prepare(
      `UPDATE jobs SET
         state = CASE WHEN @state = 'failed' AND cancel_requested = 1 THEN 'superseded' ELSE @state END,
         finished_at = @now, error = @error, lease_owner = NULL, lease_until = NULL
       WHERE id = @id AND lease_owner = @owner AND state = 'running'
       RETURNING state`,
    ),
    // A run that stopped because the queue closed is given back, and does not count as an attempt.
    giveBack: db.prepare(
      `UPDATE jobs SET state = 'queued', attempt = attempt - 1, available_at = @now, lease_owner = NULL, lease_until = NULL
       WHERE id = @id AND lease_owner = @owner AND state = 'running'`,
    ),
    countsWaiting: db.prepare(`SELECT state, count(*) AS n FROM jobs WHERE state IN ('queued', 'running') GROUP BY state`),
    countsFinished: db.prepare('SELECT state, count(*) AS n FROM jobs WHERE finished_at >= ? GROUP BY state'),
    busy: db.prepare(`SELECT EXISTS (SELECT 1 FROM jobs WHERE state IN ('queued', 'running')) AS busy`),
    pruneJobs: db.prepare(`DELETE FROM jobs WHERE id IN (SELECT id FROM jobs WHERE finished_at < ? LIMIT ${PRUNE_BATCH})`),
    pruneDeliveries: db.prepare(`DELETE FROM job_deliveries WHERE delivery_id IN (SELECT delivery_id FROM job_deliveries WHERE seen_at < ? LIMIT ${PRUNE_BATCH})`),
  };
}

/**
 * The embedded durable queue: jobs are rows in the SQLite file the store uses, so several
 * processes sharing the file share the work. A worker claims a job with one UPDATE (atomic in
 * SQLite) and holds it by renewing a lease; a job whose lease runs out goes back to the queue.
 * Closing aborts running jobs' signals: a handler that then throws gives its job back to the
 * queue, one that returns has completed it.
 */
export class SqliteJobQueue implements JobQueue {
  private readonly db: Database.Database;
  private readonly limits: QueueLimits;
  private readonly retentionMs: number;
  private readonly onError: (error: unknown) => void;
  // Names this process's leases, so a renewal or finish never touches a job another worker took.
  private readonly owner = `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;
  private readonly local = new Map<number, LocalJob>();
  private handler?: JobHandler;
  private onFailed?: (job: RunningJob, error: unknown, failure: JobFailure) => void;
  private timer?: NodeJS.Timeout;
  private lastPrune = 0;
  private closing?: Promise<void>;
  private readonly statements: ReturnType<typeof prepareStatements>;
  private readonly enqueueTransaction: Database.Transaction<(data: JobData, now: number) => EnqueueResult>;
  private readonly claimTransaction: Database.Transaction<(now: number, free: number) => { reaped: ReapedRow[]; claimed: JobRow[] }>;

  constructor(options: SqliteJobQueueOptions) {
    this.limits = { ...DEFAULT_QUEUE_LIMITS, ...options.limits };
    this.retentionMs = options.retentionMs ?? FINISHED_RETENTION_MS;
    this.onError = options.onError ?? ((error) => console.error('riskgate job queue:', error));
    this.db = openSqlite(options.path);
    this.migrate();
    this.statements = prepareStatements(this.db);
    this.enqueueTransaction = this.db.transaction((data: JobData, now: number): EnqueueResult => {
      if (this.statements.rememberDelivery.run(data.deliveryId, now).changes === 0) return 'duplicate';
      const pullKey = pullKeyOf(data);
      const headSha = data.kind === 'gate' ? (data.headSha ?? null) : null;
      if (data.kind === 'gate') {
        this.statements.supersedeQueued.run({ pullKey, headSha, now });
        // This process's own run stops now; another process's at its next lease renewal.
        for (const { id } of this.statements.cancelRunning.all({ pullKey, headSha }) as { id: number }[]) this.local.get(id)?.control.abort('superseded');
      }
      this.statements.insert.run({ kind: data.kind, pullKey, repository: repositoryOf(data), headSha, data: JSON.stringify(data), now });
      return 'accepted';
    });
    this.claimTransaction = this.db.transaction((now: number, free: number) => {
      const reaped = this.statements.reap.all({ now, maxAttempts: this.limits.maxAttempts }) as ReapedRow[];
      const claimed: JobRow[] = [];
      const parameters = { now, owner: this.owner, leaseUntil: now + this.limits.leaseMs, perRepository: this.limits.perRepository };
      while (claimed.length < free) {
        const row = this.statements.claim.get(parameters) as JobRow | undefined;
        if (!row) break;
        claimed.push(row);
      }
      return { reaped, claimed };
    });
  }

  private migrate(): void {
    this.db
      .transaction(() => {
        this.db.exec(SCHEMA);
        const row = this.db.prepare('SELECT max(version) AS version FROM queue_schema').get() as { version: number | null };
        if (row.version === null) this.db.prepare('INSERT INTO queue_schema (version) VALUES (?)').run(QUEUE_SCHEMA_VERSION);
        else if (row.version > QUEUE_SCHEMA_VERSION) {
          throw new Error(`the job queue tables are version ${row.version}; this riskgate knows version ${QUEUE_SCHEMA_VERSION}`);
        }
      })
      .immediate();
  }

  async enqueue(data: JobData): Promise<EnqueueResult> {
    if (this.closing) throw new Error('the job queue is closed');
    // IMMEDIATE takes the write lock up front: a transaction that read first and wrote second could
    // fail on another process's commit instead of waiting for it. The commit is durable on return.
    const result = this.enqueueTransaction.immediate(data, Date.now());
    if (result === 'accepted') this.wake();
    return result;
  }

  start(handler: JobHandler, onFailed: (job: RunningJob, error: unknown, failure: JobFailure) => void): void {
    if (this.handler) throw new Error('the job queue is already started');
    if (this.closing) throw new Error('the job queue is closed');
    this.handler = handler;
    this.onFailed = onFailed;
    this.wake();
  }

  async counts(): Promise<Record<JobState, number>> {
    const counts = Object.fromEntries(JOB_STATES.map((state) => [state, 0])) as Record<JobState, number>;
    const rows = [...this.statements.countsWaiting.all(), ...this.statements.countsFinished.all(Date.now() - FINISHED_COUNT_WINDOW_MS)] as { state: JobState; n: number }[];
    for (const row of rows) counts[row.state] = row.n;
    return counts;
  }

  async idle(): Promise<void> {
    while ((this.statements.busy.get() as { busy: number }).busy) await sleep(POLL_INTERVAL_MS);
  }

  close(): Promise<void> {
    this.closing ??= (async () => {
      clearTimeout(this.timer);
      for (const job of this.local.values()) job.control.abort('closing');
      await Promise.allSettled([...this.local.values()].map((job) => job.done));
      this.db.close();
    })();
    return this.closing;
  }

  /** Looks for work now rather than at the next poll. */
  private wake(): void {
    if (!this.handler || this.closing) return;
    clearTimeout(this.timer);
    this.timer = setTimeout(() => this.poll(), 0);
  }

  private poll(): void {
    if (this.closing) return;
    try {
      const now = Date.now();
      this.prune(now);
      const free = this.limits.concurrency - this.local.size;
      // The cheap read first: most polls find nothing and need no write lock.
      if ((this.statements.due.get({ now, free }) as { due: number }).due) {
        const { reaped, claimed } = this.claimTransaction.immediate(now, free);
        for (const row of claimed) this.run(row);
        for (const row of reaped.filter((reapedRow) => reapedRow.state === 'failed')) {
          this.reportFailure(row, new Error(`job ${row.id} ran out of attempts: its worker died on each of ${row.attempt} runs`));
        }
      }
    } catch (error) {
      this.onError(error);
    }
    this.timer = setTimeout(() => this.poll(), POLL_INTERVAL_MS);
  }

  private prune(now: number): void {
    if (now - this.lastPrune < PRUNE_INTERVAL_MS) return;
    this.lastPrune = now;
    this.statements.pruneJobs.run(now - this.retentionMs);
    this.statements.pruneDeliveries.run(now - DELIVERY_RETENTION_MS);
  }

  private run(row: JobRow): void {
    const control = new JobAbortControl();
    // Superseded after a run of it died: this run only ends what that one opened.
    if (row.cancel_requested) control.abort('superseded');
    const job = runningJob(row, control.signal);
    const local: LocalJob = { control, done: Promise.resolve() };
    const renewal = setInterval(() => this.renew(row.id, local), this.limits.leaseMs / RENEWALS_PER_LEASE);
    local.done = (async () => {
      let failure: { error: unknown } | undefined;
      try {
        await this.handler!(job);
      } catch (error) {
        failure = { error };
      } finally {
        clearInterval(renewal);
      }
      try {
        this.finish(row, job, local, failure);
      } catch (error) {
        this.onError(error);
      }
    })().finally(() => {
      this.local.delete(row.id);
      // A slot is free, and this job's pull request and repository may unblock others.
      this.wake();
    });
    this.local.set(row.id, local);
  }

  private finish(row: JobRow, job: RunningJob, local: LocalJob, failure: { error: unknown } | undefined): void {
    // Another worker has the job now; what this run did is not the job's outcome.
    if (local.control.abortCause === 'lease-lost') return;
    const parameters = { id: row.id, owner: this.owner, now: Date.now() };
    if (local.control.abortCause === 'closing' && failure) {
      this.statements.giveBack.run(parameters);
      return;
    }
    const state: JobState = local.control.abortCause === 'superseded' ? 'superseded' : failure ? 'failed' : 'completed';
    const error = state === 'failed' ? describe(failure!.error) : null;
    const written = this.statements.finish.get({ ...parameters, state, error }) as { state: JobState } | undefined;
    if (written?.state === 'failed') this.onFailed!(job, failure!.error, 'threw');
  }

  private renew(id: number, local: LocalJob): void {
    try {
      const row = this.statements.renew.get({ id, owner: this.owner, leaseUntil: Date.now() + this.limits.leaseMs }) as { cancel_requested: number } | undefined;
      if (!row) local.control.abort('lease-lost');
      else if (row.cancel_requested) local.control.abort('superseded');
    } catch (error) {
      this.onError(error);
    }
  }

  /** Tells onFailed of a job whose last worker died; a throwing onFailed must not stop the poll. */
  private reportFailure(row: JobRow, error: Error): void {
    try {
      this.onFailed!(runningJob(row, AbortSignal.abort(new JobAbortedError('lease-lost'))), error, 'exhausted');
    } catch (trouble) {
      this.onError(trouble);
    }
  }
}

function runningJob(row: JobRow, signal: AbortSignal): RunningJob {
  return { id: String(row.id), data: JSON.parse(row.data) as JobData, attempt: row.attempt, enqueuedAt: row.enqueued_at, signal };
}

function describe(error: unknown): string {
  return error instanceof Error ? (error.stack ?? error.message) : String(error);
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
