import { createHash } from 'node:crypto';
import type { ResultStore } from './result-store.js';

/**
 * The result cache as one scope sees it: every key is hashed with the scope (an installation and
 * repository for the App, a repository for the Action and the CLI), so an answer cached in one
 * repository, whatever prompt it answered, is never read in another.
 */
export function scopedResultStore(store: ResultStore, scope: string): ResultStore {
  const keyOf = (key: string) => createHash('sha256').update(JSON.stringify([scope, key])).digest('hex');
  return {
    get: (key) => store.get(keyOf(key)),
    put: (key, result) => store.put(keyOf(key), result),
  };
}
