import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { budgetRatiosOf } from '../../src/budget/budget-status.js';
import { SqliteStore } from '../../src/store/sqlite/sqlite-store.js';
import type { JobState } from '../../src/queue/job-queue.js';
import { PrometheusMetrics } from '../../src/metrics/prometheus-metrics.js';
import type { CallRecord } from '../../src/store/ledger.js';

const NO_JOBS: Record<JobState, number> = { queued: 0, running: 0, completed: 0, failed: 0, superseded: 0 };

/** The exposition text as `name{label="value",...}` → value, labels sorted so lookups don't depend on order. */
function parseExposition(text: string): Map<string, number> {
  const series = new Map<string, number>();
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    const match = /^([a-zA-Z_:][\w:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!match) throw new Error(`unparsable exposition line: ${line}`);
    const [, name, labels = '', value = ''] = match;
    const sorted = labels === '' ? [] : labels.split(/,(?=[a-zA-Z_]\w*=")/).sort();
    series.set(`${name}{${sorted.join(',')}}`, Number(value));
  }
  return series;
}

function call(overrides: Partial<CallRecord>): CallRecord {
  return {
    installationId: 1,
    repository: 'acme/api',
    pullNumber: 7,
    headSha: 'a'.repeat(40),
    author: 'dev',
    at: 0,
    tier: 'standard',
    agent: 'review',
    model: 'claude-haiku',
    outcome: 'ok',
    usage: { inputTokens: 0, outputTokens: 0, cacheWrite5mTokens: 0, cacheWrite1hTokens: 0, cacheReadTokens: 0 },
    usd: 0,
    strongUsd: 0,
    savedUsd: 0,
    latencyMs: 100,
    ...overrides,
  };
}

async function scrape(metrics: PrometheusMetrics): Promise<Map<string, number>> {
  return parseExposition(await metrics.metrics());
}

describe('PrometheusMetrics', () => {
  it('counts webhooks, finished jobs, gates and budget refusals by their labels', async () => {
    const metrics = new PrometheusMetrics(async () => NO_JOBS);
    metrics.webhookReceived('pull_request', 'queued');
    metrics.webhookReceived('pull_request', 'queued');
    metrics.webhookReceived('pull_request', 'duplicate');
    metrics.webhookReceived('issue_comment', 'ignored');
    metrics.jobFinished('gate', 'completed');
    metrics.jobFinished('gate', 'superseded');
    metrics.jobFinished('command', 'failed');
    metrics.gateFinished('thorough', 'failure', 45_000);
    metrics.gateFinished('thorough', 'success', 12_000);
    metrics.gateFinished('minimal', 'success', 800);
    metrics.budgetRefused('author', 'minimal');
    metrics.budgetRefused('installation', 'none');

    const series = await scrape(metrics);
    expect(series.get('riskgate_webhooks_total{event="pull_request",outcome="queued"}')).toBe(2);
    expect(series.get('riskgate_webhooks_total{event="pull_request",outcome="duplicate"}')).toBe(1);
    expect(series.get('riskgate_webhooks_total{event="issue_comment",outcome="ignored"}')).toBe(1);
    expect(series.get('riskgate_jobs_finished_total{kind="gate",state="completed"}')).toBe(1);
    expect(series.get('riskgate_jobs_finished_total{kind="gate",state="superseded"}')).toBe(1);
    expect(series.get('riskgate_jobs_finished_total{kind="command",state="failed"}')).toBe(1);
    expect(series.get('riskgate_gates_total{conclusion="failure",tier="thorough"}')).toBe(1);
    expect(series.get('riskgate_gates_total{conclusion="success",tier="minimal"}')).toBe(1);
    expect(series.get('riskgate_gate_duration_seconds_count{tier="thorough"}')).toBe(2);
    expect(series.get('riskgate_gate_duration_seconds_sum{tier="thorough"}')).toBeCloseTo(57);
    // 45 s falls in the 60 s bucket but not the 30 s one; 12 s in the 20 s one.
    expect(series.get('riskgate_gate_duration_seconds_bucket{le="30",tier="thorough"}')).toBe(1);
    expect(series.get('riskgate_gate_duration_seconds_bucket{le="60",tier="thorough"}')).toBe(2);
    expect(series.get('riskgate_gate_duration_seconds_bucket{le="1",tier="minimal"}')).toBe(1);
    expect(series.get('riskgate_budget_refusals_total{degraded_to="minimal",scope="author"}')).toBe(1);
    expect(series.get('riskgate_budget_refusals_total{degraded_to="none",scope="installation"}')).toBe(1);
  });

  it('observes queue latency in seconds, with buckets from milliseconds to minutes', async () => {
    const metrics = new PrometheusMetrics(async () => NO_JOBS);
    metrics.jobStarted('gate', 3);
    metrics.jobStarted('gate', 90_000);
    const series = await scrape(metrics);
    expect(series.get('riskgate_job_wait_seconds_count{kind="gate"}')).toBe(2);
    expect(series.get('riskgate_job_wait_seconds_sum{kind="gate"}')).toBeCloseTo(90.003);
    expect(series.get('riskgate_job_wait_seconds_bucket{kind="gate",le="0.005"}')).toBe(1);
    expect(series.get('riskgate_job_wait_seconds_bucket{kind="gate",le="60"}')).toBe(1);
    expect(series.get('riskgate_job_wait_seconds_bucket{kind="gate",le="120"}')).toBe(2);
  });

  it('sums calls, tokens by kind, dollars and savings per model, and derives the prompt cache hit ratio', async () => {
    const metrics = new PrometheusMetrics(async () => NO_JOBS);
    expect((await scrape(metrics)).get('riskgate_prompt_cache_hit_ratio{}')).toBe(0);

    metrics.modelCall(call({ model: 'claude-haiku', usage: { inputTokens: 1000, outputTokens: 200, cacheWrite5mTokens: 3000, cacheWrite1hTokens: 0, cacheReadTokens: 0 }, usd: 0.01 }));
    metrics.modelCall(call({ model: 'claude-haiku', usage: { inputTokens: 500, outputTokens: 100, cacheWrite5mTokens: 0, cacheWrite1hTokens: 500, cacheReadTokens: 3000 }, usd: 0.002 }));
    metrics.modelCall(call({ model: 'claude-sonnet', usage: { inputTokens: 2000, outputTokens: 400, cacheWrite5mTokens: 0, cacheWrite1hTokens: 0, cacheReadTokens: 0 }, usd: 0.05 }));
    metrics.modelCall(call({ model: 'claude-sonnet', outcome: 'cached', savedUsd: 0.05 }));
    metrics.modelCall(call({ model: 'claude-sonnet', outcome: 'timed_out' }));

    const series = await scrape(metrics);
    expect(series.get('riskgate_model_calls_total{model="claude-haiku",outcome="ok"}')).toBe(2);
    expect(series.get('riskgate_model_calls_total{model="claude-sonnet",outcome="ok"}')).toBe(1);
    expect(series.get('riskgate_model_calls_total{model="claude-sonnet",outcome="cached"}')).toBe(1);
    expect(series.get('riskgate_model_calls_total{model="claude-sonnet",outcome="timed_out"}')).toBe(1);
    expect(series.get('riskgate_model_tokens_total{kind="input",model="claude-haiku"}')).toBe(1500);
    expect(series.get('riskgate_model_tokens_total{kind="output",model="claude-haiku"}')).toBe(300);
    expect(series.get('riskgate_model_tokens_total{kind="cache_write_5m",model="claude-haiku"}')).toBe(3000);
    expect(series.get('riskgate_model_tokens_total{kind="cache_write_1h",model="claude-haiku"}')).toBe(500);
    expect(series.get('riskgate_model_tokens_total{kind="cache_read",model="claude-haiku"}')).toBe(3000);
    expect(series.get('riskgate_model_tokens_total{kind="input",model="claude-sonnet"}')).toBe(2000);
    expect(series.get('riskgate_model_cost_usd_total{model="claude-haiku"}')).toBeCloseTo(0.012);
    expect(series.get('riskgate_model_cost_usd_total{model="claude-sonnet"}')).toBeCloseTo(0.05);
    expect(series.get('riskgate_cache_saved_usd_total{}')).toBeCloseTo(0.05);
    // Prompt tokens: 1000 + 3000 + 500 + 500 + 3000 + 2000 = 10000, of which 3000 read from the cache.
    expect(series.get('riskgate_prompt_cache_hit_ratio{}')).toBeCloseTo(0.3);
  });

  it('reads the jobs gauge from the queue at each scrape', async () => {
    let counts: Record<JobState, number> = { queued: 3, running: 2, completed: 40, failed: 1, superseded: 5 };
    const metrics = new PrometheusMetrics(async () => counts);
    let series = await scrape(metrics);
    expect(series.get('riskgate_jobs{state="queued"}')).toBe(3);
    expect(series.get('riskgate_jobs{state="running"}')).toBe(2);
    expect(series.get('riskgate_jobs{state="completed"}')).toBe(40);
    expect(series.get('riskgate_jobs{state="failed"}')).toBe(1);
    expect(series.get('riskgate_jobs{state="superseded"}')).toBe(5);

    counts = { ...counts, queued: 0, running: 1 };
    series = await scrape(metrics);
    expect(series.get('riskgate_jobs{state="queued"}')).toBe(0);
    expect(series.get('riskgate_jobs{state="running"}')).toBe(1);
  });

  it('exposes default process metrics under the prefix, on a registry of its own', async () => {
    const first = new PrometheusMetrics(async () => NO_JOBS);
    // A second instance would throw on duplicate names if both used the global registry.
    const second = new PrometheusMetrics(async () => NO_JOBS);
    first.webhookReceived('ping', 'ignored');
    const text = await first.metrics();
    expect(text).toMatch(/^riskgate_process_cpu_user_seconds_total \d/m);
    expect(text).toMatch(/^riskgate_nodejs_heap_size_used_bytes \d/m);
    expect(first.contentType).toMatch(/^text\/plain; version=0\.0\.4/);
    expect((await scrape(second)).has('riskgate_webhooks_total{event="ping",outcome="ignored"}')).toBe(false);
  });

  it('exports riskgate_budget_used_ratio{scope,period} from the ledger at each scrape: the fullest cap of each scope', async () => {
    const directory = await mkdtemp(join(tmpdir(), 'riskgate-metrics-budget-'));
    const store = SqliteStore.inDataDirectory(directory);
    try {
      const now = Date.UTC(2026, 0, 15, 12);
      let clock = now;
      const metrics = new PrometheusMetrics(async () => NO_JOBS, budgetRatiosOf({ installation: { month: 100 }, repository: { day: 10 }, outsideAuthor: { day: 1 } }, store, () => clock));
      const before = await scrape(metrics);
      expect(before.get('riskgate_budget_used_ratio{period="month",scope="installation"}')).toBe(0);
      expect(before.get('riskgate_budget_used_ratio{period="day",scope="repository"}')).toBe(0);
      await store.recordCall(call({ repository: 'acme/api', at: now - 1000, usd: 7.5 }));
      await store.recordCall(call({ repository: 'acme/web', at: now - 1000, usd: 2 }));
      // Read again after 30 s: scrapes in between reuse the last sums.
      expect((await scrape(metrics)).get('riskgate_budget_used_ratio{period="day",scope="repository"}')).toBe(0);
      clock = now + 30_000;
      const series = await scrape(metrics);
      expect(series.get('riskgate_budget_used_ratio{period="day",scope="repository"}')).toBe(0.75);
      expect(series.get('riskgate_budget_used_ratio{period="month",scope="installation"}')).toBeCloseTo(0.095, 10);
      // The author cap cannot be measured from the ledger: no series rather than a wrong one.
      expect([...series.keys()].filter((k) => k.startsWith('riskgate_budget_used_ratio'))).toHaveLength(2);
      // A new day starts from nothing.
      clock = now + 24 * 60 * 60 * 1000;
      expect((await scrape(metrics)).get('riskgate_budget_used_ratio{period="day",scope="repository"}')).toBe(0);
      // Without budgets the gauge is not there at all.
      expect([...(await scrape(new PrometheusMetrics(async () => NO_JOBS))).keys()].some((k) => k.startsWith('riskgate_budget_used_ratio'))).toBe(false);
    } finally {
      await store.close();
      await rm(directory, { recursive: true, force: true });
    }
  });
});
