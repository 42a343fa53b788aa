import pLimit from 'p-limit';
import type { EnqueueResult, GateJob, JobQueue } from './job-queue.js';

// Delivery ids remembered to refuse re-deliveries: GitHub redelivers within hours, not weeks, and
// a bounded set keeps memory flat however long the App runs.
const REMEMBERED_DELIVERIES = 10_000;

export interface InMemoryJobQueueOptions {
  /** Pull requests gated at once; each runs its agents concurrently. */
  concurrency: number;
  onError(error: unknown, job: GateJob): void;
}

/**
 * The single-process queue: at most `concurrency` jobs at once, one at a time per pull request,
 * and a job still waiting when a newer one for the same pull request arrives is dropped (the newer
 * one covers it). Not durable: a restart loses queued jobs.
 */
export function inMemoryJobQueue(options: InMemoryJobQueueOptions): JobQueue {
  const limit = pLimit(options.concurrency);
  const seen = new Set<string>();
  const tails = new Map<string, Promise<void>>();
  const newest = new Map<string, GateJob>();
  const running = new Set<Promise<void>>();

  const remember = (id: string) => {
    seen.add(id);
    if (seen.size > REMEMBERED_DELIVERIES) seen.delete(seen.values().next().value!);
  };

  return {
    enqueue(job): EnqueueResult {
      if (seen.has(job.deliveryId)) return 'duplicate';
      remember(job.deliveryId);
      newest.set(job.key, job);
      const previous = tails.get(job.key) ?? Promise.resolve();
      const work = previous.then(() =>
        limit(async () => {
          if (newest.get(job.key) !== job && newest.has(job.key)) return; // superseded while waiting
          try {
            await job.run();
          } catch (error) {
            options.onError(error, job);
          } finally {
            if (newest.get(job.key) === job) newest.delete(job.key);
          }
        }),
      );
      tails.set(job.key, work);
      running.add(work);
      void work.finally(() => {
        running.delete(work);
        if (tails.get(job.key) === work) tails.delete(job.key);
      });
      return 'accepted';
    },

    async idle() {
      while (running.size > 0) await Promise.allSettled([...running]);
    },
  };
}
