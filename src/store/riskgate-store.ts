import type { BudgetStore } from './budget-store.js';
import type { CommandReplyStore } from './command-replies.js';
import type { GateRunStore } from './gate-runs.js';
import type { Ledger } from './ledger.js';
import type { ResultStore } from './result-store.js';

/**
 * Everything the App keeps: the result cache, the spend ledger, gate runs, budget holds and the
 * command replies given.
 * Embedded in SQLite on one machine, or on PostgreSQL shared by many.
 */
export interface RiskgateStore extends ResultStore, Ledger, GateRunStore, BudgetStore, CommandReplyStore {
  /** Evicts cached results not used for `olderThanMs`; returns how many went. */
  pruneResults(olderThanMs: number): Promise<number>;
  close(): Promise<void>;
}
