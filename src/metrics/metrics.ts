import type { BudgetScope } from '../budget/budget-cap.js';
import type { JobData, JobState } from '../queue/job-queue.js';
import type { CallRecord } from '../store/ledger.js';
import type { Tier } from '../plan/tier.js';

/** What the App tells its metrics; the prom-client implementation serves them at /metrics. */
export interface Metrics {
  webhookReceived(event: string, outcome: 'queued' | 'duplicate' | 'ignored'): void;
  /** A job began: how long it waited since it was queued. */
  jobStarted(kind: JobData['kind'], waitedMs: number): void;
  jobFinished(kind: JobData['kind'], state: Exclude<JobState, 'queued' | 'running'>): void;
  gateFinished(tier: Tier, conclusion: string, durationMs: number): void;
  /** Every ledger entry: calls by model and outcome, tokens by kind, dollars, the cache hit ratio. */
  modelCall(call: CallRecord): void;
  budgetRefused(scope: BudgetScope['kind'], degradedTo: Tier | 'none'): void;
}

/** For the CLI and the Action, which serve no metrics. */
export const NO_METRICS: Metrics = {
  webhookReceived: () => undefined,
  jobStarted: () => undefined,
  jobFinished: () => undefined,
  gateFinished: () => undefined,
  modelCall: () => undefined,
  budgetRefused: () => undefined,
};
