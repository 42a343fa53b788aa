import { z } from 'zod';
import type { Severity } from '../findings/finding.js';
import { SEVERITIES } from '../findings/finding.js';
import { cacheHitRatio } from '../plan/estimate-cost.js';
import type { Tier } from '../plan/tier.js';
import { TIERS } from '../plan/tier.js';
import { budgetReport, projectLinear, windowEnd, type BudgetReport } from '../budget/budget-status.js';
import { windowStart } from '../budget/budget-cap.js';
import type { BudgetLimits } from '../budget/budget-limits.js';
import type { EvalReportStore, StoredEvalReport } from '../store/eval-reports.js';
import type { GateRunRecord, GateRunStore } from '../store/gate-runs.js';
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
  /** Epoch ms: when the run started. */
  startedAt: number;
  /** The pull request's checks on GitHub. */
  checksUrl: string;
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

/** pass / fail / could not decide, as the dashboard groups verdicts (the change itself failing is a fail). */
export const VERDICT_GROUPS = ['pass', 'fail', 'undecided'] as const;
export type VerdictGroup = (typeof VERDICT_GROUPS)[number];

/** How runs went, summed: over a day or the whole window. */
export interface QualityCounts extends Record<VerdictGroup, number> {
  /** Completed runs: what findings per run divides by. */
  completed: number;
  findings: Record<Severity, number>;
  agentFailures: number;
  timeouts: number;
  budgetStops: number;
  /** Findings the verifier re-checked, and rejected. */
  checked: number;
  rejected: number;
}

export interface DailyQuality extends QualityCounts {
  day: string;
}

export interface RepositoryRow extends QualityCounts {
  repository: string;
  runs: number;
  usd: number;
  savedVsStrongUsd: number;
  /** The slowest finished run's duration, ms; null when none finished. */
  slowestMs: number | null;
}

export interface BudgetView extends BudgetReport {
  /** This calendar month's spend so far, and projected linearly to its end. */
  monthToDateUsd: number;
  projectedMonthUsd: number;
}

export interface SummaryOptions {
  /** The operator's caps; absent: no budgets are shown. */
  budgets?: BudgetLimits;
  /** Where links to pull requests point (GitHub Enterprise Server has its own); default https://github.com. */
  githubUrl?: string;
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
    /** savedVsStrongUsd / strongUsd; 0 when nothing was spent. */
    savedVsStrongRatio: number;
    /** cacheSavedUsd over what the calls would have cost without the result cache. */
    cacheSavedRatio: number;
  };
  /** Is quality holding? Verdicts, findings, failures and the verifier, per day and in total. */
  quality: { daily: DailyQuality[]; totals: QualityCounts };
  /** Busiest first. */
  repositories: RepositoryRow[];
  budgets: BudgetView;
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

const ratioOf = (part: number, whole: number): number => (whole > 0 ? part / whole : 0);

function emptyCounts(): QualityCounts {
  return { pass: 0, fail: 0, undecided: 0, completed: 0, findings: { blocker: 0, warning: 0, note: 0 }, agentFailures: 0, timeouts: 0, budgetStops: 0, checked: 0, rejected: 0 };
}

/** The run's verdict group: an errored run could not decide; a run recorded before quality was kept has none. */
function verdictGroupOf(run: GateRunRecord): VerdictGroup | undefined {
  if (run.state === 'errored') return 'undecided';
  if (run.state !== 'completed' || !run.quality) return undefined;
  const { verdict } = run.quality;
  return verdict === 'pass' ? 'pass' : verdict === 'error' ? 'undecided' : 'fail';
}

/** Adds one run to the sums: constant work per run, so the whole summary stays linear. */
function addRun(counts: QualityCounts, run: GateRunRecord): void {
  const group = verdictGroupOf(run);
  if (group) counts[group]++;
  if (run.state === 'completed') {
    counts.completed++;
    for (const { severity, count } of run.findings) counts.findings[severity] += count;
  }
  const quality = run.quality;
  if (!quality) return;
  counts.agentFailures += quality.agentFailures;
  counts.timeouts += quality.timeouts;
  if (quality.budgetStop) counts.budgetStops++;
  counts.checked += quality.checked;
  counts.rejected += quality.rejected;
}

/** The pull request's checks tab; each path segment encoded (the names come from the store, not from GitHub). */
export function checksUrlOf(githubUrl: string, repository: string, pullNumber: number): string {
  const path = repository.split('/').map(encodeURIComponent).join('/');
  return `${githubUrl.replace(/\/+$/, '')}/${path}/pull/${pullNumber}/checks`;
}

type FinishedRun = GateRunRecord & { durationMs: number };
const slower = (a: FinishedRun, b: FinishedRun) => b.durationMs - a.durationMs || b.startedAt - a.startedAt;

/** The `count` slowest finished runs, slowest first: one pass keeping the top few, not a sort of every run. */
function slowest(runs: readonly GateRunRecord[], count: number): FinishedRun[] {
  const top: FinishedRun[] = [];
  for (const run of runs) {
    if (run.durationMs === undefined) continue;
    const finished = run as FinishedRun;
    if (top.length === count && slower(finished, top[count - 1]!) >= 0) continue;
    let at = top.length;
    while (at > 0 && slower(finished, top[at - 1]!) < 0) at--;
    top.splice(at, 0, finished);
    if (top.length > count) top.pop();
  }
  return top;
}

const NO_BUDGETS: BudgetLimits = { installation: {}, repository: {}, outsideAuthor: {} };

/** The dashboard's figures for the last `days` UTC days up to `now`. */
export async function summarize(source: DashboardSource, days: number, now: number, options: SummaryOptions = {}): Promise<DashboardSummary> {
  const since = windowStartOf(days, now);
  const monthStart = windowStart('month', now);
  const githubUrl = options.githubUrl ?? 'https://github.com';
  const [overall, perDay, perModel, perRepository, runs, evals, monthSpend, caps] = await Promise.all([
    source.spend({ since, by: [] }),
    source.spend({ since, by: ['day'] }),
    source.spend({ since, by: ['model'] }),
    source.spend({ since, by: ['repository'] }),
    source.listRuns({ since, limit: MAX_RUNS }),
    source.latestEvalReports(MAX_EVAL_REPORTS),
    source.spend({ since: monthStart, by: [] }),
    budgetReport(options.budgets ?? NO_BUDGETS, source, now),
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
  const qualityDaily: DailyQuality[] = daily.map(({ day }) => ({ day, ...emptyCounts() }));
  const qualityTotals = emptyCounts();
  const repositories = new Map<string, RepositoryRow>();
  for (const run of runs) {
    tierRuns.set(run.tier, (tierRuns.get(run.tier) ?? 0) + 1);
    const dayIndex = Math.floor((run.startedAt - since) / DAY_MS);
    const today = qualityDaily[dayIndex];
    if (today) addRun(today, run);
    addRun(qualityTotals, run);
    let repository = repositories.get(run.repository);
    if (!repository) {
      repository = { repository: run.repository, runs: 0, usd: 0, savedVsStrongUsd: 0, slowestMs: null, ...emptyCounts() };
      repositories.set(run.repository, repository);
    }
    repository.runs++;
    addRun(repository, run);
    if (run.durationMs !== undefined && (repository.slowestMs === null || run.durationMs > repository.slowestMs)) repository.slowestMs = run.durationMs;
    for (const { agent, severity, count } of run.findings) {
      const counts = findings.get(agent) ?? (Object.fromEntries(SEVERITIES.map((s) => [s, 0])) as Record<Severity, number>);
      counts[severity] += count;
      findings.set(agent, counts);
    }
  }

  const slowestRuns = slowest(runs, SLOWEST_RUNS).map((run) => ({
    repository: run.repository,
    pullNumber: run.pullNumber,
    startedAt: run.startedAt,
    checksUrl: checksUrlOf(githubUrl, run.repository, run.pullNumber),
    headSha: run.headSha.slice(0, SHORT_SHA_LENGTH),
    tier: run.tier,
    durationMs: run.durationMs,
    usd: run.usd,
    conclusion: run.conclusion ?? run.state,
  }));

  // Spend comes from the ledger (every call, runs or not); a repository with calls but no run still gets a row.
  for (const row of perRepository) {
    const name = row.group.repository ?? 'unknown';
    let repository = repositories.get(name);
    if (!repository) {
      repository = { repository: name, runs: 0, usd: 0, savedVsStrongUsd: 0, slowestMs: null, ...emptyCounts() };
      repositories.set(name, repository);
    }
    repository.usd = row.usd;
    repository.savedVsStrongUsd = row.strongUsd - row.usd;
  }

  const monthToDateUsd = monthSpend[0]?.usd ?? 0;
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
      savedVsStrongRatio: ratioOf(strongUsd - usd, strongUsd),
      cacheSavedRatio: ratioOf(total?.savedUsd ?? 0, usd + (total?.savedUsd ?? 0)),
    },
    quality: { daily: qualityDaily, totals: qualityTotals },
    repositories: [...repositories.values()].sort((a, b) => b.runs - a.runs || b.usd - a.usd || a.repository.localeCompare(b.repository)),
    budgets: { ...caps, monthToDateUsd, projectedMonthUsd: projectLinear(monthToDateUsd, monthStart, windowEnd('month', now), now) },
    daily,
    models,
    tiers: TIERS.map((tier) => ({ tier, runs: tierRuns.get(tier) ?? 0 })),
    findings: [...findings].map(([agent, counts]) => ({ agent, ...counts })).sort((a, b) => a.agent.localeCompare(b.agent)),
    slowestRuns,
    runsTruncated: runs.length >= MAX_RUNS,
    evalReports: evals.flatMap((stored) => evalReportView(stored) ?? []),
  };
}
