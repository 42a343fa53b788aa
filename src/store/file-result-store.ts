import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';
import type { ResultStore, StoredResult } from './result-store.js';
import { parseStoredResult } from './stored-result-schema.js';

/** Where results are kept when nothing else is configured: RISKGATE_DATA_DIR, else the user's cache directory. */
export function defaultResultDirectory(env: NodeJS.ProcessEnv = process.env): string {
  if (env.RISKGATE_DATA_DIR) return join(env.RISKGATE_DATA_DIR, 'results');
  return join(env.XDG_CACHE_HOME || join(homedir(), '.cache'), 'riskgate', 'results');
}

/** The embedded result cache: one JSON file per key, written atomically (temporary file, then rename). */
export class FileResultStore implements ResultStore {
  constructor(private readonly directory: string) {}

  private pathOf(key: string): string {
    if (!/^[0-9a-f]{16,128}$/.test(key)) throw new Error(`result keys are hex digests, not "${key.slice(0, 40)}"`);
    return join(this.directory, key.slice(0, 2), `${key}.json`);
  }

  async get(key: string): Promise<StoredResult | undefined> {
    let text: string;
    try {
      text = await readFile(this.pathOf(key), 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw error;
    }
    return parseStoredResult(text);
  }

  async put(key: string, result: StoredResult): Promise<void> {
    const path = this.pathOf(key);
    await mkdir(join(this.directory, key.slice(0, 2)), { recursive: true });
    const temporary = `${path}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`;
    await writeFile(temporary, JSON.stringify(result));
    await rename(temporary, path);
  }
}
