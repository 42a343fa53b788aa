import { BullmqJobQueue } from '../../src/queue/bullmq-job-queue.js';
import type { JobQueue, QueueLimits } from '../../src/queue/job-queue.js';
import { SqliteJobQueue } from '../../src/queue/sqlite-job-queue.js';

export type QueueImplementation = 'sqlite' | 'bullmq';

export const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

/** What a child process needs to open the same queue as the test: JSON, passed on its command line. */
export interface QueuePlace {
  implementation: QueueImplementation;
  /** A database file, or a Redis key prefix. */
  place: string;
  limits: QueueLimits;
}

export function openQueue({ implementation, place, limits }: QueuePlace): JobQueue {
  return implementation === 'sqlite' ? new SqliteJobQueue({ path: place, limits }) : new BullmqJobQueue({ url: REDIS_URL, prefix: place, limits });
}
