import { describe, expect, it } from 'vitest';
import type { Finding } from '../../src/findings/finding.js';
import type { AgentOutcome, AgentRun } from '../../src/run/run-agents.js';
import { gateVerdict } from '../../src/report/gate-verdict.js';
import { runQualityOf } from '../../src/store/run-quality.js';

const USAGE = { inputTokens: 0, outputTokens: 0, cacheWrite5mTokens: 0, cacheWrite1hTokens: 0, cacheReadTokens: 0 };

function agent(name: AgentRun['agent'], outcome: AgentOutcome): AgentRun {
  return { agent: name, outcome, fromCache: false, savedUsd: 0, usage: USAGE, usd: 0, latencyMs: 1, retries: 0, findings: [] };
}

function finding(severity: Finding['severity']): Finding {
  return { agent: 'review', severity, confidence: 0.9, path: 'src/a.ts', startLine: 1, endLine: 1, title: 't', explanation: 'e' };
}

const NOTHING_VERIFIED = { checked: 0, confirmed: 0, rejected: 0, unverified: 0, unjudged: 0 };

describe('runQualityOf', () => {
  it('counts findings by severity, failures, timeouts, the verifier, and keeps the verdict the checks show', () => {
    const agents = [agent('review', 'ok'), agent('security', 'timed_out'), agent('tests', 'failed')];
    const findings = [finding('blocker'), finding('warning'), finding('warning')];
    const verdict = gateVerdict({ findings, agents, budgetLimited: false });
    const quality = runQualityOf(
      { agents, budgetLimited: false, verification: { checked: 4, confirmed: 1, rejected: 3, unverified: 0, unjudged: 0, run: agent('review', 'unavailable') } },
      { findings, verdict },
    );
    expect(quality).toEqual({ findings: { blocker: 1, warning: 2, note: 0 }, verdict: 'fail', agentFailures: 2, timeouts: 1, budgetStop: false, checked: 4, verified: 1, rejected: 3 });
  });

  it('says the budget stopped the run when a call was refused, an agent was budget-limited or the tier was lowered', () => {
    const clean = { findings: [], verdict: gateVerdict({ findings: [], agents: [], budgetLimited: false }) };
    expect(runQualityOf({ agents: [agent('review', 'ok')], budgetLimited: false, verification: NOTHING_VERIFIED }, clean)).toMatchObject({ verdict: 'pass', budgetStop: false, agentFailures: 0, timeouts: 0 });
    expect(runQualityOf({ agents: [], budgetLimited: true, verification: NOTHING_VERIFIED }, clean).budgetStop).toBe(true);
    expect(runQualityOf({ agents: [agent('security', 'budget_limited')], budgetLimited: false, verification: NOTHING_VERIFIED }, clean).budgetStop).toBe(true);
    expect(runQualityOf({ agents: [], budgetLimited: false, budgetLowered: 'the daily cap', verification: NOTHING_VERIFIED }, clean).budgetStop).toBe(true);
    // Skipped agents are neither failures nor timeouts.
    expect(runQualityOf({ agents: [agent('tests', 'skipped')], budgetLimited: false, verification: NOTHING_VERIFIED }, clean)).toMatchObject({ agentFailures: 0, timeouts: 0 });
  });
});
