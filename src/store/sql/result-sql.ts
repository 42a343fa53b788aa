import type { StoredResult } from '../result-store.js';
import type { SqlParams } from './sql-params.js';

/** A hit marks the entry used, so eviction drops what nobody asked for lately. */
export function useResultSql(key: string, now: number, params: SqlParams): string {
  return `UPDATE results SET last_used_at = ${params.add(now)} WHERE key = ${params.add(key)} RETURNING value`;
}

export function putResultSql(key: string, result: StoredResult, now: number, params: SqlParams): string {
  return `INSERT INTO results (key, value, last_used_at) VALUES (${params.add(key)}, ${params.add(JSON.stringify(result))}, ${params.add(now)})
ON CONFLICT (key) DO UPDATE SET value = excluded.value, last_used_at = excluded.last_used_at`;
}

export function pruneResultsSql(olderThanMs: number, now: number, params: SqlParams): string {
  return `DELETE FROM results WHERE last_used_at < ${params.add(now - olderThanMs)}`;
}
