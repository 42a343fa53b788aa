import { Worker } from 'node:worker_threads';
import { ChangeProcessingError, type ChangePreparer, type PreparationRequest } from '../run/change-preparer.js';
import type { PreparedChange } from '../run/review-change.js';
import type { PreparationMessage, PreparationReply } from './preparation-worker.js';

const WORKER_ENTRY = new URL('./preparation-worker.js', import.meta.url);

// Scoring a change is linear-time by design; this bounds it all the same (a future slow rule, a
// pathological diff): past it the worker is terminated and the change made the gate fail.
export const DEFAULT_SCORE_TIMEOUT_MS = 60_000;
// A worker's heap: a listFiles answer is capped by GitHub (3,000 files, about 20,000 patch lines),
// so a change that needs more than this is pathological, and it must not take the App down with it.
export const SCORE_WORKER_MAX_HEAP_MB = 1_024;

export interface WorkerPreparerOptions {
  deadlineMs: number;
  /** Workers kept: as many as gates run at once in the process (RISKGATE_CONCURRENCY). */
  workers: number;
  maxHeapMb?: number;
}

interface PooledWorker {
  worker: Worker;
  /** The request it is working on. */
  busy?: { id: number; resolve(prepared: PreparedChange): void; reject(error: Error): void; timer: NodeJS.Timeout };
}

const formatSeconds = (ms: number) => `${Number((ms / 1000).toFixed(1))} s`;

/**
 * Prepares changes on worker threads, so the App's event loop keeps answering webhooks and
 * renewing job leases however long scoring takes. Workers are kept warm between gates (loading
 * and compiling cost about half a second per cold worker). Past the deadline, or out of memory,
 * the worker is terminated (a new one takes its place) and the preparation fails with a
 * ChangeProcessingError: the change made the gate fail. A worker that cannot start or dies
 * otherwise is riskgate's failure, not the change's (a plain Error).
 */
export function workerPreparer(options: WorkerPreparerOptions): ChangePreparer {
  const maxHeapMb = options.maxHeapMb ?? SCORE_WORKER_MAX_HEAP_MB;
  const pool: PooledWorker[] = [];
  const waiting: Array<() => void> = [];
  let nextId = 0;

  const release = (pooled: PooledWorker) => {
    pooled.busy = undefined;
    // An idle worker does not keep the process alive.
    pooled.worker.unref();
    waiting.shift()?.();
  };
  const discard = (pooled: PooledWorker) => {
    const at = pool.indexOf(pooled);
    if (at === -1) return;
    pool.splice(at, 1);
    void pooled.worker.terminate();
    waiting.shift()?.();
  };
  const settle = (pooled: PooledWorker, outcome: (busy: NonNullable<PooledWorker['busy']>) => void, keep: boolean) => {
    const busy = pooled.busy;
    if (!busy) return;
    clearTimeout(busy.timer);
    outcome(busy);
    if (keep) release(pooled);
    else discard(pooled);
  };

  const spawn = (): PooledWorker => {
    const pooled: PooledWorker = { worker: new Worker(WORKER_ENTRY, { resourceLimits: { maxOldGenerationSizeMb: maxHeapMb } }) };
    pooled.worker.on('message', (reply: PreparationReply) => {
      if (pooled.busy?.id !== reply.id) return;
      settle(pooled, (busy) => ('prepared' in reply ? busy.resolve(reply.prepared) : busy.reject(new ChangeProcessingError(`scoring this change failed: ${reply.failed}`))), true);
    });
    pooled.worker.on('error', (error: Error & { code?: string }) => {
      const failure =
        error.code === 'ERR_WORKER_OUT_OF_MEMORY'
          ? new ChangeProcessingError(`scoring this change needed more than ${maxHeapMb} MB, so riskgate stopped it`)
          : new Error(`riskgate's scoring worker failed: ${error.message}`);
      settle(pooled, (busy) => busy.reject(failure), false);
      discard(pooled);
    });
    pooled.worker.on('exit', (code) => {
      settle(pooled, (busy) => busy.reject(new Error(`riskgate's scoring worker stopped (exit code ${code}) before answering`)), false);
      discard(pooled);
    });
    pool.push(pooled);
    return pooled;
  };

  const acquire = async (): Promise<PooledWorker> => {
    for (;;) {
      const idle = pool.find((p) => !p.busy);
      if (idle) return idle;
      if (pool.length < options.workers) return spawn();
      await new Promise<void>((resolve) => waiting.push(resolve));
    }
  };

  return async (request: PreparationRequest) => {
    const pooled = await acquire();
    const id = nextId++;
    return new Promise<PreparedChange>((resolve, reject) => {
      const timer = setTimeout(
        () => settle(pooled, (busy) => busy.reject(new ChangeProcessingError(`scoring this change took longer than ${formatSeconds(options.deadlineMs)}, so riskgate stopped it`)), false),
        options.deadlineMs,
      );
      pooled.busy = { id, resolve, reject, timer };
      pooled.worker.ref();
      pooled.worker.postMessage({ id, request } satisfies PreparationMessage);
    });
  };
}
