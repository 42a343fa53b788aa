import { windowStart, type BudgetCap, type BudgetScope } from '../../budget/budget-cap.js';
import type { SqlParams } from './sql-params.js';

/** What a hold row keeps of the caps it was taken under: it counts against every cap whose scope it matches. */
export interface HoldScope {
  installationId: number | null;
  repository: string | null;
  author: string | null;
}

export function holdScopeOf(caps: readonly BudgetCap[]): HoldScope {
  const hold: HoldScope = { installationId: null, repository: null, author: null };
  for (const { scope } of caps) {
    if (scope.kind === 'repository') hold.repository ??= scope.repository;
    else hold.installationId ??= scope.installationId;
    if (scope.kind === 'author') hold.author ??= scope.author;
  }
  return hold;
}

// The same condition selects a scope's calls and its holds: both tables name these columns alike.
function scopeCondition(scope: BudgetScope, params: SqlParams): string {
  switch (scope.kind) {
    case 'installation':
      return `installation_id = ${params.add(scope.installationId)}`;
    case 'repository':
      return `repository = ${params.add(scope.repository)}`;
    case 'author':
      return `installation_id = ${params.add(scope.installationId)} AND author = ${params.add(scope.author)}`;
  }
}

/** One cap's `used` at `now`: the ledger's dollars since its window began plus the live holds in its scope. */
export function usedSql(cap: BudgetCap, now: number, params: SqlParams): string {
  const spent = `SELECT coalesce(sum(usd), 0) FROM calls WHERE ${scopeCondition(cap.scope, params)} AND at >= ${params.add(windowStart(cap.window, now))}`;
  const held = `SELECT coalesce(sum(usd), 0) FROM budget_holds WHERE ${scopeCondition(cap.scope, params)} AND expires_at > ${params.add(now)}`;
  return `SELECT (${spent}) + (${held}) AS used`;
}

export function insertHoldSql(id: string, scope: HoldScope, usd: number, expiresAt: number, params: SqlParams): string {
  const values = [id, scope.installationId, scope.repository, scope.author, usd, expiresAt];
  return `INSERT INTO budget_holds (id, installation_id, repository, author, usd, expires_at)
VALUES (${values.map((value) => params.add(value)).join(', ')})`;
}

/** Expired holds count for nothing: dropping them keeps the table as small as the runs in progress. */
export function deleteExpiredHoldsSql(now: number, params: SqlParams): string {
  return `DELETE FROM budget_holds WHERE expires_at <= ${params.add(now)}`;
}

export function deleteHoldSql(id: string, params: SqlParams): string {
  return `DELETE FROM budget_holds WHERE id = ${params.add(id)}`;
}
