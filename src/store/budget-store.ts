import type { BudgetCap } from '../budget/budget-cap.js';

/** Money set aside for a run in progress, so concurrent runs cannot all spend the last dollar. */
export interface BudgetHold {
  /** Empty when nothing was held. */
  id: string;
  usd: number;
  /** Per cap, in the order given: dollars already spent (ledger) or held by other live runs in its window. */
  used: number[];
}

export interface BudgetStore {
  /**
   * In one transaction: sums what each cap has used in its window (ledger calls plus unexpired
   * holds of other runs), lets `decide` choose how much to hold (0 = nothing), and records that
   * hold until `now + ttlMs`. A hold row keeps the installation, repository and author named by
   * the caps; it counts against a cap whose scope it matches. Calls are serialised (a lock),
   * across processes too.
   */
  holdBudget(caps: readonly BudgetCap[], now: number, ttlMs: number, decide: (used: readonly number[]) => number): Promise<BudgetHold>;
  releaseBudget(holdId: string): Promise<void>;
}
