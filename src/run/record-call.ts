import { usageCostUsd } from '../plan/estimate-cost.js';
import type { CallRecord, Ledger, RunIdentity } from '../store/ledger.js';
import type { RunDependencies } from './run-agents.js';

/** A call as the run knows it; the gate adds who and when (RunIdentity, `at`). */
export type CallEntry = Omit<CallRecord, keyof RunIdentity | 'at' | 'strongUsd'>;

type RecordedCall = Omit<CallRecord, keyof RunIdentity | 'at'>;

/** Where a run reports its calls: the spend ledger, bound to the run's identity. */
export interface CallRecorder {
  /** A call that ended, or a cache hit; it replaces what `sent` recorded under the same callId. */
  record(call: RecordedCall): Promise<void>;
  /** A call about to be sent, as `cancelled` with its prompt tokens: what stays on record if it never ends. */
  sent(call: RecordedCall & { callId: string }): Promise<void>;
  /** A call recorded by `sent` that ended having billed nothing. */
  forget(callId: string): Promise<void>;
}

/** The recorder over a ledger; `ended` hears of every call that ended (the App's metrics). */
export function ledgerRecorder(ledger: Ledger, identity: RunIdentity, ended?: (call: CallRecord) => void): CallRecorder {
  return {
    async record(call) {
      const record = { ...identity, ...call, at: Date.now() };
      await ledger.recordCall(record);
      ended?.(record);
    },
    sent: (call) => ledger.recordCall({ ...identity, ...call, at: Date.now() }),
    forget: (callId) => ledger.forgetCall(callId),
  };
}

type RecorderDeps = Pick<RunDependencies, 'recordCall' | 'prices' | 'strongModel' | 'warnings'>;

const strongUsdOf = (deps: RecorderDeps, entry: CallEntry) => {
  const strong = deps.strongModel ? deps.prices[deps.strongModel] : undefined;
  return strong ? usageCostUsd(strong, entry.usage) : entry.usd;
};

/**
 * Tells the ledger of one call or cache hit, priced also on the strong model (what routing every
 * call there would have cost). Awaited before the answer is cached, so a crash in between means a
 * recorded call that is paid again, never a paid call the ledger missed. A ledger that fails is a
 * warning: the review's result does not depend on it.
 */
export async function recordCall(deps: RecorderDeps, entry: CallEntry): Promise<void> {
  if (!deps.recordCall) return;
  try {
    await deps.recordCall.record({ ...entry, strongUsd: strongUsdOf(deps, entry) });
  } catch (error) {
    deps.warnings.push(`the spend ledger could not record the ${entry.agent} call: ${(error as Error).message}`);
  }
}

/**
 * Records a call as it is sent (`cancelled`, the prompt tokens it sends): replaced when it ends, so
 * a call cut off by a crash is on record with what the API may have billed. False when nothing was
 * recorded (no ledger, or it failed: a warning).
 */
export async function recordSentCall(deps: RecorderDeps, entry: CallEntry & { callId: string }): Promise<boolean> {
  if (!deps.recordCall) return false;
  try {
    await deps.recordCall.sent({ ...entry, outcome: 'cancelled', strongUsd: strongUsdOf(deps, entry) });
    return true;
  } catch (error) {
    deps.warnings.push(`the spend ledger could not record the ${entry.agent} call as sent: ${(error as Error).message}`);
    return false;
  }
}

/** Drops what recordSentCall recorded for a call that billed nothing after all. */
export async function forgetSentCall(deps: RecorderDeps, callId: string, agent: string): Promise<void> {
  try {
    await deps.recordCall?.forget(callId);
  } catch (error) {
    deps.warnings.push(`the spend ledger could not drop the ${agent} call that billed nothing: ${(error as Error).message}`);
  }
}
