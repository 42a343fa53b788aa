import { openStore } from '../../store/open-store.js';
import { formatSpend } from '../../spend/format-spend.js';
import { summarizeSpend } from '../../spend/summarize-spend.js';
import { UsageError, writeLine, type CliIo } from '../cli-io.js';
import { DAY_MS, parseDay } from '../parse-day.js';

export interface SpendOptions {
  json?: boolean;
  since?: string;
  until?: string;
  repo?: string;
}


/** The spend ledger summarised: DATABASE_URL's, else the embedded one under the data directory. */
export async function spendCommand(io: CliIo, options: SpendOptions): Promise<number> {
  // The current calendar month (UTC) unless a range is given: what a monthly budget counts.
  const now = new Date();
  const since = parseDay('--since', options.since) ?? Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), 1);
  const untilDay = parseDay('--until', options.until);
  const until = untilDay === undefined ? undefined : untilDay + DAY_MS;
  if (until !== undefined && until <= since) throw new UsageError('--until must not be before --since');
  if (options.repo !== undefined && !/^[^/\s]+\/[^/\s]+$/.test(options.repo)) throw new UsageError(`--repo must be owner/name, not "${options.repo}"`);

  const { store, where } = await openStore(io.env);
  try {
    const summary = await summarizeSpend(store, { since, ...(until !== undefined ? { until } : {}), ...(options.repo ? { repository: options.repo } : {}) });
    await writeLine(io.stdout, options.json ? JSON.stringify({ ledger: where, ...summary }, null, 2) : formatSpend(summary, where));
  } finally {
    await store.close();
  }
  return 0;
}
