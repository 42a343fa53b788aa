import type { Ledger, SpendDimension } from '../store/ledger.js';
import { windowStart, type BudgetWindow } from './budget-cap.js';
import type { BudgetLimits } from './budget-limits.js';

/** The scopes as the dashboard, the metrics and the alerts name them. */
export type BudgetScopeName = 'installation' | 'repository' | 'outside_author';

/** One configured cap as spent so far in its current window, for one installation or repository. */
export interface BudgetStatus {
  scope: BudgetScopeName;
  /** The installation id or the repository; empty when nothing in the scope has spent in this window. */
  name: string;
  window: BudgetWindow;
  limitUsd: number;
  /** Epoch ms: the window's start and end. */
  from: number;
  to: number;
  spentUsd: number;
  leftUsd: number;
  /** spent / limit (a zero limit that nothing spent against is 0; spending against it is Infinity). */
  usedRatio: number;
  /** Spent so far extended linearly to the window's end. */
  projectedUsd: number;
}

/** A cap the ledger cannot measure: whether an author may write is known only when their run starts. */
export interface UnmeasuredCap {
  scope: 'outside_author';
  window: BudgetWindow;
  limitUsd: number;
}

export interface BudgetReport {
  caps: BudgetStatus[];
  unmeasured: UnmeasuredCap[];
}

const HOUR_MS = 60 * 60 * 1000;
const DAY_MS = 24 * HOUR_MS;
// Below an hour into a window, a linear projection of a few cents would read as a fortune.
const MIN_PROJECTION_ELAPSED_MS = HOUR_MS;

/** The end (epoch ms, UTC, exclusive) of the window containing `now`. */
export function windowEnd(window: BudgetWindow, now: number): number {
  const d = new Date(now);
  return window === 'day' ? windowStart('day', now) + DAY_MS : Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 1);
}

/** Spending so far, extended at the same rate to the window's end. */
export function projectLinear(spentUsd: number, from: number, to: number, now: number): number {
  const elapsed = Math.max(now - from, MIN_PROJECTION_ELAPSED_MS);
  return spentUsd * Math.max(1, (to - from) / elapsed);
}

export function usedRatio(spentUsd: number, limitUsd: number): number {
  if (limitUsd > 0) return spentUsd / limitUsd;
  return spentUsd > 0 ? Infinity : 0;
}

const SCOPES = [
  { scope: 'installation', limits: 'installation', by: 'installationId' },
  { scope: 'repository', limits: 'repository', by: 'repository' },
] as const satisfies ReadonlyArray<{ scope: BudgetScopeName; limits: keyof BudgetLimits; by: SpendDimension }>;

/**
 * Every configured cap with what each installation or repository spent against it in the current
 * window (ledger calls; holds of runs in progress are not spending yet), fullest first.
 */
export async function budgetReport(limits: BudgetLimits, ledger: Pick<Ledger, 'spend'>, now: number): Promise<BudgetReport> {
  const caps: BudgetStatus[] = [];
  const unmeasured: UnmeasuredCap[] = [];
  for (const window of ['day', 'month'] as const) {
    const from = windowStart(window, now);
    const to = windowEnd(window, now);
    for (const { scope, limits: key, by } of SCOPES) {
      const limitUsd = limits[key][window];
      if (limitUsd === undefined) continue;
      const rows = await ledger.spend({ since: from, until: to, by: [by] });
      const spent = rows.filter((row) => row.usd > 0).map((row) => ({ name: row.group[by] ?? '', usd: row.usd }));
      if (spent.length === 0) spent.push({ name: '', usd: 0 });
      for (const { name, usd } of spent) {
        caps.push({ scope, name, window, limitUsd, from, to, spentUsd: usd, leftUsd: Math.max(0, limitUsd - usd), usedRatio: usedRatio(usd, limitUsd), projectedUsd: projectLinear(usd, from, to, now) });
      }
    }
    const author = limits.outsideAuthor[window];
    if (author !== undefined) unmeasured.push({ scope: 'outside_author', window, limitUsd: author });
  }
  caps.sort((a, b) => b.usedRatio - a.usedRatio || a.scope.localeCompare(b.scope) || a.name.localeCompare(b.name) || a.window.localeCompare(b.window));
  return { caps, unmeasured };
}

/** Per scope and window, the fullest cap's ratio: what `riskgate_budget_used_ratio{scope,period}` exports. */
export function highestRatios(report: BudgetReport): Array<{ scope: BudgetScopeName; period: BudgetWindow; ratio: number }> {
  const highest = new Map<string, { scope: BudgetScopeName; period: BudgetWindow; ratio: number }>();
  for (const cap of report.caps) {
    const key = `${cap.scope}/${cap.window}`;
    const current = highest.get(key);
    if (!current || cap.usedRatio > current.ratio) highest.set(key, { scope: cap.scope, period: cap.window, ratio: cap.usedRatio });
  }
  return [...highest.values()];
}

// Scrapes come every 15 s or so from each Prometheus; the month's sums need not be redone for each.
const RATIO_CACHE_MS = 30_000;

/** For the metrics: the fullest caps, read from the ledger when asked (at scrape time), reused for 30 s. */
export function budgetRatiosOf(limits: BudgetLimits, ledger: Pick<Ledger, 'spend'>, now: () => number = Date.now): () => Promise<ReturnType<typeof highestRatios>> {
  let cached: { at: number; ratios: Promise<ReturnType<typeof highestRatios>> } | undefined;
  return () => {
    const at = now();
    if (!cached || at - cached.at >= RATIO_CACHE_MS || at < cached.at) {
      const ratios = budgetReport(limits, ledger, at).then(highestRatios);
      // A failed read is not kept: the next scrape asks again.
      ratios.catch(() => {
        if (cached?.ratios === ratios) cached = undefined;
      });
      cached = { at, ratios };
    }
    return cached.ratios;
  };
}
