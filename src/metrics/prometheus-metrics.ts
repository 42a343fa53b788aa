import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { BudgetScope } from '../budget/budget-cap.js';
import type { JobData, JobState } from '../queue/job-queue.js';
import { JOB_STATES } from '../queue/job-queue.js';
import type { CallRecord } from '../store/ledger.js';
import type { Usage } from '../model/model-port.js';
import type { Tier } from '../plan/tier.js';
import type { Metrics } from './metrics.js';

const PREFIX = 'riskgate_';
const MS_PER_SECOND = 1000;

// Queue latency: an idle queue starts a job within milliseconds; a backed-up one makes it wait minutes.
const JOB_WAIT_BUCKETS_SECONDS = [0.005, 0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600];
// A minimal gate takes about a second; a full one with escalation several minutes.
const GATE_DURATION_BUCKETS_SECONDS = [1, 2, 5, 10, 20, 30, 60, 90, 120, 180, 300, 450, 600];

/** The token kinds of the `kind` label, in the order `Usage` bills them. */
const TOKEN_KINDS = {
  input: 'inputTokens',
  output: 'outputTokens',
  cache_write_5m: 'cacheWrite5mTokens',
  cache_write_1h: 'cacheWrite1hTokens',
  cache_read: 'cacheReadTokens',
} as const satisfies Record<string, keyof Usage>;
type TokenKind = keyof typeof TOKEN_KINDS;

// Every token the model read as prompt: the hit ratio's denominator (output tokens are not prompt).
const PROMPT_TOKEN_KINDS: ReadonlySet<string> = new Set<TokenKind>(['input', 'cache_write_5m', 'cache_write_1h', 'cache_read']);

export type JobCounts = () => Promise<Record<JobState, number>>;

/** Per budget scope and window, the fullest cap's spent / limit (budget-status.ts's highestRatios). */
export type BudgetRatios = () => Promise<ReadonlyArray<{ scope: string; period: string; ratio: number }>>;

/** The App's metrics on a registry of their own (tests and several Apps in one process never collide). */
export class PrometheusMetrics implements Metrics {
  readonly registry = new Registry();
  private readonly webhooks: Counter<'event' | 'outcome'>;
  private readonly jobWait: Histogram<'kind'>;
  private readonly jobsFinished: Counter<'kind' | 'state'>;
  private readonly gateDuration: Histogram<'tier'>;
  private readonly gates: Counter<'tier' | 'conclusion'>;
  private readonly modelCalls: Counter<'model' | 'outcome'>;
  private readonly modelTokens: Counter<'model' | 'kind'>;
  private readonly modelCost: Counter<'model'>;
  private readonly cacheSaved: Counter;
  private readonly budgetRefusals: Counter<'scope' | 'degraded_to'>;

  constructor(jobCounts: JobCounts, budgetRatios?: BudgetRatios) {
    const registers = [this.registry];
    collectDefaultMetrics({ register: this.registry, prefix: PREFIX });
    this.webhooks = new Counter({ name: `${PREFIX}webhooks_total`, help: 'Webhook deliveries by event and what became of them.', labelNames: ['event', 'outcome'], registers });
    new Gauge({
      name: `${PREFIX}jobs`,
      help: 'Jobs in the queue by state, read from the queue at scrape time.',
      labelNames: ['state'],
      registers,
      // Asked at scrape time, so the gauge is the queue's truth rather than a count this process kept.
      async collect() {
        const counts = await jobCounts();
        for (const state of JOB_STATES) this.set({ state }, counts[state]);
      },
    });
    this.jobWait = new Histogram({ name: `${PREFIX}job_wait_seconds`, help: 'Time a job waited in the queue before a worker started it.', labelNames: ['kind'], buckets: JOB_WAIT_BUCKETS_SECONDS, registers });
    this.jobsFinished = new Counter({ name: `${PREFIX}jobs_finished_total`, help: 'Jobs that ended, by kind and final state.', labelNames: ['kind', 'state'], registers });
    this.gateDuration = new Histogram({ name: `${PREFIX}gate_duration_seconds`, help: 'Wall time of a gate run.', labelNames: ['tier'], buckets: GATE_DURATION_BUCKETS_SECONDS, registers });
    this.gates = new Counter({ name: `${PREFIX}gates_total`, help: 'Gate runs by tier and check conclusion.', labelNames: ['tier', 'conclusion'], registers });
    this.modelCalls = new Counter({ name: `${PREFIX}model_calls_total`, help: 'Model calls (and result-cache hits) by model and outcome.', labelNames: ['model', 'outcome'], registers });
    this.modelTokens = new Counter({ name: `${PREFIX}model_tokens_total`, help: 'Tokens billed by model and kind.', labelNames: ['model', 'kind'], registers });
    this.modelCost = new Counter({ name: `${PREFIX}model_cost_usd_total`, help: 'Dollars spent on model calls, by model.', labelNames: ['model'], registers });
    this.cacheSaved = new Counter({ name: `${PREFIX}cache_saved_usd_total`, help: 'Dollars the result cache saved: what cached answers cost when they were made.', registers });
    const tokens = this.modelTokens;
    new Gauge({
      name: `${PREFIX}prompt_cache_hit_ratio`,
      help: 'Prompt tokens read from the prompt cache over all prompt tokens, since the process started.',
      registers,
      // Derived from the token counter itself, so the ratio can never disagree with the tokens it summarises.
      async collect() {
        let read = 0;
        let prompt = 0;
        for (const { labels, value } of (await tokens.get()).values) {
          const kind = String(labels.kind);
          if (!PROMPT_TOKEN_KINDS.has(kind)) continue;
          prompt += value;
          if (kind === 'cache_read') read += value;
        }
        this.set(prompt > 0 ? read / prompt : 0);
      },
    });
    if (budgetRatios) {
      new Gauge({
        name: `${PREFIX}budget_used_ratio`,
        help: 'Spent over limit of the fullest configured budget cap per scope (installation, repository) and period (day, month), read from the ledger at scrape time.',
        labelNames: ['scope', 'period'],
        registers,
        async collect() {
          // Reset first: a cap removed from the configuration or a new window leaves no stale series.
          this.reset();
          for (const { scope, period, ratio } of await budgetRatios()) this.set({ scope, period }, ratio);
        },
      });
    }
    this.budgetRefusals = new Counter({ name: `${PREFIX}budget_refusals_total`, help: 'Gates a budget cap refused or degraded, by scope and the tier they fell to.', labelNames: ['scope', 'degraded_to'], registers });
  }

  get contentType(): string {
    return this.registry.contentType;
  }

  metrics(): Promise<string> {
    return this.registry.metrics();
  }

  webhookReceived(event: string, outcome: 'queued' | 'duplicate' | 'ignored'): void {
    this.webhooks.inc({ event, outcome });
  }

  jobStarted(kind: JobData['kind'], waitedMs: number): void {
    this.jobWait.observe({ kind }, Math.max(0, waitedMs) / MS_PER_SECOND);
  }

  jobFinished(kind: JobData['kind'], state: Exclude<JobState, 'queued' | 'running'>): void {
    this.jobsFinished.inc({ kind, state });
  }

  gateFinished(tier: Tier, conclusion: string, durationMs: number): void {
    this.gateDuration.observe({ tier }, Math.max(0, durationMs) / MS_PER_SECOND);
    this.gates.inc({ tier, conclusion });
  }

  modelCall(call: CallRecord): void {
    const { model } = call;
    this.modelCalls.inc({ model, outcome: call.outcome });
    // Zeros are added too: every series exists from a model's first call, so rate() sees it start.
    // Counters throw on negative increments; clamping keeps one bad record from failing the call path.
    for (const [kind, field] of Object.entries(TOKEN_KINDS)) this.modelTokens.inc({ model, kind }, Math.max(0, call.usage[field]));
    this.modelCost.inc({ model }, Math.max(0, call.usd));
    this.cacheSaved.inc(Math.max(0, call.savedUsd));
  }

  budgetRefused(scope: BudgetScope['kind'], degradedTo: Tier | 'none'): void {
    this.budgetRefusals.inc({ scope, degraded_to: degradedTo });
  }
}
