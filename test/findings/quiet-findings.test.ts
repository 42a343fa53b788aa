import { describe, expect, it } from 'vitest';
import type { Finding } from '../../src/findings/finding.js';
import { quietFindings } from '../../src/findings/quiet-findings.js';

const f = (over: Partial<Finding>): Finding => ({
  agent: 'review',
  severity: 'warning',
  confidence: 0.9,
  path: 'a.ts',
  startLine: 1,
  endLine: 1,
  title: 'Null dereference of user',
  explanation: '',
  ...over,
});

describe('quietFindings', () => {
  it('drops findings below the confidence floor and counts them', () => {
    const result = quietFindings([f({ confidence: 0.3 }), f({ confidence: 0.8, startLine: 9, endLine: 9 })], { minConfidence: 0.5, maxPerAgent: 10 });
    expect(result.findings).toHaveLength(1);
    expect(result.belowConfidence).toBe(1);
  });

  it('caps each agent, keeping the most severe first', () => {
    const many = [f({ severity: 'note', startLine: 1, endLine: 1, title: 'a' }), f({ severity: 'blocker', startLine: 5, endLine: 5, title: 'b' }), f({ severity: 'warning', startLine: 9, endLine: 9, title: 'c' })];
    const result = quietFindings(many, { minConfidence: 0, maxPerAgent: 2 });
    expect(result.findings.map((x) => x.severity)).toEqual(['blocker', 'warning']);
    expect(result.overCap).toEqual({ review: 1 });
  });

  it('keeps one finding per problem across agents, the more severe one', () => {
    const result = quietFindings(
      [f({ agent: 'review', severity: 'warning' }), f({ agent: 'security', severity: 'blocker', title: 'Possible null dereference of user object' })],
      { minConfidence: 0, maxPerAgent: 10 },
    );
    expect(result.findings.map((x) => [x.agent, x.severity])).toEqual([['security', 'blocker']]);
    expect(result.duplicates).toBe(1);
  });

  it('keeps different problems on the same line', () => {
    const result = quietFindings([f({ title: 'SQL injection in query' }), f({ title: 'Unbounded loop over input' })], { minConfidence: 0, maxPerAgent: 10 });
    expect(result.findings).toHaveLength(2);
  });
});
