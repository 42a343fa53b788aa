import { z } from 'zod';
import type { Severity } from '../findings/finding.js';
import { SEVERITIES } from '../findings/finding.js';
import { cacheHitRatio } from '../plan/estimate-cost.js';
import type { Tier } from '../plan/tier.js';
import { TIERS } from '../plan/tier.js';
import type { EvalReportStore, StoredEvalReport } from '../store/eval-reports.js';
import type { GateRunStore } from '../store/gate-runs.js';
import type { Ledger, SpendRow } from '../store/ledger.js';

/** What the dashboard reads: the spend ledger, the gate runs and the eval reports, nothing else of the store. */
export type DashboardSource = Pick<Ledger, 'spend'> & Pick<GateRunStore, 'listRuns'> & Pick<EvalReportStore, 'latestEvalReports'>;

export const DEFAULT_DAYS = 30;
export const MAX_DAYS = 366;
const DAY_MS = 24 * 60 * 60 * 1000;
const SLOWEST_RUNS = 10;
// Far more runs than a dashboard window holds in practice; beyond it the run figures say they are partial.
const MAX_RUNS = 50_000;
const SHORT_SHA_LENGTH = 7;
// Repositories whose latest eval report the dashboard shows.
const MAX_EVAL_REPORTS = 20;

export interface DailySpend {
  /** UTC date, YYYY-MM-DD. */
  day: string;
  usd: number;
  strongUsd: number;
  savedUsd: number;
  calls: number;
  cacheHitRatio: number;
}

export interface SlowRun {
  repository: string;
  pullNumber: number;
  headSha: string;
  tier: Tier;
  durationMs: number;
  usd: number;
  conclusion: string;
}

/** One arm of a repository's latest `riskgate eval findings` report, as the dashboard shows it. */
export interface EvalArmView {
  name: string;
  commits: number;
  sampled: number;
  introducers: number;
  recall: { k0: number | null; k3: number | null; k10: number | null };
  randomRecallK3: number | null;
  hitShare: number | null;
  findingsPerCleanCommit: number | null;
  cleanWithBlocker: number | null;
  costUsd: number;
  budgetLimited: boolean;
}

export interface EvalReportView {
  repository: string;
  /** Epoch ms. */
  at: number;
  seed: number;
  commitsPerSide: number;
  arms: EvalArmView[];
}

export interface DashboardSummary {
  days: number;
  /** UTC date of the window's first day. */
  since: string;
  generatedAt: number;
  totals: {
    usd: number;
    /** What routing every call to the strong model would have cost. */
    strongUsd: number;
    /** strongUsd - usd: what the tier routing saved. */
    savedVsStrongUsd: number;
    /** What the result cache saved. */
    cacheSavedUsd: number;
    calls: number;
    runs: number;
    cacheHitRatio: number;
  };
  /** One entry per day of the window, days without calls included, oldest first. */
  daily: DailySpend[];
  /** Most expensive first. */
  /** `local`: only a self-hosted model answered ($0): shown as "local", not as dollars. */
  models: Array<{ model: string; usd: number; calls: number; local?: boolean }>;
  tiers: Array<{ tier: Tier; runs: number }>;
  findings: Array<{ agent: string } & Record<Severity, number>>;
  slowestRuns: SlowRun[];
  /** More runs started in the window than were read: run figures cover the newest only. */
  runsTruncated: boolean;
  /** The latest findings eval of each repository that has one, newest first, whatever the window. */
  evalReports: EvalReportView[];
}

const hitRatio = (row: SpendRow | undefined): number => (row ? cacheHitRatio(row.usage) : 0);

const share = z.number().min(0).max(1).nullable();
// The fields shown, as `riskgate eval findings --json` writes them; a report of another shape
// (another riskgate version, an edited row) is left out rather than shown wrong.
const storedEvalReport = z.object({
  seed: z.number(),
  commitsPerSide: z.number().int().nonnegative(),
  arms: z.array(
    z.object({
      name: z.string(),
      commits: z.number().int().nonnegative(),
      sampled: z.number().int().nonnegative(),
      introducers: z.number().int().nonnegative(),
      recall: z.object({ k0: share, k3: share, k10: share }),
      randomRecall: z.object({ k3: share }),
      hitShare: share,
      findingsPerCleanCommit: z.number().nonnegative().nullable(),
      cleanWithBlocker: share,
      costUsd: z.number().nonnegative(),
      budgetLimited: z.boolean(),
    }),
  ),
});

/** A stored report as the dashboard shows it, or undefined when it is not one it can read. */
export function evalReportView(stored: StoredEvalReport): EvalReportView | undefined {
  const parsed = storedEvalReport.safeParse(stored.report);
  if (!parsed.success) return undefined;
  const { seed, commitsPerSide, arms } = parsed.data;
  return {
    repository: stored.repository,
    at: stored.at,
    seed,
    commitsPerSide,
    arms: arms.map(({ randomRecall, ...arm }) => ({ ...arm, randomRecallK3: randomRecall.k3 })),
  };
}

function utcDay(epochMs: number): string {
  return new Date(epochMs).toISOString().slice(0, 10);
}

/** The start of the UTC day `days - 1` days before the one containing `now`: a window of `days` whole days. */
export function windowStartOf(days: number, now: number): number {
  const today = new Date(now);
  return Date.UTC(today.getUTCFullYear(), today.getUTCMonth(), today.getUTCDate()) - (days - 1) * DAY_MS;
}

/** The dashboard's figures for the last `days` UTC days up to `now`. */
export async function summarize(source: DashboardSource, days: number, now: number): Promise<DashboardSummary> {
  const since = windowStartOf(days, now);
  const [overall, perDay, perModel, runs, evals] = await Promise.all([
    source.spend({ since, by: [] }),
    source.spend({ since, by: ['day'] }),
    source.spend({ since, by: ['model'] }),
    source.listRuns({ since, limit: MAX_RUNS }),
    source.latestEvalReports(MAX_EVAL_REPORTS),
  ]);
  const total = overall[0];
  const usd = total?.usd ?? 0;
  const strongUsd = total?.strongUsd ?? 0;

  const byDay = new Map(perDay.map((row) => [row.group.day, row]));
  const daily: DailySpend[] = [];
  for (let day = since; day <= now; day += DAY_MS) {
    const key = utcDay(day);
    const row = byDay.get(key);
    daily.push({ day: key, usd: row?.usd ?? 0, strongUsd: row?.strongUsd ?? 0, savedUsd: row?.savedUsd ?? 0, calls: row?.calls ?? 0, cacheHitRatio: hitRatio(row) });
  }

  const models = perModel.map((row) => ({ model: row.group.model ?? 'unknown', usd: row.usd, calls: row.calls, ...(row.paidCalls > 0 && row.localCalls === row.paidCalls && row.usd === 0 ? { local: true } : {}) })).sort((a, b) => b.usd - a.usd || b.calls - a.calls);

  const tierRuns = new Map<Tier, number>(TIERS.map((tier) => [tier, 0]));
  const findings = new Map<string, Record<Severity, number>>();
  for (const run of runs) {
    tierRuns.set(run.tier, (tierRuns.get(run.tier) ?? 0) + 1);
    for (const { agent, severity, count } of run.findings) {
      const counts = findings.get(agent) ?? (Object.fromEntries(SEVERITIES.map((s) => [s, 0])) as Record<Severity, number>);
      counts[severity] += count;
      findings.set(agent, counts);
    }
  }

  const slowestRuns = runs
    .filter((run): run is typeof run & { durationMs: number } => run.durationMs !== undefined)
    .sort((a, b) => b.durationMs - a.durationMs || b.startedAt - a.startedAt)
    .slice(0, SLOWEST_RUNS)
    .map((run) => ({
      repository: run.repository,
      pullNumber: run.pullNumber,
      headSha: run.headSha.slice(0, SHORT_SHA_LENGTH),
      tier: run.tier,
      durationMs: run.durationMs,
      usd: run.usd,
      conclusion: run.conclusion ?? run.state,
    }));

  return {
    days,
    since: utcDay(since),
    generatedAt: now,
    totals: {
      usd,
      strongUsd,
      savedVsStrongUsd: strongUsd - usd,
      cacheSavedUsd: total?.savedUsd ?? 0,
      calls: total?.calls ?? 0,
      runs: runs.length,
      cacheHitRatio: hitRatio(total),
    },
    daily,
    models,
    tiers: TIERS.map((tier) => ({ tier, runs: tierRuns.get(tier) ?? 0 })),
    findings: [...findings].map(([agent, counts]) => ({ agent, ...counts })).sort((a, b) => a.agent.localeCompare(b.agent)),
    slowestRuns,
    runsTruncated: runs.length >= MAX_RUNS,
    evalReports: evals.flatMap((stored) => evalReportView(stored) ?? []),
  };
}
