// The dashboard's summary (`/dashboard/api/summary?days=30`) against an embedded store holding
// 1,000 and 10,000 finished gate runs (with their quality) and 3 model calls per run: the time
// should grow linearly with the runs. Run alone: `npx tsx bench/dashboard-bench.ts`.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { summarize } from '../src/dashboard/dashboard-data.js';
import { SEVERITIES } from '../src/findings/finding.js';
import { TIERS } from '../src/plan/tier.js';
import { SqliteStore } from '../src/store/sqlite/sqlite-store.js';

const DAY_MS = 24 * 60 * 60 * 1000;
const NOW = Date.UTC(2026, 0, 31, 12);
const REPOSITORIES = 50;
const CALLS_PER_RUN = 3;
const BUDGETS = { installation: { month: 1000 }, repository: { day: 20, month: 200 }, outsideAuthor: { day: 1 } };

async function seeded(runs: number): Promise<{ store: SqliteStore; directory: string }> {
  const directory = mkdtempSync(join(tmpdir(), 'riskgate-dashboard-bench-'));
  const store = SqliteStore.inDataDirectory(directory);
  for (let i = 0; i < runs; i++) {
    const repository = `acme/repo-${i % REPOSITORIES}`;
    const startedAt = NOW - (i % 29) * DAY_MS - (i % 1000) * 1000;
    const identity = { installationId: 1 + (i % 3), repository, pullNumber: i, headSha: i.toString(16).padStart(40, '0'), author: `dev${i % 20}` };
    const tier = TIERS[i % TIERS.length]!;
    await store.claimRun({ ...identity, runKey: `run-${i}`, tier, owner: 'bench', explicit: false }, startedAt, 60_000);
    const severity = SEVERITIES[i % SEVERITIES.length]!;
    await store.finishRun(
      `run-${i}`,
      {
        state: i % 17 === 0 ? 'errored' : 'completed',
        conclusion: i % 3 === 0 ? 'failure' : 'success',
        durationMs: 1000 + ((i * 7919) % 300_000),
        usd: 0.01,
        savedUsd: 0,
        findings: [{ agent: 'review', severity, count: 1 + (i % 3) }],
        quality: { findings: { blocker: 0, warning: 0, note: 0, [severity]: 1 + (i % 3) }, verdict: i % 3 === 0 ? 'fail' : 'pass', agentFailures: i % 11 === 0 ? 1 : 0, timeouts: i % 13 === 0 ? 1 : 0, budgetStop: i % 19 === 0, checked: i % 2, verified: 0, rejected: i % 4 === 1 ? 1 : 0 },
      },
      startedAt + 1000,
    );
    for (let c = 0; c < CALLS_PER_RUN; c++) {
      await store.recordCall({
        ...identity,
        at: startedAt + c,
        tier,
        agent: ['review', 'security', 'tests'][c]!,
        model: c === 0 ? 'claude-sonnet-5-5' : 'claude-haiku-5-5',
        outcome: 'ok',
        usage: { inputTokens: 5000, outputTokens: 500, cacheWrite5mTokens: 0, cacheWrite1hTokens: 0, cacheReadTokens: 4000 },
        usd: 0.004,
        strongUsd: 0.01,
        savedUsd: 0,
        latencyMs: 2000,
      });
    }
  }
  return { store, directory };
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

/** Median wall time of the 30-day summary, with budgets, after a warm-up. */
export async function benchDashboard(runs: number, repeats = 7): Promise<{ runs: number; medianMs: number; computeMs: number }> {
  const { store, directory } = await seeded(runs);
  try {
    await summarize(store, 30, NOW, { budgets: BUDGETS });
    const times: number[] = [];
    for (let i = 0; i < repeats; i++) {
      const start = performance.now();
      const summary = await summarize(store, 30, NOW, { budgets: BUDGETS });
      times.push(performance.now() - start);
      if (summary.totals.runs !== runs) throw new Error(`the summary counted ${summary.totals.runs} runs, not ${runs}`);
    }
    // The same summary from rows already read: the dashboard's own work, without SQLite's.
    const [runRows, evals] = await Promise.all([store.listRuns({ limit: 50_000 }), store.latestEvalReports(20)]);
    const spendCache = new Map<string, Awaited<ReturnType<SqliteStore['spend']>>>();
    const source = {
      spend: async (query: Parameters<SqliteStore['spend']>[0]) => {
        const key = JSON.stringify(query);
        let rows = spendCache.get(key);
        if (!rows) spendCache.set(key, (rows = await store.spend(query)));
        return rows;
      },
      listRuns: async () => runRows,
      latestEvalReports: async () => evals,
    };
    await summarize(source, 30, NOW, { budgets: BUDGETS });
    const computeTimes: number[] = [];
    for (let i = 0; i < repeats; i++) {
      const start = performance.now();
      await summarize(source, 30, NOW, { budgets: BUDGETS });
      computeTimes.push(performance.now() - start);
    }
    return { runs, medianMs: median(times), computeMs: median(computeTimes) };
  } finally {
    await store.close();
    rmSync(directory, { recursive: true, force: true });
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  for (const runs of [1_000, 10_000]) {
    const { medianMs, computeMs } = await benchDashboard(runs);
    console.log(`dashboard summary, 30 days, ${runs} runs and ${runs * CALLS_PER_RUN} calls in SQLite, budgets on: ${medianMs.toFixed(1)} ms with the store's reads, ${computeMs.toFixed(1)} ms from rows already read (medians of 7)`);
  }
}
