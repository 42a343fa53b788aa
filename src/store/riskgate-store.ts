import type { BudgetStore } from './budget-store.js';
import type { CommandReplyStore } from './command-replies.js';
import type { EvalReportStore } from './eval-reports.js';
import type { GateRunStore } from './gate-runs.js';
import type { Ledger } from './ledger.js';
import type { ResultStore } from './result-store.js';

/**
 * Everything the App keeps: the result cache, the spend ledger, gate runs, budget holds, the
 * command replies given and the eval reports.
 * Embedded in SQLite on one machine, or on PostgreSQL shared by many.
 */
export interface RiskgateStore extends ResultStore, Ledger, GateRunStore, BudgetStore, CommandReplyStore, EvalReportStore {
  /** Evicts cached results not used for `olderThanMs`; returns how many went. */
  pruneResults(olderThanMs: number): Promise<number>;
  close(): Promise<void>;
}
