import type { Ledger, SpendDimension, SpendQuery, SpendRow } from '../store/ledger.js';

/** The ledger summarised for `riskgate spend`: totals and the same sums by each dimension. */
export interface SpendSummary {
  since?: number;
  until?: number;
  repository?: string;
  totals: SpendRow;
  /** What routing every call to the strong model would have cost, less what was spent. */
  savedVsStrongUsd: number;
  byRepository: SpendRow[];
  byAgent: SpendRow[];
  byProvider: SpendRow[];
  byModel: SpendRow[];
  byTier: SpendRow[];
  byDay: SpendRow[];
}

const EMPTY: SpendRow = {
  group: {},
  calls: 0,
  paidCalls: 0,
  cachedCalls: 0,
  localCalls: 0,
  usage: { inputTokens: 0, outputTokens: 0, cacheWrite5mTokens: 0, cacheWrite1hTokens: 0, cacheReadTokens: 0 },
  usd: 0,
  strongUsd: 0,
  savedUsd: 0,
  maxLatencyMs: 0,
};

const byUsd = (rows: SpendRow[]) => [...rows].sort((a, b) => b.usd - a.usd || b.calls - a.calls);

export async function summarizeSpend(ledger: Ledger, filter: Omit<SpendQuery, 'by'>): Promise<SpendSummary> {
  const query = (by: SpendDimension[]) => ledger.spend({ ...filter, by });
  const [totals, byRepository, byAgent, byProvider, byModel, byTier, byDay] = await Promise.all([
    query([]),
    query(['repository']),
    query(['agent']),
    query(['provider']),
    query(['model']),
    query(['tier']),
    query(['day']),
  ]);
  const total = totals[0] ?? EMPTY;
  return {
    ...(filter.since !== undefined ? { since: filter.since } : {}),
    ...(filter.until !== undefined ? { until: filter.until } : {}),
    ...(filter.repository !== undefined ? { repository: filter.repository } : {}),
    totals: total,
    savedVsStrongUsd: total.strongUsd - total.usd,
    byRepository: byUsd(byRepository),
    byAgent: byUsd(byAgent),
    byProvider: byUsd(byProvider),
    byModel: byUsd(byModel),
    byTier: byUsd(byTier),
    byDay,
  };
}
