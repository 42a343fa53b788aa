import { join } from 'node:path';
import { DEFAULT_QUEUE_LIMITS, type JobQueue, type QueueLimits } from '../queue/job-queue.js';
import { DATABASE_FILE, defaultDataDirectory } from '../store/data-directory.js';
import { openStore } from '../store/open-store.js';
import type { RiskgateStore } from '../store/riskgate-store.js';

export interface Backends {
  queue: JobQueue;
  store: RiskgateStore;
  /** One line for the start-up log: where jobs and money are kept. */
  description: string;
  close(): Promise<void>;
}

/**
 * Jobs on Redis (BullMQ) with REDIS_URL, else in the embedded SQLite file; the ledger, budgets and
 * result cache on PostgreSQL with DATABASE_URL, else in that same file. Drivers load only when
 * chosen. Several processes share the work only when both are shared servers.
 */
export async function openBackends(env: NodeJS.ProcessEnv, limits: Partial<QueueLimits> = {}, onError: (error: unknown) => void = () => undefined): Promise<Backends> {
  const merged = { ...DEFAULT_QUEUE_LIMITS, ...limits };
  const { store, where } = await openStore(env);
  let queue: JobQueue;
  let queueWhere: string;
  if (env.REDIS_URL) {
    const { BullmqJobQueue } = await import('../queue/bullmq-job-queue.js');
    queue = new BullmqJobQueue({ url: env.REDIS_URL, limits: merged, onError, ...(env.RISKGATE_QUEUE_PREFIX ? { prefix: env.RISKGATE_QUEUE_PREFIX } : {}) });
    queueWhere = 'Redis (REDIS_URL)';
  } else {
    const path = join(defaultDataDirectory(env), DATABASE_FILE);
    const { SqliteJobQueue } = await import('../queue/sqlite-job-queue.js');
    queue = new SqliteJobQueue({ path, limits: merged, onError });
    queueWhere = path;
  }
  return {
    queue,
    store,
    description: `jobs in ${queueWhere}; ledger, budgets and results in ${where}`,
    async close() {
      await queue.close();
      await store.close();
    },
  };
}
