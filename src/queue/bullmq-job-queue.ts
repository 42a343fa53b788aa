import { randomUUID } from 'node:crypto';
import { DelayedError, Queue, WaitingError, Worker, type Job } from 'bullmq';
import { Redis } from 'ioredis';
import { JobAbortControl } from './job-abort-control.js';
import { JobAbortedError } from './job-aborted-error.js';
import {
  DEFAULT_QUEUE_LIMITS,
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
import { RedisJobSlots, type SlotClaim } from './redis-job-slots.js';
import { RedisNewestHeads } from './redis-newest-heads.js';
import { RedisScript } from './redis-script.js';

const DEFAULT_PREFIX = 'riskgate';
const DEFAULT_QUEUE_NAME = 'gates';
// GitHub redelivers within days: a week of delivery ids (the brief's `SET ... NX EX 604800`).
const DELIVERY_TTL_SECONDS = 7 * 24 * 60 * 60;
// Finished jobs stay this long (and at most this many) for counts() and for looking back.
const FINISHED_RETENTION_MS = 7 * 24 * 60 * 60 * 1000;
const FINISHED_KEPT_AT_MOST = 10_000;
// How much earlier than BullMQ's finish stamp a superseded job may be recorded (one round trip, generously).
const SUPERSEDED_STAMP_SLACK_MS = 60_000;
// A job whose pull request or repository is busy goes back for a while, doubling from the first
// wait to the longest: short waits keep a chain of one PR's jobs quick, the cap bounds the churn.
const POSTPONE_FIRST_MS = 50;
const POSTPONE_LONGEST_MS = 1_000;
// A lease is renewed this many times per leaseMs, so one late timer does not lose it.
const RENEWALS_PER_LEASE = 3;
// How often idle() looks at the counts.
const IDLE_POLL_MS = 50;

export interface BullmqJobQueueOptions {
  /** redis://host:port/db */
  url: string;
  /** Namespaces every key (BullMQ's and riskgate's): two deployments on one Redis use two prefixes. */
  prefix?: string;
  queueName?: string;
  limits?: Partial<QueueLimits>;
  /** How long finished jobs are kept. */
  retentionMs?: number;
  /** Trouble the queue cannot hand to a job's onFailed (a lost connection, a failed renewal). */
  onError?: (error: unknown) => void;
}

/** What BullMQ stores: the job, and for a gate job its place in its pull request's order. */
interface StoredJob {
  data: JobData;
  seq?: number;
}

type Outcome = 'completed' | 'superseded';
type QueueJob = Job<StoredJob, Outcome, JobData['kind']>;

// KEYS: superseded jobs (sorted set by time), BullMQ's completed set (by finish time). ARGV:
// oldest time kept. Superseded jobs complete in BullMQ; they count as superseded while BullMQ
// still keeps them, i.e. since its oldest kept completed job (less ARGV[2] ms: a superseded job
// is recorded just before BullMQ stamps it finished). Logarithmic: a loop over the set held
// Redis 135 ms at 120k entries on every metrics scrape.
const COUNT_SUPERSEDED = new RedisScript(`
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', ARGV[1])
local oldest = redis.call('ZRANGE', KEYS[2], 0, 0, 'WITHSCORES')
if #oldest == 0 then return 0 end
return redis.call('ZCOUNT', KEYS[1], tonumber(oldest[2]) - tonumber(ARGV[2]), '+inf')`);

/**
 * The queue for several App processes: BullMQ over Redis holds the jobs and gives a job whose
 * worker died (its lock expired) to another worker; per-pull-request order, per-repository limits
 * and superseding are riskgate's own Redis keys, checked by the worker that picks a job up.
 */
export class BullmqJobQueue implements JobQueue {
  private readonly redis: Redis;
  private readonly queue: Queue<StoredJob, Outcome, JobData['kind']>;
  private readonly limits: QueueLimits;
  private readonly prefix: string;
  private readonly queueName: string;
  private readonly retentionMs: number;
  private readonly onError: (error: unknown) => void;
  private readonly slots: RedisJobSlots;
  private readonly heads: RedisNewestHeads;
  private readonly local = new Map<string, JobAbortControl>();
  private worker?: Worker<StoredJob, Outcome, JobData['kind']>;
  private closing?: Promise<void>;

  constructor(private readonly options: BullmqJobQueueOptions) {
    this.limits = { ...DEFAULT_QUEUE_LIMITS, ...options.limits };
    this.prefix = options.prefix ?? DEFAULT_PREFIX;
    this.queueName = options.queueName ?? DEFAULT_QUEUE_NAME;
    this.retentionMs = options.retentionMs ?? FINISHED_RETENTION_MS;
    this.onError = options.onError ?? ((error) => console.error('riskgate job queue:', error));
    this.redis = new Redis(options.url);
    this.redis.on('error', this.onError);
    this.queue = new Queue(this.queueName, { connection: { url: options.url }, prefix: this.prefix });
    this.queue.on('error', this.onError);
    this.slots = new RedisJobSlots(this.redis, this.prefix, this.limits.leaseMs, this.limits.perRepository);
    this.heads = new RedisNewestHeads(this.redis, this.prefix);
  }

  async enqueue(data: JobData): Promise<EnqueueResult> {
    if (this.closing) throw new Error('the job queue is closed');
    const deliveryKey = `${this.prefix}:delivery:${data.deliveryId}`;
    if ((await this.redis.set(deliveryKey, '1', 'EX', DELIVERY_TTL_SECONDS, 'NX')) === null) return 'duplicate';
    let seq: number | undefined;
    try {
      if (data.kind === 'gate') seq = await this.heads.nextSeq();
      const keep = { age: Math.ceil(this.retentionMs / 1000), count: FINISHED_KEPT_AT_MOST };
      // attempts: 1 — a handler that throws has failed; only a dead worker's job runs again.
      await this.queue.add(data.kind, { data, seq }, { attempts: 1, removeOnComplete: keep, removeOnFail: keep });
    } catch (error) {
      // Not queued: a redelivery must be accepted. (A crash between the SET and the add loses the
      // job with its delivery id remembered; the window is one or two round trips.)
      await this.redis.del(deliveryKey).catch(() => undefined);
      throw error;
    }
    // The job is queued whatever happens here: without the record, older heads merely run too.
    if (data.kind === 'gate') await this.heads.record(pullKeyOf(data), seq!, data.headSha).catch(this.onError);
    return 'accepted';
  }

  start(handler: JobHandler, onFailed: (job: RunningJob, error: unknown, failure: JobFailure) => void): void {
    if (this.worker) throw new Error('the job queue is already started');
    if (this.closing) throw new Error('the job queue is closed');
    this.worker = new Worker<StoredJob, Outcome, JobData['kind']>(this.queueName, (job, token) => this.process(job, token, handler), {
      connection: { url: this.options.url },
      prefix: this.prefix,
      concurrency: this.limits.concurrency,
      // BullMQ's lock is the lease: a worker that stops renewing it has died, and its job is moved
      // back to waiting by the stalled-job check, which runs often enough to notice within a lease.
      lockDuration: this.limits.leaseMs,
      stalledInterval: Math.max(1, Math.floor(this.limits.leaseMs / 2)),
      // Each death is a stall; the run after the last allowed one fails the job instead.
      maxStalledCount: Math.max(0, this.limits.maxAttempts - 1),
    });
    this.worker.on('error', this.onError);
    // Fires in the process whose worker failed the job: the one that ran it (the handler threw),
    // or the one that picked up a job that had stalled once too often.
    this.worker.on('failed', (job, error) => {
      if (!job) return;
      // A job failed for stalling never reached a handler here: its last run was the one that died.
      const died = Boolean(job.deferredFailure);
      const signal = died ? AbortSignal.abort(new JobAbortedError('lease-lost')) : new AbortController().signal;
      try {
        onFailed(this.runningJob(job, job.stalledCounter + (died ? 0 : 1), signal), error, died ? 'exhausted' : 'threw');
      } catch (trouble) {
        this.onError(trouble);
      }
    });
  }

  async counts(): Promise<Record<JobState, number>> {
    const counts = await this.queue.getJobCounts('waiting', 'delayed', 'prioritized', 'waiting-children', 'active', 'completed', 'failed');
    const superseded = Number(await COUNT_SUPERSEDED.run(this.redis, [this.supersededKey(), this.queue.keys.completed!], [Date.now() - this.retentionMs, SUPERSEDED_STAMP_SLACK_MS]));
    return {
      queued: (counts.waiting ?? 0) + (counts.delayed ?? 0) + (counts.prioritized ?? 0) + (counts['waiting-children'] ?? 0),
      running: counts.active ?? 0,
      completed: Math.max(0, (counts.completed ?? 0) - superseded),
      failed: counts.failed ?? 0,
      superseded,
    };
  }

  async idle(): Promise<void> {
    for (;;) {
      const counts = await this.counts();
      if (counts.queued === 0 && counts.running === 0) return;
      await sleep(IDLE_POLL_MS);
    }
  }

  close(): Promise<void> {
    this.closing ??= (async () => {
      for (const control of this.local.values()) control.abort('closing');
      // Waits for running handlers.
      await this.worker?.close();
      await this.queue.close();
      await this.redis.quit();
    })();
    return this.closing;
  }

  private async process(job: QueueJob, token: string | undefined, handler: JobHandler): Promise<Outcome> {
    const { data, seq } = job.data;
    const pullKey = pullKeyOf(data);
    const superseded = seq !== undefined && (await this.heads.isSuperseded(pullKey, seq));
    // A superseded job that never ran is dropped; one whose worker died during a run (it stalled)
    // runs once more, its signal already aborted, so the handler can end what that run opened.
    if (superseded && job.stalledCounter === 0) return this.supersede(job);

    if (this.closing) return this.giveBack(job, token);
    const claim: SlotClaim = { pullKey, repository: repositoryOf(data), holder: `${job.id}:${randomUUID()}` };
    if (!(await this.slots.acquire(claim))) {
      // BullMQ's pattern for "not now": back to delayed, then DelayedError so the worker leaves it.
      const wait = Math.min(POSTPONE_LONGEST_MS, POSTPONE_FIRST_MS * 2 ** Math.min(job.attemptsStarted - 1, 10));
      await job.moveToDelayed(Date.now() + wait, token);
      throw new DelayedError();
    }

    const local = new JobAbortControl();
    if (superseded) local.abort('superseded');
    this.local.set(job.id!, local);
    const renewal = setInterval(() => void this.renew(claim, seq, local), this.limits.leaseMs / RENEWALS_PER_LEASE);
    let failure: { error: unknown } | undefined;
    try {
      await handler(this.runningJob(job, job.stalledCounter + 1, local.signal));
    } catch (error) {
      failure = { error };
    } finally {
      clearInterval(renewal);
      this.local.delete(job.id!);
      // Unreleased, the slot frees itself when its lease runs out.
      if (local.abortCause !== 'lease-lost') await this.slots.release(claim).catch(this.onError);
    }

    if (local.abortCause === 'superseded') return this.supersede(job);
    // Stopping because the queue closes or the lease was lost is not a failure of the job. (If
    // BullMQ's lock was lost too, the give-back is refused and the job stays with its new worker.)
    if (failure && (local.abortCause === 'closing' || local.abortCause === 'lease-lost')) return this.giveBack(job, token);
    if (failure) throw failure.error;
    return 'completed';
  }

  /** Back to waiting, its attempt not spent: BullMQ's pattern is moveToWait, then WaitingError. */
  private async giveBack(job: QueueJob, token: string | undefined): Promise<never> {
    await job.moveToWait(token);
    throw new WaitingError();
  }

  private async renew(claim: SlotClaim, seq: number | undefined, local: JobAbortControl): Promise<void> {
    try {
      if (!(await this.slots.renew(claim))) local.abort('lease-lost');
      else if (seq !== undefined && (await this.heads.isSuperseded(claim.pullKey, seq))) local.abort('superseded');
    } catch (error) {
      this.onError(error);
    }
  }

  private async supersede(job: QueueJob): Promise<Outcome> {
    // Kept no longer than BullMQ keeps completed jobs: the set stays bounded.
    await this.redis.multi().zadd(this.supersededKey(), Date.now(), job.id!).zremrangebyrank(this.supersededKey(), 0, -(FINISHED_KEPT_AT_MOST + 1)).exec();
    return 'superseded';
  }

  private runningJob(job: QueueJob, attempt: number, signal: AbortSignal): RunningJob {
    return { id: job.id!, data: job.data.data, attempt, enqueuedAt: job.timestamp, signal };
  }

  private supersededKey(): string {
    return `${this.prefix}:superseded:${this.queueName}`;
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
