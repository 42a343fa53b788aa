import type { OpenedChecks } from '../../github/check-sink.js';
import type { ClaimResult, GateRunClaim } from '../gate-runs.js';
import type { GateRunRow } from './gate-run-sql.js';

/**
 * What a claim does to a run's row, decided on the row as read inside the claim's transaction:
 * `insert` a new running row, `restart` a finished one (checks cleared), `take-over` a running
 * one (owner changes, checks kept), or write nothing.
 */
export interface ClaimDecision {
  write?: 'insert' | 'restart' | 'take-over';
  result: ClaimResult;
}

export function decideClaim(row: GateRunRow | undefined, claim: GateRunClaim, now: number, leaseMs: number): ClaimDecision {
  if (!row) return { write: 'insert', result: { status: 'claimed' } };
  if (row.state === 'running') {
    // The same job retried after its worker died, or a worker silent for longer than the lease.
    if (row.owner === claim.owner || now - Number(row.leased_at) > leaseMs) {
      return { write: 'take-over', result: row.checks === null ? { status: 'claimed' } : { status: 'claimed', checks: JSON.parse(row.checks) as OpenedChecks } };
    }
    return { result: { status: 'busy', owner: row.owner } };
  }
  // Only a completed run is done: one that errored (GitHub or riskgate failing) or was superseded
  // is worth another delivery's attempt.
  if (claim.explicit || row.state !== 'completed') return { write: 'restart', result: { status: 'claimed' } };
  return { result: { status: 'done', conclusion: row.conclusion ?? row.state } };
}
