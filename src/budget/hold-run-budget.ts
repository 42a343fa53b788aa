import type { Tier } from '../plan/tier.js';
import type { WorstCase } from '../run/review-change.js';
import type { BudgetStore } from '../store/budget-store.js';
import type { RunIdentity } from '../store/ledger.js';
import { capsFor, hasAnyLimit, type BudgetLimits } from './budget-limits.js';
import { chooseWithinBudget, type BudgetChoice } from './choose-within-budget.js';

// A hold outlives any run (agent timeouts are minutes); a worker that dies holding money gives
// it back when this passes.
export const BUDGET_HOLD_TTL_MS = 60 * 60 * 1000;

export interface RunBudgetHold {
  /** For the review: the tier ceiling and the dollars the run may spend. Absent with no limits. */
  ceiling?: { tier: Tier | 'none'; reason: string };
  maxUsd?: number;
  choice?: BudgetChoice;
  release(): Promise<void>;
}

/**
 * Checks a run against every budget it draws on and sets its worst case aside, in one transaction
 * of the store, so runs on several machines cannot all spend the last dollar. Learning whether
 * the author may write costs a GitHub call, made only when an author cap is set.
 */
export async function holdRunBudget(
  budgets: { store: BudgetStore; limits: BudgetLimits },
  run: RunIdentity,
  authorMayWrite: () => Promise<boolean>,
  worst: WorstCase,
  runMaxUsd: number,
  now = Date.now(),
): Promise<RunBudgetHold> {
  const { store, limits } = budgets;
  if (!hasAnyLimit(limits)) return { release: async () => undefined };
  const needsAuthor = Object.keys(limits.outsideAuthor).length > 0;
  const caps = capsFor(limits, run, needsAuthor ? await authorMayWrite() : true);
  let choice: BudgetChoice | undefined;
  const hold = await store.holdBudget(caps, now, BUDGET_HOLD_TTL_MS, (used) => {
    choice = chooseWithinBudget(caps, used, worst, runMaxUsd);
    return choice.holdUsd;
  });
  const chosen = choice!;
  return {
    ...(chosen.reason ? { ceiling: { tier: chosen.tier, reason: chosen.reason } } : {}),
    maxUsd: chosen.holdUsd,
    choice: chosen,
    release: () => store.releaseBudget(hold.id),
  };
}
