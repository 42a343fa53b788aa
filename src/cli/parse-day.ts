import { UsageError } from './cli-io.js';

const DATE = /^\d{4}-\d{2}-\d{2}$/;

/** A `--since`/`--until` day, YYYY-MM-DD in UTC, as epoch milliseconds at its start. */
export function parseDay(flag: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const ms = DATE.test(value) ? Date.parse(`${value}T00:00:00Z`) : NaN;
  if (Number.isNaN(ms)) throw new UsageError(`${flag} must be a date as YYYY-MM-DD (UTC), not "${value}"`);
  return ms;
}

export const DAY_MS = 24 * 60 * 60 * 1000;
