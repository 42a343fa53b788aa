import { describe, expect, it } from 'vitest';
import { validateConfig } from '../../src/config/load-config.js';
import type { Finding } from '../../src/findings/finding.js';
import { decideGate, withoutWeakerSilence } from '../../src/report/decide-gate.js';
import { createReviewer, type ReviewReport } from '../../src/run/review-change.js';
import type { AgentRun } from '../../src/run/run-agents.js';
import { makeDiff } from '../support/make-diff.js';

const reviewer = createReviewer(validateConfig({}, 'test'));
const diff = reviewer.parse(makeDiff({ path: 'src/app.ts', added: ['export const a = 1;'] }));
const WEAKER = 'the strong model claude-sonnet-5-5 was down; b/claude-haiku-5-5 answered instead';

/** A thorough run where every agent answered; `review` (strong) was answered by a weaker fallback. */
function report(findings: Finding[] = []): ReviewReport {
  const base = reviewer.assess({ diff, forced: 'thorough' }, 'test');
  return {
    ...base,
    tier: 'thorough',
    findings,
    agents: base.agents.map(
      (a) =>
        ({
          ...a,
          outcome: 'ok',
          reason: undefined,
          findings: findings.filter((f) => f.agent === a.agent),
          ...(a.agent === 'review' ? { model: 'b/claude-haiku-5-5', provider: 'b', weakerFallback: WEAKER, fellBackFrom: ['claude-sonnet-5-5: overloaded'] } : {}),
        }) as AgentRun,
    ),
  };
}

const finding = (over: Partial<Finding> = {}): Finding => ({ agent: 'review', severity: 'blocker', confidence: 0.9, path: 'src/app.ts', startLine: 1, endLine: 1, title: 'Title', explanation: 'Why.', ...over });

describe('a strong agent answered by a weaker fallback', () => {
  it('cannot conclude success on its silence: the agent and the gate could not decide', () => {
    const d = decideGate(report(), [], { failOn: 'blocker', onError: 'neutral' });
    expect(d.verdict.verdict).toBe('error');
    expect(d.conclusion).toBe('neutral');
    expect(d.verdict.reasons).toEqual([`review failed: ${WEAKER}, and a weaker model's silence is not a pass`]);
    expect(Object.fromEntries(d.agents.map((a) => [a.agent, a.conclusion]))).toEqual({ review: 'neutral', security: 'success', tests: 'success' });
    // The report itself still says the agent answered: only the verdict reads its silence as trouble.
    expect(d.agents[0]!.run.outcome).toBe('ok');
    expect(decideGate(report(), [], { failOn: 'blocker', onError: 'by-tier' }).conclusion).toBe('failure');
  });

  it('still fails on what the weaker model found', () => {
    const d = decideGate(report([finding()]), [], { failOn: 'blocker', onError: 'neutral' });
    expect(d.conclusion).toBe('failure');
    expect(d.agents.find((a) => a.agent === 'review')!.conclusion).toBe('failure');
  });

  it('leaves runs without a weaker fallback as they are', () => {
    const runs = report().agents;
    const judged = withoutWeakerSilence(runs);
    expect(judged.slice(1)).toEqual(runs.slice(1));
    expect(judged[0]!.outcome).toBe('failed');
  });
});
