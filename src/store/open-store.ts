import { join } from 'node:path';
import { DATABASE_FILE, defaultDataDirectory } from './data-directory.js';
import type { RiskgateStore } from './riskgate-store.js';

/** The store alone (`riskgate spend`): PostgreSQL with DATABASE_URL, else the embedded file. */
export async function openStore(env: NodeJS.ProcessEnv): Promise<{ store: RiskgateStore; where: string }> {
  if (env.DATABASE_URL) {
    const { PostgresStore } = await import('./postgres/postgres-store.js');
    return { store: await PostgresStore.open({ connectionString: env.DATABASE_URL }), where: 'PostgreSQL (DATABASE_URL)' };
  }
  const path = join(defaultDataDirectory(env), DATABASE_FILE);
  const { SqliteStore } = await import('./sqlite/sqlite-store.js');
  return { store: new SqliteStore(path), where: path };
}
