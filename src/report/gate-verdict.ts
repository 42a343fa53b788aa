import { severityRank, type Severity } from '../findings/finding.js';
import type { ReviewReport } from '../run/review-change.js';

/** pass: merge may proceed; fail: a finding reaches `failOn`; error: riskgate could not decide. */
export type Verdict = 'pass' | 'fail' | 'error';

export interface GateVerdict {
  verdict: Verdict;
  reasons: string[];
}

/**
 * The one place a run becomes a verdict. Findings decide first; then anything that kept an agent
 * from finishing (outage, timeout, budget) means "could not decide", never a pass.
 */
export function gateVerdict(report: ReviewReport, failOn: Severity = 'blocker'): GateVerdict {
  const blocking = report.findings.filter((f) => severityRank(f.severity) >= severityRank(failOn));
  if (blocking.length > 0) {
    return { verdict: 'fail', reasons: [`${blocking.length} finding(s) at ${failOn} or above`] };
  }
  const troubled = report.agents.filter((a) => a.outcome !== 'ok' && a.outcome !== 'skipped');
  const reasons = troubled.map((a) => `${a.agent} ${a.outcome}${a.reason ? `: ${a.reason}` : ''}`);
  if (report.budgetLimited && !troubled.some((a) => a.outcome === 'budget_limited')) reasons.push("the run's budget stopped further calls");
  if (reasons.length > 0) return { verdict: 'error', reasons };
  return { verdict: 'pass', reasons: [`no finding at ${failOn} or above`] };
}
