import { severityRank, type Finding, type Severity } from '../findings/finding.js';
import { plural } from './format-amounts.js';
import type { AgentRun } from '../run/run-agents.js';

/**
 * pass: merge may proceed; fail: a finding reaches `failOn`; error: riskgate could not decide
 * (an outage, the budget, no key: `gate.on_error` governs); unreviewable: the change itself made
 * riskgate fail (its scoring overran the deadline or crashed, or a model's answer to it was
 * refused, cut off or steered out of the format), which fails at every tier.
 */
export type Verdict = 'pass' | 'fail' | 'error' | 'unreviewable';

/** How a check or the CLI says that the change itself made the gate fail. */
export const UNREVIEWABLE_LEAD = 'The change itself made riskgate fail';

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

const describe = (a: Pick<AgentRun, 'agent' | 'outcome' | 'reason'>) => `${a.agent} ${a.outcome}${a.reason ? `: ${a.reason}` : ''}`;

/**
 * The one place a run becomes a verdict. Findings decide first; then what the change itself
 * caused (an answer it made unusable) fails whatever the policy; then anything else that kept an
 * agent from finishing (outage, timeout, budget) means "could not decide", never a pass.
 */
export function gateVerdict(evidence: GateEvidence, failOn: Severity = 'blocker'): GateVerdict {
  const blocking = evidence.findings.filter((f) => reachesSeverity(f, failOn));
  const caused = evidence.agents.filter((a) => a.outcome === 'unreviewable').map(describe);
  if (blocking.length > 0) {
    return { verdict: 'fail', reasons: [`${plural(blocking.length, 'finding')} at ${failOn} or above`, ...caused] };
  }
  if (caused.length > 0) return { verdict: 'unreviewable', reasons: [`${UNREVIEWABLE_LEAD.toLowerCase()}`, ...caused] };
  const troubled = evidence.agents.filter((a) => a.outcome !== 'ok' && a.outcome !== 'skipped');
  const reasons = troubled.map(describe);
  if (evidence.budgetLimited && !troubled.some((a) => a.outcome === 'budget_limited')) reasons.push("the run's budget stopped further calls");
  // Less scrutiny than the risk calls for is not a pass, however clean the lower tier's answer.
  if (evidence.budgetLowered) reasons.push(`the budget lowered the tier: ${evidence.budgetLowered}`);
  if (reasons.length > 0) return { verdict: 'error', reasons };
  return { verdict: 'pass', reasons: [`no finding at ${failOn} or above`] };
}
