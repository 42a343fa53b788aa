import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { budgetReport, highestRatios, projectLinear, windowEnd } from '../../src/budget/budget-status.js';
import type { CallRecord } from '../../src/store/ledger.js';
import { SqliteStore } from '../../src/store/sqlite/sqlite-store.js';

const HOUR = 60 * 60 * 1000;
const DAY = 24 * HOUR;
// Noon on 15 January: 14.5 of the month's 31 days have gone, half of today.
const NOW = Date.UTC(2026, 0, 15, 12);

function call(repository: string, installationId: number, at: number, usd: number): CallRecord {
  return {
    installationId,
    repository,
    pullNumber: 1,
    headSha: 'a'.repeat(40),
    author: 'dev',
    at,
    tier: 'standard',
    agent: 'review',
    model: 'claude-haiku-5-5',
    outcome: 'ok',
    usage: { inputTokens: 1, outputTokens: 1, cacheWrite5mTokens: 0, cacheWrite1hTokens: 0, cacheReadTokens: 0 },
    usd,
    strongUsd: usd,
    savedUsd: 0,
    latencyMs: 1,
  };
}

describe('budget status', () => {
  let directory: string;
  let store: SqliteStore;

  beforeAll(async () => {
    directory = await mkdtemp(join(tmpdir(), 'riskgate-budget-status-'));
    store = SqliteStore.inDataDirectory(directory);
    await store.recordCall(call('acme/api', 7, NOW - 2 * HOUR, 2)); // today
    await store.recordCall(call('acme/api', 7, NOW - 3 * DAY, 8)); // this month
    await store.recordCall(call('acme/web', 7, NOW - 1 * HOUR, 1)); // today
    await store.recordCall(call('acme/api', 7, Date.UTC(2025, 11, 31, 23), 50)); // last month: counted nowhere
  });

  afterAll(async () => {
    await store.close();
    await rm(directory, { recursive: true, force: true });
  });

  it('ends a day at the next midnight and a month on the first of the next, UTC', () => {
    expect(windowEnd('day', NOW)).toBe(Date.UTC(2026, 0, 16));
    expect(windowEnd('month', NOW)).toBe(Date.UTC(2026, 1, 1));
    expect(windowEnd('month', Date.UTC(2026, 11, 31, 23))).toBe(Date.UTC(2027, 0, 1));
  });

  it('projects linearly to the end of the window, never below what was spent, and not from the first minutes', () => {
    expect(projectLinear(10, Date.UTC(2026, 0, 1), Date.UTC(2026, 1, 1), NOW)).toBeCloseTo((10 * 31) / 14.5, 10);
    expect(projectLinear(3, 0, DAY, DAY)).toBe(3);
    // One minute into the day counts as an hour: $1 projects to $24, not $1,440.
    expect(projectLinear(1, 0, DAY, 60_000)).toBe(24);
  });

  it('reports each cap per installation and repository, with spent, left, ratio and projection, fullest first', async () => {
    const report = await budgetReport({ installation: { month: 100 }, repository: { day: 4, month: 20 }, outsideAuthor: { day: 1 } }, store, NOW);
    const rows = report.caps.map((c) => [c.scope, c.name, c.window, c.limitUsd, c.spentUsd, c.leftUsd]);
    expect(rows).toEqual([
      ['repository', 'acme/api', 'day', 4, 2, 2],
      ['repository', 'acme/api', 'month', 20, 10, 10],
      ['repository', 'acme/web', 'day', 4, 1, 3],
      ['installation', '7', 'month', 100, 11, 89],
      ['repository', 'acme/web', 'month', 20, 1, 19],
    ]);
    const apiMonth = report.caps[1]!;
    expect(apiMonth.usedRatio).toBe(0.5);
    expect(apiMonth.projectedUsd).toBeCloseTo((10 * 31) / 14.5, 10);
    expect(report.caps[0]!.projectedUsd).toBeCloseTo(4, 10);
    // Whether an author may write is only known when their run starts: the cap is listed, not measured.
    expect(report.unmeasured).toEqual([{ scope: 'outside_author', window: 'day', limitUsd: 1 }]);
    expect(highestRatios(report)).toEqual(
      expect.arrayContaining([
        { scope: 'repository', period: 'month', ratio: 0.5 },
        { scope: 'repository', period: 'day', ratio: 0.5 },
        { scope: 'installation', period: 'month', ratio: 0.11 },
      ]),
    );
    expect(highestRatios(report)).toHaveLength(3);
  });

  it('lists a cap nothing has spent against with zero spent, and no caps when none are set', async () => {
    const quiet = await budgetReport({ installation: { day: 5 }, repository: {}, outsideAuthor: {} }, store, Date.UTC(2026, 5, 1, 12));
    expect(quiet.caps).toMatchObject([{ scope: 'installation', name: '', window: 'day', spentUsd: 0, leftUsd: 5, usedRatio: 0, projectedUsd: 0 }]);
    expect(await budgetReport({ installation: {}, repository: {}, outsideAuthor: {} }, store, NOW)).toEqual({ caps: [], unmeasured: [] });
  });
});
