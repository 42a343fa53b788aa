import type { OnErrorPolicy } from '../config/config-schema.js';
import type { Finding, Severity } from '../findings/finding.js';
import type { AgentName, Tier } from '../plan/tier.js';
import type { ReviewReport } from '../run/review-change.js';
import type { AgentRun } from '../run/run-agents.js';
import { agentFindings, type MergedFinding } from './agent-findings.js';
import { checkConclusion, type CheckConclusion } from './check-conclusion.js';
import { gateVerdict, type GateVerdict } from './gate-verdict.js';

export interface GatePolicy {
  failOn: Severity;
  onError: OnErrorPolicy;
}

/**
 * One agent's check run: the findings it raised and its outcome, judged by the same policy as the
 * gate. `findings` are reported under its name; `merged` it raised too, and they are reported once,
 * under another agent's name: its check fails on them all the same.
 */
export interface AgentCheck {
  agent: AgentName;
  run: AgentRun;
  findings: Finding[];
  merged: MergedFinding[];
  /** What it raised that the gate does not report (confidence floor, cap, outside the change, rejected by the verifier). */
  notReported: number;
  verdict: GateVerdict;
  conclusion: CheckConclusion;
}

export interface GateDecision {
  /** Everything the gate reports: this run's findings and the blockers carried from earlier heads. */
  findings: Finding[];
  verdict: GateVerdict;
  conclusion: CheckConclusion;
  agents: AgentCheck[];
}

/**
 * A strong-class agent that a weaker model answered after a fallback: what it found counts, but
 * its silence is not the strong model's, so the agent reads as "could not decide" for the verdict.
 */
export function withoutWeakerSilence<A extends Pick<AgentRun, 'agent' | 'outcome' | 'reason' | 'weakerFallback'>>(agents: readonly A[]): A[] {
  return agents.map((run) =>
    run.weakerFallback && run.outcome === 'ok' ? { ...run, outcome: 'failed', reason: `${run.weakerFallback}, and a weaker model's silence is not a pass` } : run,
  );
}

/**
 * The gate's decision, umbrella and per agent, in one place: a finding at `failOn` fails; trouble
 * that kept an agent from answering is "could not decide", which `on_error` turns into neutral or
 * failure; an agent the tier does not call for, with nothing to report, is skipped.
 */
export function decideGate(report: ReviewReport, carried: readonly Finding[], policy: GatePolicy): GateDecision {
  const findings = [...report.findings, ...carried];
  const tier: Tier = report.tier;
  const judged = withoutWeakerSilence(report.agents);
  const verdict = gateVerdict({ findings, agents: judged, budgetLimited: report.budgetLimited, ...(report.budgetLowered ? { budgetLowered: report.budgetLowered } : {}) }, policy.failOn);
  const agents = report.agents.map((run, i): AgentCheck => {
    const { own, merged, notReported } = agentFindings(run, findings);
    const raised = [...own, ...merged.map((m) => m.raised)];
    const agentVerdict = gateVerdict({ findings: raised, agents: [judged[i]!], budgetLimited: run.outcome === 'budget_limited' }, policy.failOn);
    const conclusion = run.outcome === 'skipped' && raised.length === 0 ? 'skipped' : checkConclusion(agentVerdict.verdict, tier, policy.onError);
    return { agent: run.agent, run, findings: own, merged, notReported, verdict: agentVerdict, conclusion };
  });
  return { findings, verdict, conclusion: checkConclusion(verdict.verdict, tier, policy.onError), agents };
}
