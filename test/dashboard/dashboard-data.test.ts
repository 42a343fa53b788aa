import { describe, expect, it } from 'vitest';
import { checksUrlOf, summarize, type DashboardSource } from '../../src/dashboard/dashboard-data.js';
import type { GateRunRecord, RunQuality } from '../../src/store/gate-runs.js';

const DAY_MS = 24 * 60 * 60 * 1000;
const NOW = Date.UTC(2026, 0, 15, 12);

function run(index: number, overrides: Partial<GateRunRecord> = {}): GateRunRecord {
  return {
    runKey: `run-${index}`,
    installationId: 1,
    repository: 'acme/api',
    pullNumber: index,
    headSha: index.toString(16).padStart(40, '0'),
    author: 'dev',
    tier: 'standard',
    state: 'completed',
    conclusion: 'success',
    startedAt: NOW - (index % 20) * 60_000,
    usd: 0,
    savedUsd: 0,
    findings: [],
    ...overrides,
  };
}

const quality = (verdict: RunQuality['verdict']): RunQuality => ({ findings: { blocker: 0, warning: 0, note: 0 }, verdict, agentFailures: 0, timeouts: 0, budgetStop: false, checked: 0, verified: 0, rejected: 0 });

function sourceOf(runs: GateRunRecord[]): DashboardSource {
  // As the stores answer: runs started from `since`, newest first.
  return { spend: async () => [], listRuns: async ({ since = 0 }) => runs.filter((r) => r.startedAt >= since), latestEvalReports: async () => [] };
}

describe('the dashboard summary', () => {
  it('keeps the ten slowest finished runs, slowest first, the newer first on a tie, whatever the order read', async () => {
    // Durations in a scrambled order, with ties; running runs have none.
    const runs = Array.from({ length: 60 }, (_, i) => run(i, i % 7 === 0 ? { state: 'running' } : { durationMs: ((i * 37) % 25) * 1000 }));
    const expected = runs
      .filter((r) => r.durationMs !== undefined)
      .sort((a, b) => b.durationMs! - a.durationMs! || b.startedAt - a.startedAt)
      .slice(0, 10)
      .map((r) => r.pullNumber);
    const summary = await summarize(sourceOf(runs), 30, NOW);
    expect(summary.slowestRuns.map((r) => r.pullNumber)).toEqual(expected);
    expect(summary.slowestRuns[0]?.durationMs).toBe(24_000);
    const reversed = await summarize(sourceOf([...runs].reverse()), 30, NOW);
    expect(reversed.slowestRuns.map((r) => r.pullNumber)).toEqual(expected);
  });

  it('groups verdicts as pass, fail (the change itself failing included) and could not decide (errored runs included)', async () => {
    const runs = [
      run(1, { quality: quality('pass') }),
      run(2, { quality: quality('fail') }),
      run(3, { quality: quality('unreviewable') }),
      run(4, { quality: quality('error') }),
      run(5, { state: 'errored', conclusion: 'neutral' }),
      // Counted nowhere: superseded, still running, or recorded before quality was kept.
      run(6, { state: 'superseded', quality: quality('pass') }),
      run(7, { state: 'running' }),
      run(8),
      // Before the window.
      run(9, { startedAt: NOW - 40 * DAY_MS, quality: quality('fail') }),
    ];
    const { quality: q } = await summarize(sourceOf(runs), 30, NOW);
    expect([q.totals.pass, q.totals.fail, q.totals.undecided, q.totals.completed]).toEqual([1, 2, 2, 5]);
    expect(q.daily.at(-1)).toMatchObject({ day: '2026-01-15', pass: 1, fail: 2, undecided: 2 });
  });

  it('links the checks of a pull request on GitHub or a GHES host, encoding the names it was given', () => {
    expect(checksUrlOf('https://github.com', 'acme/api', 12)).toBe('https://github.com/acme/api/pull/12/checks');
    expect(checksUrlOf('https://ghe.example.com/', 'acme/a b', 3)).toBe('https://ghe.example.com/acme/a%20b/pull/3/checks');
    // A query or fragment in a stored name stays inside its path segment: the link still ends at /checks.
    expect(checksUrlOf('https://github.com', 'evil/x?y=1#z', 1)).toBe('https://github.com/evil/x%3Fy%3D1%23z/pull/1/checks');
  });
});
