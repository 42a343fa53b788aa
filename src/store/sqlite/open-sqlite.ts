import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';

// A writer waits this long for another connection's transaction (the queue and the store, or a
// second process on the same file) before SQLite gives up with SQLITE_BUSY.
const BUSY_TIMEOUT_MS = 5_000;

/**
 * Opens (creating if needed) the embedded database: WAL, so readers never block the writer and
 * several connections or processes can share the file.
 */
export function openSqlite(path: string): Database.Database {
  if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
  const db = new Database(path);
  db.pragma('journal_mode = WAL');
  db.pragma(`busy_timeout = ${BUSY_TIMEOUT_MS}`);
  db.pragma('foreign_keys = ON');
  return db;
}
