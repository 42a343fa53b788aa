import type { SqlParams } from './sql-params.js';

/** Inserts the reply, or moves its time when the last one is older than the window: a row back means "answer". */
export function claimReplySql(key: string, now: number, windowMs: number | undefined, params: SqlParams): string {
  const insert = `INSERT INTO command_replies (key, answered_at) VALUES (${params.add(key)}, ${params.add(now)})`;
  if (windowMs === undefined) return `${insert}\nON CONFLICT (key) DO NOTHING RETURNING key`;
  return `${insert}\nON CONFLICT (key) DO UPDATE SET answered_at = excluded.answered_at WHERE command_replies.answered_at <= ${params.add(now - windowMs)} RETURNING key`;
}
