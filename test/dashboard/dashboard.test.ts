import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import type { Server } from 'node:http';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { chromium } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dashboardSettingsFromEnv, readTokenSetting } from '../../src/dashboard/dashboard-auth.js';
import type { BudgetLimits } from '../../src/budget/budget-limits.js';
import type { DashboardSummary } from '../../src/dashboard/dashboard-data.js';
import type { DashboardHandlerOptions } from '../../src/dashboard/dashboard-handler.js';
import { dashboardHandler } from '../../src/dashboard/dashboard-handler.js';
import { PrometheusMetrics } from '../../src/metrics/prometheus-metrics.js';
import type { Tier } from '../../src/plan/tier.js';
import type { GateRunResult } from '../../src/store/gate-runs.js';
import type { CallOutcome, CallRecord } from '../../src/store/ledger.js';
import { SqliteStore } from '../../src/store/sqlite/sqlite-store.js';

const TOKEN = 'correct-horse-battery-staple-0123456789';
const METRICS_TOKEN = 'metrics-scraper-secret-abcdefghijkl';
const DAY_MS = 24 * 60 * 60 * 1000;
const NOW = Date.UTC(2026, 0, 15, 12, 0, 0);
const CHROMIUM = '/usr/bin/chromium';
const SCREENSHOT = 'test-artifacts/dashboard.png';
// A name no GitHub repository can have, but the ledger stores whatever it is given: the page must show it as text.
const HOSTILE_REPOSITORY = 'evil/<img src=x onerror=alert(1)>';

interface SeedCall {
  daysAgo: number;
  repository: string;
  model: string;
  outcome: CallOutcome;
  usd: number;
  strongUsd: number;
  savedUsd: number;
  inputTokens: number;
  cacheReadTokens: number;
}

const HAIKU = 'claude-haiku-4-5';
const SONNET = 'claude-sonnet-4-5';

const CALLS: SeedCall[] = [
  { daysAgo: 3, repository: 'acme/api', model: HAIKU, outcome: 'ok', usd: 0.0125, strongUsd: 0.0375, savedUsd: 0, inputTokens: 8000, cacheReadTokens: 0 },
  { daysAgo: 3, repository: 'acme/api', model: SONNET, outcome: 'ok', usd: 0.084, strongUsd: 0.084, savedUsd: 0, inputTokens: 2000, cacheReadTokens: 6000 },
  { daysAgo: 2, repository: 'acme/web', model: HAIKU, outcome: 'ok', usd: 0.021, strongUsd: 0.063, savedUsd: 0, inputTokens: 1000, cacheReadTokens: 3000 },
  { daysAgo: 2, repository: 'acme/web', model: HAIKU, outcome: 'cached', usd: 0, strongUsd: 0, savedUsd: 0.0125, inputTokens: 0, cacheReadTokens: 0 },
  { daysAgo: 1, repository: HOSTILE_REPOSITORY, model: SONNET, outcome: 'ok', usd: 0.15, strongUsd: 0.15, savedUsd: 0, inputTokens: 5000, cacheReadTokens: 5000 },
  { daysAgo: 1, repository: 'acme/api', model: HAIKU, outcome: 'failed', usd: 0.0015, strongUsd: 0.0045, savedUsd: 0, inputTokens: 1000, cacheReadTokens: 0 },
  { daysAgo: 0, repository: 'acme/api', model: HAIKU, outcome: 'ok', usd: 0.033, strongUsd: 0.099, savedUsd: 0, inputTokens: 3000, cacheReadTokens: 1000 },
  // Before the 30-day window: counted nowhere.
  { daysAgo: 40, repository: 'acme/api', model: SONNET, outcome: 'ok', usd: 5, strongUsd: 5, savedUsd: 0, inputTokens: 100000, cacheReadTokens: 0 },
];

// By hand from CALLS inside the window: spend 0.0125 + 0.084 + 0.021 + 0.15 + 0.0015 + 0.033 = 0.302;
// all-strong 0.0375 + 0.084 + 0.063 + 0.15 + 0.0045 + 0.099 = 0.438; saved 0.438 - 0.302 = 0.136.
// Shown in formatDollars' one format.
const EXPECTED_SPEND = '$0.30';
const EXPECTED_STRONG = '$0.44';
const EXPECTED_SAVED_VS_STRONG = '$0.14';
const EXPECTED_CACHE_SAVED = '$0.01';
// Prompt tokens 20000 + 15000 cache reads = 35000; 15000 / 35000 = 42.9 %.
const EXPECTED_HIT_RATIO = 15000 / 35000;

interface SeedRun {
  daysAgo: number;
  repository: string;
  pullNumber: number;
  headSha: string;
  tier: Tier;
  state?: GateRunResult['state'];
  result?: Omit<GateRunResult, 'state'>;
}

const NO_CHECKS = { checked: 0, verified: 0, rejected: 0 };

const RUNS: SeedRun[] = [
  {
    daysAgo: 3,
    repository: 'acme/api',
    pullNumber: 12,
    headSha: 'abc1234def5678abc1234def5678abc1234def56',
    tier: 'thorough',
    result: {
      conclusion: 'failure',
      durationMs: 245_000,
      usd: 0.0965,
      savedUsd: 0,
      findings: [{ agent: 'review', severity: 'warning', count: 2 }, { agent: 'security', severity: 'blocker', count: 1 }],
      quality: { findings: { blocker: 1, warning: 2, note: 0 }, verdict: 'fail', agentFailures: 0, timeouts: 1, budgetStop: false, checked: 2, verified: 1, rejected: 1 },
    },
  },
  {
    daysAgo: 2,
    repository: 'acme/web',
    pullNumber: 7,
    headSha: 'fedcba98765432100123456789abcdeffedcba98',
    tier: 'standard',
    result: {
      conclusion: 'success',
      durationMs: 61_000,
      usd: 0.021,
      savedUsd: 0.0125,
      findings: [{ agent: 'review', severity: 'note', count: 3 }, { agent: 'tests', severity: 'warning', count: 1 }],
      quality: { findings: { blocker: 0, warning: 1, note: 3 }, verdict: 'pass', agentFailures: 0, timeouts: 0, budgetStop: false, ...NO_CHECKS },
    },
  },
  // Recorded before runs kept their quality: counted in findings, not in the verdicts.
  { daysAgo: 1, repository: HOSTILE_REPOSITORY, pullNumber: 1, headSha: '1111111222222233333334444444555555566666', tier: 'minimal', result: { conclusion: 'success', durationMs: 4_000, usd: 0.15, savedUsd: 0, findings: [] } },
  {
    daysAgo: 1,
    repository: 'acme/api',
    pullNumber: 13,
    headSha: '0000000aaaaaaabbbbbbbcccccccdddddddeeeee',
    tier: 'full',
    result: {
      conclusion: 'failure',
      durationMs: 180_000,
      usd: 0.0015,
      savedUsd: 0,
      findings: [{ agent: 'security', severity: 'blocker', count: 2 }, { agent: 'security', severity: 'warning', count: 1 }],
      quality: { findings: { blocker: 2, warning: 1, note: 0 }, verdict: 'fail', agentFailures: 1, timeouts: 0, budgetStop: true, checked: 3, verified: 1, rejected: 2 },
    },
  },
  // riskgate itself failed: could not decide.
  { daysAgo: 0, repository: 'acme/web', pullNumber: 9, headSha: '7777777666666655555554444444333333322222', tier: 'minimal', state: 'errored', result: { conclusion: 'neutral', durationMs: 2_000, usd: 0, savedUsd: 0, findings: [] } },
  // Still running: a tier to count, no duration to rank.
  { daysAgo: 0, repository: 'acme/web', pullNumber: 8, headSha: '9999999888888877777776666666555555544444', tier: 'standard' },
  { daysAgo: 40, repository: 'acme/api', pullNumber: 2, headSha: 'ffffffffffffffffffffffffffffffffffffffff', tier: 'full', result: { conclusion: 'success', durationMs: 590_000, usd: 5, savedUsd: 0, findings: [] } },
];

const at = (daysAgo: number) => NOW - daysAgo * DAY_MS;

// acme/api spent $0.033 today (82.5% of its $0.04); the installation $0.302 this month (30.2% of $1).
const BUDGETS: BudgetLimits = { installation: { month: 1 }, repository: { day: 0.04 }, outsideAuthor: { day: 0.5 } };

// `riskgate eval findings` reports: the newest of acme/api is shown (the older one is not); a report
// of another shape (another riskgate version) is left out; the hostile name is shown as text.
const evalArm = (name: string, budgetLimited: boolean) => ({
  name,
  summary: 'an arm',
  commits: budgetLimited ? 31 : 50,
  sampled: 50,
  introducers: 25,
  clean: 25,
  recall: { k0: 0.12, k3: 0.2, k10: 0.28 },
  randomRecall: { k0: 0.01, k3: 0.04, k10: 0.1 },
  hitShare: 0.25,
  findingsPerCleanCommit: 1.4,
  cleanWithBlocker: 0.08,
  costUsd: 1.23,
  budgetLimited,
});
const EVAL_REPORTS = [
  { repository: 'acme/api', daysAgo: 20, report: { seed: 1, commitsPerSide: 25, arms: [evalArm('routed', false)] } },
  { repository: 'acme/api', daysAgo: 5, report: { seed: 2, commitsPerSide: 25, arms: [evalArm('routed', false), { ...evalArm('strong', true), recall: { k0: null, k3: 0.5, k10: 1 } }] } },
  { repository: 'acme/web', daysAgo: 4, report: { seed: 1, arms: 'not a list' } },
  { repository: HOSTILE_REPOSITORY, daysAgo: 6, report: { seed: 3, commitsPerSide: 5, arms: [evalArm('fast', false)] } },
];

function callRecord(seed: SeedCall): CallRecord {
  return {
    installationId: 42,
    repository: seed.repository,
    pullNumber: 1,
    headSha: 'a'.repeat(40),
    author: 'dev',
    at: at(seed.daysAgo),
    tier: 'standard',
    agent: 'review',
    model: seed.model,
    outcome: seed.outcome,
    usage: { inputTokens: seed.inputTokens, outputTokens: 500, cacheWrite5mTokens: 0, cacheWrite1hTokens: 0, cacheReadTokens: seed.cacheReadTokens },
    usd: seed.usd,
    strongUsd: seed.strongUsd,
    savedUsd: seed.savedUsd,
    latencyMs: 1200,
  };
}

async function seed(store: SqliteStore): Promise<void> {
  for (const call of CALLS) await store.recordCall(callRecord(call));
  for (const [index, run] of RUNS.entries()) {
    const runKey = `run-${index}`;
    const claimed = await store.claimRun(
      { runKey, installationId: 42, repository: run.repository, pullNumber: run.pullNumber, headSha: run.headSha, author: 'dev', tier: run.tier, owner: `job-${index}`, explicit: false },
      at(run.daysAgo),
      60_000,
    );
    expect(claimed.status).toBe('claimed');
    if (run.result) await store.finishRun(runKey, { state: run.state ?? 'completed', ...run.result }, at(run.daysAgo) + run.result.durationMs);
  }
  for (const entry of EVAL_REPORTS) await store.recordEvalReport({ repository: entry.repository, at: at(entry.daysAgo), report: entry.report });
}

interface Running {
  base: string;
  close(): Promise<void>;
}

/** The handler on a real server; a request it declines gets 418, so the test sees it declined. */
async function serve(options: DashboardHandlerOptions): Promise<Running> {
  const handler = dashboardHandler(options);
  const server: Server = createServer((req, res) => {
    handler(req, res).then(
      (handled) => {
        if (!handled) res.writeHead(418).end('not mine');
      },
      (error: unknown) => res.writeHead(500).end(String(error)),
    );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { base: `http://127.0.0.1:${port}`, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

function form(token: string): RequestInit {
  return { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams({ token }).toString(), redirect: 'manual' };
}

async function waitForFile(path: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!existsSync(path)) {
    if (Date.now() > deadline) throw new Error(`${path} did not appear within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 1000));
  }
}

describe('the cost dashboard', () => {
  let directory: string;
  let store: SqliteStore;
  let metrics: PrometheusMetrics;

  beforeAll(async () => {
    directory = mkdtempSync(join(tmpdir(), 'riskgate-dashboard-'));
    store = new SqliteStore(join(directory, 'riskgate.db'));
    await seed(store);
    metrics = new PrometheusMetrics(async () => ({ queued: 2, running: 1, completed: 9, failed: 0, superseded: 1 }));
    for (const call of CALLS) metrics.modelCall(callRecord(call));
  });

  afterAll(async () => {
    await store.close();
    rmSync(directory, { recursive: true, force: true });
  });

  const enabled = (): DashboardHandlerOptions => ({ source: store, dashboardToken: readTokenSetting('DASHBOARD_TOKEN', TOKEN), metrics, budgets: BUDGETS, githubUrl: 'https://ghe.example.com/', now: () => NOW });

  describe('without a token', () => {
    it('answers 404 with how to enable it, and still serves /metrics', async () => {
      const server = await serve({ source: store, dashboardToken: readTokenSetting('DASHBOARD_TOKEN', undefined), metrics, now: () => NOW });
      try {
        for (const path of ['/dashboard', '/dashboard/login', '/dashboard/api/summary', '/dashboard/assets/chart.js']) {
          const response = await fetch(`${server.base}${path}`, { headers: { authorization: `Bearer ${TOKEN}` } });
          expect(response.status, path).toBe(404);
          expect(await response.text()).toMatch(/set DASHBOARD_TOKEN to a random secret of at least 24 characters/);
        }
        const scraped = await fetch(`${server.base}/metrics`);
        expect(scraped.status).toBe(200);
        expect(scraped.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
        expect(await scraped.text()).toMatch(/^riskgate_jobs\{state="queued"\} 2$/m);
        // Paths it does not own are left to the next handler.
        expect((await fetch(`${server.base}/api/github/webhooks`)).status).toBe(418);
        expect((await fetch(`${server.base}/dashboards`)).status).toBe(418);
      } finally {
        await server.close();
      }
    });

    it('refuses a token shorter than 24 characters, with a message, and stays shut', async () => {
      const settings = dashboardSettingsFromEnv({ DASHBOARD_TOKEN: 'too-short-secret', METRICS_TOKEN: 'also-short' });
      expect(settings.dashboardToken.state).toBe('refused');
      expect(settings.warnings).toEqual([expect.stringMatching(/^DASHBOARD_TOKEN is shorter than 24 characters/), expect.stringMatching(/^METRICS_TOKEN is shorter than 24 characters/)]);
      const server = await serve({ source: store, dashboardToken: settings.dashboardToken, metrics, metricsToken: settings.metricsToken });
      try {
        const response = await fetch(`${server.base}/dashboard/api/summary`, { headers: { authorization: 'Bearer too-short-secret' } });
        expect(response.status).toBe(404);
        expect(await response.text()).toMatch(/DASHBOARD_TOKEN is shorter than 24 characters/);
        // A refused METRICS_TOKEN shuts /metrics rather than leaving it open.
        expect((await fetch(`${server.base}/metrics`)).status).toBe(404);
      } finally {
        await server.close();
      }
    });
  });

  describe('with a token', () => {
    let server: Running;
    beforeAll(async () => {
      server = await serve({ ...enabled(), metricsToken: readTokenSetting('METRICS_TOKEN', METRICS_TOKEN) });
    });
    afterAll(() => server.close());

    it('shows a login form without a session, with strict security headers', async () => {
      const response = await fetch(`${server.base}/dashboard`);
      expect(response.status).toBe(200);
      const html = await response.text();
      expect(html).toMatch(/<form method="post" action="\/dashboard\/login">/);
      expect(html).toMatch(/<input id="token" name="token" type="password"/);
      expect(html).not.toMatch(/<canvas/);
      expect(response.headers.get('content-security-policy')).toMatch(/script-src 'self'/);
      expect(response.headers.get('content-security-policy')).not.toMatch(/unsafe-inline/);
      expect(response.headers.get('x-content-type-options')).toBe('nosniff');
      expect(response.headers.get('cache-control')).toBe('no-store');
    });

    it('refuses a wrong token with 401 and no hint, and everything behind the login', async () => {
      const wrong = await fetch(`${server.base}/dashboard/login`, form(`${TOKEN}x`));
      expect(wrong.status).toBe(401);
      expect(wrong.headers.get('set-cookie')).toBeNull();
      const body = await wrong.text();
      expect(body).toMatch(/Not signed in\./);
      expect(body).not.toMatch(/length|characters|expected|close/i);

      expect((await fetch(`${server.base}/dashboard/api/summary`)).status).toBe(401);
      expect((await fetch(`${server.base}/dashboard/api/summary`, { headers: { authorization: 'Bearer not-the-token-at-all-123456' } })).status).toBe(401);
      expect((await fetch(`${server.base}/dashboard/assets/chart.js`)).status).toBe(401);
      expect((await fetch(`${server.base}/dashboard/assets/dashboard.js`)).status).toBe(401);
      // A forged session: right shape, wrong signature.
      const forged = `${Buffer.from(JSON.stringify({ subject: 'token', expiresAt: NOW + DAY_MS })).toString('base64url')}.${Buffer.alloc(32).toString('base64url')}`;
      expect((await fetch(`${server.base}/dashboard/api/summary`, { headers: { cookie: `riskgate_dashboard=${forged}` } })).status).toBe(401);
    });

    it('logs in with the token: a signed, HttpOnly, SameSite=Strict session cookie that opens the page and the API', async () => {
      const login = await fetch(`${server.base}/dashboard/login`, form(TOKEN));
      expect(login.status).toBe(303);
      expect(login.headers.get('location')).toBe('/dashboard');
      const setCookie = login.headers.get('set-cookie') ?? '';
      expect(setCookie).toMatch(/^riskgate_dashboard=[\w-]+\.[\w-]+; /);
      expect(setCookie).toMatch(/; HttpOnly/);
      expect(setCookie).toMatch(/; SameSite=Strict/);
      expect(setCookie).toMatch(/; Path=\/dashboard/);
      expect(setCookie).toMatch(/; Max-Age=43200/);
      expect(setCookie).not.toContain(TOKEN);
      const cookie = setCookie.split(';')[0] ?? '';

      const page = await fetch(`${server.base}/dashboard`, { headers: { cookie } });
      expect(page.status).toBe(200);
      const html = await page.text();
      expect(html.match(/<canvas /g)).toHaveLength(7);
      // Every script is a file: the CSP allows no inline one.
      expect(html.match(/<script\b[^>]*>/g)).toEqual(['<script src="/dashboard/assets/chart.js" defer>', '<script src="/dashboard/assets/dashboard.js" defer>']);
      const chart = await fetch(`${server.base}/dashboard/assets/chart.js`, { headers: { cookie } });
      expect(chart.status).toBe(200);
      expect(chart.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
      expect(await chart.text()).toMatch(/Chart\.js v4\.6\.1/);
      expect((await fetch(`${server.base}/dashboard/api/summary`, { headers: { cookie } })).status).toBe(200);

      const logout = await fetch(`${server.base}/dashboard/logout`, { method: 'POST', headers: { cookie }, redirect: 'manual' });
      expect(logout.status).toBe(303);
      expect(logout.headers.get('set-cookie')).toMatch(/^riskgate_dashboard=; Path=\/dashboard; HttpOnly; SameSite=Strict; Max-Age=0/);

      // The session is HMAC-signed with an expiry: 12 hours later the same cookie no longer opens anything.
      const later = await serve({ ...enabled(), now: () => NOW + 12 * 60 * 60 * 1000 + 1 });
      try {
        expect((await fetch(`${later.base}/dashboard/api/summary`, { headers: { cookie } })).status).toBe(401);
      } finally {
        await later.close();
      }
    });

    it('serves the summary to a bearer token, computed from the ledger and the runs', async () => {
      const response = await fetch(`${server.base}/dashboard/api/summary?days=30`, { headers: { authorization: `Bearer ${TOKEN}` } });
      expect(response.status).toBe(200);
      const summary = (await response.json()) as DashboardSummary;
      expect(summary.days).toBe(30);
      expect(summary.since).toBe('2025-12-17');
      expect(summary.totals.usd).toBeCloseTo(0.302, 10);
      expect(summary.totals.strongUsd).toBeCloseTo(0.438, 10);
      expect(summary.totals.savedVsStrongUsd).toBeCloseTo(0.136, 10);
      expect(summary.totals.cacheSavedUsd).toBeCloseTo(0.0125, 10);
      expect(summary.totals.calls).toBe(7);
      expect(summary.totals.runs).toBe(6);
      expect(summary.totals.savedVsStrongRatio).toBeCloseTo(0.136 / 0.438, 10);
      expect(summary.totals.cacheSavedRatio).toBeCloseTo(0.0125 / (0.302 + 0.0125), 10);
      expect(summary.totals.cacheHitRatio).toBeCloseTo(EXPECTED_HIT_RATIO, 10);

      expect(summary.daily).toHaveLength(30);
      expect(summary.daily.at(-1)?.day).toBe('2026-01-15');
      const day = (d: string) => summary.daily.find((entry) => entry.day === d);
      expect(day('2026-01-12')).toMatchObject({ calls: 2 });
      expect(day('2026-01-12')?.usd).toBeCloseTo(0.0965, 10);
      expect(day('2026-01-12')?.cacheHitRatio).toBeCloseTo(6000 / 16000, 10);
      expect(day('2026-01-13')?.savedUsd).toBeCloseTo(0.0125, 10);
      expect(day('2026-01-01')).toEqual({ day: '2026-01-01', usd: 0, strongUsd: 0, savedUsd: 0, calls: 0, cacheHitRatio: 0 });

      expect(summary.models.map((m) => [m.model, m.calls])).toEqual([
        [SONNET, 2],
        [HAIKU, 5],
      ]);
      expect(summary.models[0]?.usd).toBeCloseTo(0.234, 10);
      expect(summary.tiers).toEqual([
        { tier: 'minimal', runs: 2 },
        { tier: 'standard', runs: 2 },
        { tier: 'thorough', runs: 1 },
        { tier: 'full', runs: 1 },
      ]);
      expect(summary.findings).toEqual([
        { agent: 'review', blocker: 0, warning: 2, note: 3 },
        { agent: 'security', blocker: 3, warning: 1, note: 0 },
        { agent: 'tests', blocker: 0, warning: 1, note: 0 },
      ]);
      expect(summary.slowestRuns.map((r) => [r.repository, r.pullNumber, r.durationMs])).toEqual([
        ['acme/api', 12, 245_000],
        ['acme/api', 13, 180_000],
        ['acme/web', 7, 61_000],
        [HOSTILE_REPOSITORY, 1, 4_000],
        ['acme/web', 9, 2_000],
      ]);
      expect(summary.slowestRuns[0]).toMatchObject({ headSha: 'abc1234', tier: 'thorough', conclusion: 'failure', usd: 0.0965, startedAt: at(3), checksUrl: 'https://ghe.example.com/acme/api/pull/12/checks' });
      // The store's names are not trusted in a link: each path segment is encoded.
      expect(summary.slowestRuns[3]?.checksUrl).toBe('https://ghe.example.com/evil/%3Cimg%20src%3Dx%20onerror%3Dalert(1)%3E/pull/1/checks');

      // Is quality holding? By hand from RUNS in the window (the running one counts nowhere; the
      // errored one could not decide; the one recorded without quality has findings but no verdict).
      expect(summary.quality.totals).toEqual({
        pass: 1,
        fail: 2,
        undecided: 1,
        completed: 4,
        findings: { blocker: 3, warning: 4, note: 3 },
        agentFailures: 1,
        timeouts: 1,
        budgetStops: 1,
        checked: 5,
        rejected: 3,
      });
      expect(summary.quality.daily).toHaveLength(30);
      const quality = (d: string) => summary.quality.daily.find((entry) => entry.day === d);
      expect(quality('2026-01-12')).toMatchObject({ completed: 1, fail: 1, pass: 0, findings: { blocker: 1, warning: 2, note: 0 }, timeouts: 1 });
      expect(quality('2026-01-14')).toMatchObject({ completed: 2, fail: 1, pass: 0, undecided: 0, budgetStops: 1, agentFailures: 1 });
      expect(quality('2026-01-15')).toMatchObject({ completed: 0, undecided: 1 });
      expect(quality('2026-01-01')).toMatchObject({ completed: 0, pass: 0, fail: 0, undecided: 0 });

      // Busiest first; spend from the ledger.
      expect(summary.repositories.map((r) => [r.repository, r.runs, r.pass, r.fail, r.undecided, r.findings, r.slowestMs])).toEqual([
        ['acme/web', 3, 1, 0, 1, { blocker: 0, warning: 1, note: 3 }, 61_000],
        ['acme/api', 2, 0, 2, 0, { blocker: 3, warning: 3, note: 0 }, 245_000],
        [HOSTILE_REPOSITORY, 1, 0, 0, 0, { blocker: 0, warning: 0, note: 0 }, 4_000],
      ]);
      expect(summary.repositories[1]?.usd).toBeCloseTo(0.131, 10);
      expect(summary.repositories[1]?.savedVsStrongUsd).toBeCloseTo(0.094, 10);

      // Each cap in its current window, fullest first; projections linear (half of today, 14.5 of 31 days gone).
      expect(summary.budgets.caps.map((c) => [c.scope, c.name, c.window, c.limitUsd])).toEqual([
        ['repository', 'acme/api', 'day', 0.04],
        ['installation', '42', 'month', 1],
      ]);
      expect(summary.budgets.caps[0]?.spentUsd).toBeCloseTo(0.033, 10);
      expect(summary.budgets.caps[0]?.projectedUsd).toBeCloseTo(0.066, 10);
      expect(summary.budgets.caps[1]?.usedRatio).toBeCloseTo(0.302, 10);
      expect(summary.budgets.unmeasured).toEqual([{ scope: 'outside_author', window: 'day', limitUsd: 0.5 }]);
      expect(summary.budgets.monthToDateUsd).toBeCloseTo(0.302, 10);
      expect(summary.budgets.projectedMonthUsd).toBeCloseTo((0.302 * 31) / 14.5, 10);

      // The newest eval of each repository, whatever the window; a report of another shape is left out.
      expect(summary.evalReports.map((r) => [r.repository, r.at, r.seed, r.arms.map((a) => a.name)])).toEqual([
        ['acme/api', at(5), 2, ['routed', 'strong']],
        [HOSTILE_REPOSITORY, at(6), 3, ['fast']],
      ]);
      expect(summary.evalReports[0]!.arms[1]).toEqual({
        name: 'strong',
        commits: 31,
        sampled: 50,
        introducers: 25,
        recall: { k0: null, k3: 0.5, k10: 1 },
        randomRecallK3: 0.04,
        hitShare: 0.25,
        findingsPerCleanCommit: 1.4,
        cleanWithBlocker: 0.08,
        costUsd: 1.23,
        budgetLimited: true,
      });

      const week = (await (await fetch(`${server.base}/dashboard/api/summary?days=7`, { headers: { authorization: `Bearer ${TOKEN}` } })).json()) as DashboardSummary;
      expect(week.daily).toHaveLength(7);
      expect((await fetch(`${server.base}/dashboard/api/summary?days=0`, { headers: { authorization: `Bearer ${TOKEN}` } })).status).toBe(400);
      expect((await fetch(`${server.base}/dashboard/api/summary?days=abc`, { headers: { authorization: `Bearer ${TOKEN}` } })).status).toBe(400);
    });

    it('serves /metrics to the metrics token only', async () => {
      expect((await fetch(`${server.base}/metrics`)).status).toBe(401);
      // The dashboard token is not the metrics token.
      expect((await fetch(`${server.base}/metrics`, { headers: { authorization: `Bearer ${TOKEN}` } })).status).toBe(401);
      const scraped = await fetch(`${server.base}/metrics`, { headers: { authorization: `Bearer ${METRICS_TOKEN}` } });
      expect(scraped.status).toBe(200);
      const text = await scraped.text();
      expect(text).toMatch(/^riskgate_model_calls_total\{model="claude-haiku-4-5",outcome="cached"\} 1$/m);
      expect(text).toMatch(/^riskgate_cache_saved_usd_total 0\.0125$/m);
    });
  });

  describe('against guessing and other sites', () => {
    it('refuses a client after 10 failed guesses for 5 minutes, the right token included; others are not affected', async () => {
      let clock = NOW;
      const server = await serve({ ...enabled(), metricsToken: readTokenSetting('METRICS_TOKEN', METRICS_TOKEN), now: () => clock });
      try {
        const statuses: number[] = [];
        for (let i = 0; i < 30; i++) statuses.push((await fetch(`${server.base}/dashboard/login`, form(`guess-${i}-${TOKEN}`))).status);
        expect(statuses.slice(0, 10)).toEqual(Array.from({ length: 10 }, () => 401));
        expect(new Set(statuses.slice(10))).toEqual(new Set([429]));
        const refused = await fetch(`${server.base}/dashboard/login`, form(TOKEN));
        expect(refused.status).toBe(429);
        expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
        expect(refused.headers.get('set-cookie')).toBeNull();
        // Bearer guesses count for the same client, on the API and on /metrics; a client-written
        // X-Forwarded-For changes nothing when no proxy is trusted.
        const api = await fetch(`${server.base}/dashboard/api/summary`, { headers: { authorization: `Bearer ${TOKEN}`, 'x-forwarded-for': '203.0.113.9' } });
        expect(api.status).toBe(429);
        expect((await fetch(`${server.base}/metrics`, { headers: { authorization: `Bearer ${METRICS_TOKEN}` } })).status).toBe(429);
        // Five minutes later the client may try again.
        clock += 5 * 60 * 1000;
        const login = await fetch(`${server.base}/dashboard/login`, form(TOKEN));
        expect(login.status).toBe(303);
      } finally {
        await server.close();
      }
    });

    it('reads how many proxies to trust from DASHBOARD_TRUSTED_PROXY_HOPS, and trusts none on a bad value', () => {
      expect(dashboardSettingsFromEnv({ DASHBOARD_TRUSTED_PROXY_HOPS: '1' })).toMatchObject({ trustedProxyHops: 1, warnings: [] });
      expect(dashboardSettingsFromEnv({})).toMatchObject({ trustedProxyHops: 0, warnings: [] });
      const bad = dashboardSettingsFromEnv({ DASHBOARD_TRUSTED_PROXY_HOPS: 'yes' });
      expect(bad.trustedProxyHops).toBe(0);
      expect(bad.warnings).toEqual([expect.stringMatching(/^DASHBOARD_TRUSTED_PROXY_HOPS must be the number of reverse proxies/)]);
    });

    it('behind a trusted proxy, counts each client by its forwarded address', async () => {
      const server = await serve({ ...enabled(), trustedProxyHops: 1 });
      try {
        const guess = (client: string) => fetch(`${server.base}/dashboard/api/summary`, { headers: { authorization: 'Bearer wrong-token-wrong-token-123', 'x-forwarded-for': `198.51.100.77, ${client}` } });
        for (let i = 0; i < 10; i++) expect((await guess('192.0.2.1')).status).toBe(401);
        expect((await guess('192.0.2.1')).status).toBe(429);
        // The spoofed left-hand entry is not what counts: another client, the same spoof, is heard.
        expect((await guess('192.0.2.2')).status).toBe(401);
        // IPv6 clients count by their /64.
        for (let i = 0; i < 10; i++) expect((await guess(`2001:db8:1:2::${i + 1}`)).status).toBe(401);
        expect((await guess('2001:db8:1:2:ffff::1')).status).toBe(429);
      } finally {
        await server.close();
      }
    });

    it('refuses a login or logout from another origin, and accepts its own', async () => {
      const server = await serve(enabled());
      try {
        const host = new URL(server.base).host;
        const post = (path: string, headers: Record<string, string>, token = TOKEN) =>
          fetch(`${server.base}${path}`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers }, body: new URLSearchParams({ token }).toString(), redirect: 'manual' });
        const foreign: Array<Record<string, string>> = [{ origin: 'https://evil.example' }, { origin: 'null' }, { 'sec-fetch-site': 'cross-site' }, { 'sec-fetch-site': 'same-site', origin: `http://${host}` }, { origin: `http://${host}.evil.example` }];
        for (const headers of foreign) {
          const logout = await post('/dashboard/logout', headers);
          expect(logout.status, JSON.stringify(headers)).toBe(403);
          expect(logout.headers.get('set-cookie')).toBeNull();
          const login = await post('/dashboard/login', headers);
          expect(login.status, JSON.stringify(headers)).toBe(403);
          expect(login.headers.get('set-cookie')).toBeNull();
        }
        expect((await post('/dashboard/logout', { origin: `http://${host}`, 'sec-fetch-site': 'same-origin' })).status).toBe(303);
        expect((await post('/dashboard/login', { origin: `http://${host}`, 'sec-fetch-site': 'same-origin' })).status).toBe(303);
        // A proxy that rewrites Host says which host the browser saw.
        expect((await post('/dashboard/logout', { origin: 'https://riskgate.example.com', 'x-forwarded-host': 'riskgate.example.com' })).status).toBe(303);
      } finally {
        await server.close();
      }
    });
  });

  describe('in a browser', () => {
    let server: Running;
    let browser: Browser;

    beforeAll(async () => {
      server = await serve(enabled());
      await waitForFile(CHROMIUM, 300_000);
      browser = await chromium.launch({
        executablePath: CHROMIUM,
        args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
      });
    }, 330_000);

    afterAll(async () => {
      await browser?.close();
      await server?.close();
    });

    it('logs in through the form and draws the seeded spend, the quality panel, the budgets, seven charts and the tables', async () => {
      const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
      const consoleErrors: string[] = [];
      const dialogs: string[] = [];
      page.on('console', (message) => {
        if (message.type() === 'error' || message.type() === 'warning') consoleErrors.push(message.text());
      });
      page.on('pageerror', (error) => consoleErrors.push(error.message));
      page.on('dialog', (dialog) => {
        dialogs.push(dialog.message());
        void dialog.dismiss();
      });
      // Test-side code in the page, as text: this project compiles without the DOM's types.
      await page.addInitScript({
        content: "window.cspViolations = []; document.addEventListener('securitypolicyviolation', (e) => window.cspViolations.push(e.violatedDirective + ' ' + e.blockedURI));",
      });

      await page.goto(`${server.base}/dashboard`);
      await page.fill('#token', TOKEN);
      await Promise.all([page.waitForURL(`${server.base}/dashboard`), page.click('button[type=submit]')]);
      await page.waitForSelector('body[data-ready]', { timeout: 15_000 });
      expect(await page.getAttribute('body', 'data-ready')).toBe('true');

      expect(await page.textContent('#total-spend')).toBe(EXPECTED_SPEND);
      expect(await page.textContent('#total-saved-vs-strong')).toBe(EXPECTED_SAVED_VS_STRONG);
      expect(await page.textContent('#total-strong')).toBe(EXPECTED_STRONG);
      expect(await page.textContent('#total-cache-saved')).toBe(EXPECTED_CACHE_SAVED);
      expect(await page.textContent('#total-runs')).toBe('6');
      expect(await page.textContent('#total-saved-vs-strong-detail')).toBe('31.1% of all-strong');
      expect(await page.textContent('#total-cache-saved-detail')).toBe('4% of what it would have cost');
      expect(await page.textContent('#total-projected-month')).toBe('$0.65');
      expect(await page.textContent('#total-projected-month-detail')).toBe('$0.30 so far');

      // Is quality holding? The same figures as the summary, in words.
      expect(await page.textContent('#quality-verdicts')).toBe('1 pass · 2 fail · 1 could not decide');
      expect(await page.textContent('#quality-findings-per-run')).toBe('0.75 blocker · 1.00 warning · 0.75 note');
      expect(await page.textContent('#quality-agent-failures')).toBe('1');
      expect(await page.textContent('#quality-timeouts')).toBe('1');
      expect(await page.textContent('#quality-budget-stops')).toBe('1 run');
      expect(await page.textContent('#quality-rejection-rate')).toBe('60% of 5');

      // The cards and the quality panel (its figures and charts) are above the fold at 1280x900.
      for (const selector of ['.figures', '#quality']) {
        const box = await page.locator(selector).boundingBox();
        expect(box, selector).not.toBeNull();
        expect(box!.y + box!.height, selector).toBeLessThanOrEqual(900);
      }
      expect(await page.evaluate('window.scrollY')).toBe(0);

      const budgets = await page.$$eval('#budget-caps tbody tr', (trs) => trs.map((tr) => [...tr.querySelectorAll('td')].map((td) => td.textContent)));
      expect(budgets).toEqual([
        ['repository · daily', 'acme/api', '$0.04', '$0.03', '$0.007', '82.5%', '$0.07'],
        ['installation · monthly', 'installation 42', '$1.00', '$0.30', '$0.70', '30.2%', '$0.65'],
      ]);
      expect(await page.getAttribute('#budget-caps tbody tr:first-child td:nth-child(6)', 'class')).toBe('number near');
      expect(await page.textContent('#budget-unmeasured')).toMatch(/^Each author without write access: \$0\.50 a day/);

      const repositories = await page.$$eval('#repositories tbody tr', (trs) => trs.map((tr) => [...tr.querySelectorAll('td')].map((td) => td.textContent)));
      expect(repositories).toEqual([
        ['acme/web', '3', '$0.02', '$0.04', '0', '1', '3', '1', '0', '1', '61.0 s'],
        ['acme/api', '2', '$0.13', '$0.09', '3', '3', '0', '0', '2', '0', '245.0 s'],
        [HOSTILE_REPOSITORY, '1', '$0.15', '$0', '0', '0', '0', '0', '0', '0', '4.0 s'],
      ]);
      expect(await page.textContent('#total-calls')).toBe('7');
      expect(await page.textContent('#total-cache-hit-ratio')).toBe('42.9%');

      // Five canvases, each with pixels drawn on it.
      const drawn = await page.$$eval('canvas', (canvases) =>
        canvases.map((canvas) => {
          const context = canvas.getContext('2d');
          if (!context || canvas.width === 0 || canvas.height === 0) return 0;
          const pixels = context.getImageData(0, 0, canvas.width, canvas.height).data;
          let painted = 0;
          for (let i = 3; i < pixels.length; i += 4) if ((pixels[i] ?? 0) > 0) painted++;
          return painted;
        }),
      );
      expect(drawn).toHaveLength(7);
      for (const painted of drawn) expect(painted).toBeGreaterThan(500);

      const rows = await page.$$eval('#slowest-runs tbody tr', (trs) => trs.map((tr) => [...tr.querySelectorAll('td')].map((td) => td.textContent)));
      expect(rows).toHaveLength(5);
      expect(rows[0]).toEqual(['acme/api', '#12', '2026-01-12 12:00', 'abc1234', 'thorough', '245.0 s', '$0.10', 'failure']);
      // Each run links to its pull request's checks.
      expect(await page.getAttribute('#slowest-runs tbody tr:first-child a', 'href')).toBe('https://ghe.example.com/acme/api/pull/12/checks');
      // The hostile repository name is text, not markup.
      expect(rows[3]?.[0]).toBe(HOSTILE_REPOSITORY);
      expect(await page.$$('#slowest-runs img')).toHaveLength(0);
      expect(await page.$$('#repositories img')).toHaveLength(0);

      // The latest findings eval of each repository, one row per arm.
      expect(await page.isVisible('#evals')).toBe(true);
      const evals = await page.$$eval('#eval-reports tbody tr', (trs) => trs.map((tr) => [...tr.querySelectorAll('td')].map((td) => td.textContent)));
      expect(evals).toEqual([
        ['acme/api', '2026-01-10', 'routed', '50/50', '12%', '20%', '28%', '4%', '25%', '1.40', '8%', '$1.23', 'no'],
        ['acme/api', '2026-01-10', 'strong', '31/50', '-', '50%', '100%', '4%', '25%', '1.40', '8%', '$1.23', 'yes'],
        [HOSTILE_REPOSITORY, '2026-01-09', 'fast', '50/50', '12%', '20%', '28%', '4%', '25%', '1.40', '8%', '$1.23', 'no'],
      ]);
      expect(await page.$$('#eval-reports img')).toHaveLength(0);
      expect(dialogs).toEqual([]);

      expect(await page.evaluate('window.cspViolations')).toEqual([]);
      expect(consoleErrors).toEqual([]);

      mkdirSync('test-artifacts', { recursive: true });
      await page.screenshot({ path: SCREENSHOT, fullPage: true });
      await page.close();
    }, 60_000);

    it('leaves the findings evaluations out while no eval is recorded', async () => {
      const emptyDirectory = mkdtempSync(join(tmpdir(), 'riskgate-dashboard-empty-'));
      const empty = new SqliteStore(join(emptyDirectory, 'riskgate.db'));
      const bare = await serve({ ...enabled(), source: empty });
      const page = await browser.newPage();
      try {
        await page.goto(`${bare.base}/dashboard`);
        await page.fill('#token', TOKEN);
        await Promise.all([page.waitForURL(`${bare.base}/dashboard`), page.click('button[type=submit]')]);
        await page.waitForSelector('body[data-ready]', { timeout: 15_000 });
        expect(await page.getAttribute('body', 'data-ready')).toBe('true');
        expect(await page.isVisible('#slowest-runs')).toBe(true);
        expect(await page.isVisible('#evals')).toBe(false);
      } finally {
        await page.close();
        await bare.close();
        await empty.close();
        rmSync(emptyDirectory, { recursive: true, force: true });
      }
    }, 60_000);
  });
});
