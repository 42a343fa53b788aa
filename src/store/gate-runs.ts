import type { OpenedChecks } from '../github/check-sink.js';
import type { Severity } from '../findings/finding.js';
import type { Tier } from '../plan/tier.js';
import type { Verdict } from '../report/gate-verdict.js';
import type { RunIdentity } from './ledger.js';

export const GATE_RUN_STATES = ['running', 'completed', 'superseded', 'errored'] as const;
export type GateRunState = (typeof GATE_RUN_STATES)[number];

/**
 * One gate run. `runKey` is the hash of (repository, head SHA, tier, config hash): the same key
 * does its work once, whichever delivery or worker asks.
 */
export interface GateRunClaim extends RunIdentity {
  runKey: string;
  tier: Tier;
  /** The job that runs it: a retry of the same job after its worker died takes the run over. */
  owner: string;
  /** Re-run on purpose (a command, a button): a completed run is claimed again. */
  explicit: boolean;
}

export type ClaimResult =
  /** Go ahead; `checks` are the check runs a crashed attempt opened, to be finished instead of duplicated. */
  | { status: 'claimed'; checks?: OpenedChecks }
  | { status: 'done'; conclusion: string }
  /** Another live job runs it. */
  | { status: 'busy'; owner: string };

/**
 * How a finished run went, for "is quality holding?" on the dashboard: kept as one JSON field so a
 * new figure needs no new column. Absent on runs recorded before it existed and on errored runs.
 */
export interface RunQuality {
  /** The gate's findings (carried blockers included) by severity. */
  findings: Record<Severity, number>;
  verdict: Verdict;
  /** Agent calls that failed (an outage, a refusal, no model) rather than answered. */
  agentFailures: number;
  timeouts: number;
  /** The run's or the operator's budget stopped calls or lowered the tier. */
  budgetStop: boolean;
  /** Findings the strong model re-checked, and how many of those it confirmed and rejected. */
  checked: number;
  verified: number;
  rejected: number;
}

export interface GateRunResult {
  state: Exclude<GateRunState, 'running'>;
  conclusion: string;
  durationMs: number;
  usd: number;
  savedUsd: number;
  findings: ReadonlyArray<{ agent: string; severity: Severity; count: number }>;
  quality?: RunQuality;
}

/** A finished or running run, for the dashboard. */
export interface GateRunRecord extends RunIdentity {
  runKey: string;
  tier: Tier;
  state: GateRunState;
  conclusion?: string;
  startedAt: number;
  finishedAt?: number;
  durationMs?: number;
  usd: number;
  savedUsd: number;
  findings: GateRunResult['findings'];
  quality?: RunQuality;
}

/** A run whose job claimed it and never finished it: its worker died on the way. */
export interface UnfinishedRun {
  runKey: string;
  headSha: string;
  startedAt: number;
  /** The checks it had opened, as far as it got. */
  checks?: OpenedChecks;
}

export interface GateRunStore {
  /** Atomically: claims the run for `owner`, or says it is done (completed) or taken. A running claim older than `leaseMs` may be taken over; an errored or superseded run is claimed again. */
  claimRun(claim: GateRunClaim, now: number, leaseMs: number): Promise<ClaimResult>;
  /** Keeps the checks a run opened, so a retry after a crash finishes those same checks. */
  attachChecks(runKey: string, checks: OpenedChecks): Promise<void>;
  /** With `owner`: only while that job still holds the run (finishing what a dead job left, never what another job took over). */
  finishRun(runKey: string, result: GateRunResult, now: number, owner?: string): Promise<void>;
  /** The runs `owner` (a job) holds that are still running: after its worker died, what it left open. */
  unfinishedRunsOf(owner: string): Promise<UnfinishedRun[]>;
  /** Runs started in [since, until), newest first, at most `limit`. */
  listRuns(query: { since?: number; until?: number; limit: number }): Promise<GateRunRecord[]>;
}
