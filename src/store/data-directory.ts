import { homedir } from 'node:os';
import { join } from 'node:path';

/** Where the embedded store lives: RISKGATE_DATA_DIR, else the user's data directory. */
export function defaultDataDirectory(env: NodeJS.ProcessEnv = process.env): string {
  if (env.RISKGATE_DATA_DIR) return env.RISKGATE_DATA_DIR;
  return join(env.XDG_DATA_HOME || join(homedir(), '.local', 'share'), 'riskgate');
}

/** The embedded database file in a data directory. */
export const DATABASE_FILE = 'riskgate.db';
