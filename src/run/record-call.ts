import { usageCostUsd } from '../plan/estimate-cost.js';
import type { CallRecord, RunIdentity } from '../store/ledger.js';
import type { RunDependencies } from './run-agents.js';

/** A call as the run knows it; the gate adds who and when (RunIdentity, `at`). */
export type CallEntry = Omit<CallRecord, keyof RunIdentity | 'at' | 'strongUsd'>;

/** Where a run reports its calls: the spend ledger, bound to the run's identity. */
export type CallRecorder = (call: Omit<CallRecord, keyof RunIdentity | 'at'>) => Promise<void>;

/**
 * Tells the ledger of one call or cache hit, priced also on the strong model (what routing every
 * call there would have cost). Awaited before the answer is cached, so a crash in between means a
 * recorded call that is paid again, never a paid call the ledger missed. A ledger that fails is a
 * warning: the review's result does not depend on it.
 */
export async function recordCall(deps: Pick<RunDependencies, 'recordCall' | 'prices' | 'strongModel' | 'warnings'>, entry: CallEntry): Promise<void> {
  if (!deps.recordCall) return;
  const strong = deps.strongModel ? deps.prices[deps.strongModel] : undefined;
  const strongUsd = strong ? usageCostUsd(strong, entry.usage) : entry.usd;
  try {
    await deps.recordCall({ ...entry, strongUsd });
  } catch (error) {
    deps.warnings.push(`the spend ledger could not record the ${entry.agent} call: ${(error as Error).message}`);
  }
}
