import { severityRank, type Finding, type Severity } from '../findings/finding.js';
import type { AgentRun } from '../run/run-agents.js';

/** pass: merge may proceed; fail: a finding reaches `failOn`; error: riskgate could not decide. */
export type Verdict = 'pass' | 'fail' | 'error';

export interface GateVerdict {
  verdict: Verdict;
  reasons: string[];
}

/** What a verdict is decided on: a whole run, or one agent's share of it. */
export interface GateEvidence {
  findings: readonly Finding[];
  agents: readonly Pick<AgentRun, 'agent' | 'outcome' | 'reason'>[];
  /** A call was refused by the run's budget. */
  budgetLimited: boolean;
  /** Why the operator's budgets ran the change at a lower tier than its risk calls for. */
  budgetLowered?: string;
}

export function reachesSeverity(finding: Finding, failOn: Severity): boolean {
  return severityRank(finding.severity) >= severityRank(failOn);
}

/**
 * The one place a run becomes a verdict. Findings decide first; then anything that kept an agent
 * from finishing (outage, timeout, budget) means "could not decide", never a pass.
 */
export function gateVerdict(evidence: GateEvidence, failOn: Severity = 'blocker'): GateVerdict {
  const blocking = evidence.findings.filter((f) => reachesSeverity(f, failOn));
  if (blocking.length > 0) {
    return { verdict: 'fail', reasons: [`${blocking.length} finding(s) at ${failOn} or above`] };
  }
  const troubled = evidence.agents.filter((a) => a.outcome !== 'ok' && a.outcome !== 'skipped');
  const reasons = troubled.map((a) => `${a.agent} ${a.outcome}${a.reason ? `: ${a.reason}` : ''}`);
  if (evidence.budgetLimited && !troubled.some((a) => a.outcome === 'budget_limited')) reasons.push("the run's budget stopped further calls");
  // Less scrutiny than the risk calls for is not a pass, however clean the lower tier's answer.
  if (evidence.budgetLowered) reasons.push(`the budget lowered the tier: ${evidence.budgetLowered}`);
  if (reasons.length > 0) return { verdict: 'error', reasons };
  return { verdict: 'pass', reasons: [`no finding at ${failOn} or above`] };
}
