import type { StoredResult } from '../store/result-store.js';
import type { RunDependencies } from './run-agents.js';

/** A result-cache read that fails (a broken disk, a store that is down) is a miss, not a failed run. */
export async function readCached(deps: Pick<RunDependencies, 'store' | 'warnings'>, key: string, what: string): Promise<StoredResult | undefined> {
  try {
    return await deps.store.get(key);
  } catch (error) {
    deps.warnings.push(`the result cache could not be read for ${what}: ${(error as Error).message}`);
    return undefined;
  }
}

/** Likewise a failed write: the answer is reported all the same, only not reused. */
export async function writeCached(deps: Pick<RunDependencies, 'store' | 'warnings'>, key: string, result: StoredResult, what: string): Promise<void> {
  try {
    await deps.store.put(key, result);
  } catch (error) {
    deps.warnings.push(`the result of ${what} was not cached: ${(error as Error).message}`);
  }
}
