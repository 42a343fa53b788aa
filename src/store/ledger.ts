import type { Usage } from '../model/model-port.js';
import type { Tier } from '../plan/tier.js';

// `cached`: answered from the result cache, no call and no cost (savedUsd says what it saved).
// `cancelled`: sent and never answered (superseded, shut down, or the process died): the API may
// have billed its prompt, so it is kept with the prompt tokens sent.
export const CALL_OUTCOMES = ['ok', 'failed', 'timed_out', 'cached', 'cancelled'] as const;
export type CallOutcome = (typeof CALL_OUTCOMES)[number];

/** Where a run's calls come from: the same for every call of one gate run. */
export interface RunIdentity {
  /** 0 for the CLI on a local repository. */
  installationId: number;
  /** owner/name, or the local directory's name for the CLI. */
  repository: string;
  /** 0 for a local range. */
  pullNumber: number;
  headSha: string;
  /** The PR's author (the CLI: the git user). */
  author: string;
}

/** One model call (or cache hit) as the spend ledger keeps it. */
export interface CallRecord extends RunIdentity {
  /**
   * One call from sending to its end: recorded `cancelled` with its prompt tokens when it is sent,
   * then replaced by its outcome (or forgotten, if it billed nothing). A call whose process dies
   * in between stays on record as cancelled.
   */
  callId?: string;
  /** Epoch milliseconds. */
  at: number;
  tier: Tier;
  /** An agent name, or `verify` for the strong model's verification of the findings. */
  agent: string;
  /** The config's name of the model that answered (`provider/model`, or a bare Anthropic id). */
  model: string;
  /** The provider that answered; absent = the model name's provider (`anthropic` for a bare id). */
  provider?: string;
  /** A self-hosted model: billed nothing, and reports say "local" instead of dollars. */
  local?: boolean;
  outcome: CallOutcome;
  usage: Usage;
  usd: number;
  /** The same tokens at the strong model's prices: what routing everything to it would have cost. */
  strongUsd: number;
  /** A cache hit: what the answer cost when it was made. */
  savedUsd: number;
  latencyMs: number;
}

export const SPEND_DIMENSIONS = ['installationId', 'repository', 'agent', 'provider', 'model', 'tier', 'outcome', 'author', 'day'] as const;
export type SpendDimension = (typeof SPEND_DIMENSIONS)[number];

export interface SpendQuery {
  /** Epoch ms, inclusive; absent = from the start. */
  since?: number;
  /** Epoch ms, exclusive; absent = up to now. */
  until?: number;
  repository?: string;
  installationId?: number;
  /** Group by these; none = one row for everything. `day` is the call's UTC date, YYYY-MM-DD. */
  by: readonly SpendDimension[];
}

/** Sums over the calls of one group. */
export interface SpendRow {
  /** The group's value per dimension asked for (numbers as strings: `installationId` "12"). */
  group: Partial<Record<SpendDimension, string>>;
  calls: number;
  /** Calls a provider billed (outcome other than `cached`). */
  paidCalls: number;
  cachedCalls: number;
  /** Paid calls a local model answered: a group of only these reads "local", not $0.00. */
  localCalls: number;
  usage: Usage;
  usd: number;
  strongUsd: number;
  savedUsd: number;
  maxLatencyMs: number;
}

/** The spend ledger: every model call lands here, and budgets and `riskgate spend` read it. */
export interface Ledger {
  /** Adds a call; one with the `callId` of a call already recorded replaces it. */
  recordCall(call: CallRecord): Promise<void>;
  /** Drops a call recorded when it was sent that ended having billed nothing. */
  forgetCall(callId: string): Promise<void>;
  /** Rows ordered by the dimensions asked for. */
  spend(query: SpendQuery): Promise<SpendRow[]>;
}
