import type { GatesCommand } from '../app/gates-command.js';
import type { PullRequestRef, RepoRef } from '../github/github-port.js';
import type { Tier } from '../plan/tier.js';

/** Gate one pull request head (a pull_request event, or a confirmed command). */
export interface GateJobData {
  kind: 'gate';
  /** GitHub's delivery id (with a suffix for work a delivery queues later): a re-delivery must not run twice. */
  deliveryId: string;
  installationId: number;
  pull: PullRequestRef;
  /** The head the event was about: a job for an older head of the same PR is superseded. */
  headSha?: string;
  previousHeadSha?: string;
  forced?: Tier;
  explicit?: boolean;
}

/** A `/gates` comment: the sender's role is checked in the job, then a gate job is queued. */
export interface CommandJobData {
  kind: 'command';
  deliveryId: string;
  installationId: number;
  repo: RepoRef;
  issueNumber: number;
  commentId: number;
  sender: string;
  command: GatesCommand;
}

/** A check run's "Re-run" or "Run full gates" button. */
export interface CheckActionJobData {
  kind: 'check-action';
  deliveryId: string;
  installationId: number;
  repo: RepoRef;
  pullNumber: number;
  headSha: string;
  sender: string;
  full: boolean;
}

export type JobData = GateJobData | CommandJobData | CheckActionJobData;

export const JOB_STATES = ['queued', 'running', 'completed', 'failed', 'superseded'] as const;
export type JobState = (typeof JOB_STATES)[number];

/** Jobs for one pull request run one after another, never together. */
export function pullKeyOf(data: JobData): string {
  if (data.kind === 'gate') return `${data.pull.owner}/${data.pull.repo}#${data.pull.pullNumber}`;
  // A person's request has a key of its own: a refused one can never displace a waiting gate.
  return `request:${data.deliveryId}`;
}

/** Per-repository concurrency is counted by this. */
export function repositoryOf(data: JobData): string {
  const repo = data.kind === 'gate' ? data.pull : data.repo;
  return `${repo.owner}/${repo.repo}`;
}

/** A job as a worker receives it. */
export interface RunningJob {
  id: string;
  data: JobData;
  /** 1 on the first run; a job retried after its worker died has a higher attempt. */
  attempt: number;
  enqueuedAt: number;
  /** Aborted when a newer head of the same PR was queued, or the queue is closing. */
  signal: AbortSignal;
}

export type JobHandler = (job: RunningJob) => Promise<void>;

/** Why a job failed: its handler threw, or its worker died on each of its `maxAttempts` runs. */
export type JobFailure = 'threw' | 'exhausted';

export type EnqueueResult = 'accepted' | 'duplicate';

export interface QueueLimits {
  /** Jobs this process runs at once. */
  concurrency: number;
  /** Jobs of one repository running at once, across every process. */
  perRepository: number;
  /** A running job whose worker stops renewing its lease for this long is given to another worker. */
  leaseMs: number;
  /** Runs of one job before it is marked failed (a job that kills its worker each time must stop). */
  maxAttempts: number;
}

export const DEFAULT_QUEUE_LIMITS: QueueLimits = { concurrency: 4, perRepository: 2, leaseMs: 30_000, maxAttempts: 3 };

/**
 * Where webhook handlers put work. `enqueue` resolves only once the job is durably recorded, so a
 * webhook is acknowledged only when its work cannot be lost. Every implementation:
 * - refuses a delivery id it has seen (for at least a week) with `duplicate`;
 * - runs jobs of one pull request one at a time, and at most `perRepository` of one repository;
 * - marks a queued gate job `superseded` when a gate job for a newer head of the same PR arrives,
 *   and aborts the signal of a running one;
 * - gives a job whose worker died (lease expired) to a worker again, up to `maxAttempts` runs. If a
 *   newer head superseded it meanwhile, that run starts with its signal already aborted
 *   (`superseded`): the dead run may have left checks open, and only a handler can end them.
 *   A superseded job that never ran is dropped unrun.
 */
export interface JobQueue {
  enqueue(data: JobData): Promise<EnqueueResult>;
  /** Starts working jobs in this process; `onFailed` hears of a job that threw or ran out of attempts, and which. */
  start(handler: JobHandler, onFailed: (job: RunningJob, error: unknown, failure: JobFailure) => void): void;
  /** Queued and running jobs now; finished ones (completed, failed, superseded) of the recent past only, so a scrape stays cheap. */
  counts(): Promise<Record<JobState, number>>;
  /** Resolves when no job is queued or running (tests, graceful shutdown). */
  idle(): Promise<void>;
  /** Stops taking jobs, waits for running ones, and releases connections. */
  close(): Promise<void>;
}
