import { SEVERITIES, type Severity } from '../findings/finding.js';
import type { GateDecision } from '../report/decide-gate.js';
import type { ReviewReport } from '../run/review-change.js';
import type { RunQuality } from './gate-runs.js';

// Outcomes where an agent was asked and did not answer for a reason other than time or money.
const FAILED_OUTCOMES: ReadonlySet<string> = new Set(['failed', 'unavailable', 'unreviewable']);

/** What a finished run records of how it went: counted from the same decision the checks show. */
export function runQualityOf(report: Pick<ReviewReport, 'agents' | 'verification' | 'budgetLimited' | 'budgetLowered'>, decision: Pick<GateDecision, 'findings' | 'verdict'>): RunQuality {
  const findings = Object.fromEntries(SEVERITIES.map((s) => [s, 0])) as Record<Severity, number>;
  for (const finding of decision.findings) findings[finding.severity]++;
  // The verifier's own call counts like any agent's.
  const runs = report.verification.run ? [...report.agents, report.verification.run] : report.agents;
  return {
    findings,
    verdict: decision.verdict.verdict,
    agentFailures: runs.filter((run) => FAILED_OUTCOMES.has(run.outcome)).length,
    timeouts: runs.filter((run) => run.outcome === 'timed_out').length,
    budgetStop: report.budgetLimited || report.budgetLowered !== undefined || runs.some((run) => run.outcome === 'budget_limited'),
    checked: report.verification.checked,
    verified: report.verification.confirmed,
    rejected: report.verification.rejected,
  };
}
