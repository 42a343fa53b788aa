import { describe, expect, it } from 'vitest';
import { hitsTarget, randomHitChance, randomRecallOf, scoreFindings, type ReviewedCommit, type ScoredFinding } from '../../src/evaluation/score-findings.js';

const at = (path: string, startLine: number, endLine = startLine, severity: ScoredFinding['severity'] = 'warning'): ScoredFinding => ({ path, startLine, endLine, severity });
const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => from + i);

describe('a finding hits a target line', () => {
  it('when its range widened by k lines overlaps one, in the same file only', () => {
    const targets = { 'a.py': [20] };
    expect(hitsTarget(at('a.py', 20), targets, 0)).toBe(true);
    expect(hitsTarget(at('a.py', 21), targets, 0)).toBe(false);
    expect(hitsTarget(at('a.py', 23), targets, 3)).toBe(true);
    expect(hitsTarget(at('a.py', 24), targets, 3)).toBe(false);
    expect(hitsTarget(at('a.py', 10, 17), targets, 3)).toBe(true);
    expect(hitsTarget(at('a.py', 10, 16), targets, 3)).toBe(false);
    expect(hitsTarget(at('a.py', 30), targets, 10)).toBe(true);
    expect(hitsTarget(at('b.py', 20), targets, 10)).toBe(false);
  });
});

describe('the random baseline', () => {
  // 20 added lines in a.py (1-20) and 10 in b.py; the target is a.py:10.
  const added = { 'a.py': range(1, 20), 'b.py': range(1, 10) };
  const targets = { 'a.py': [10] };

  it('is the share of added lines a finding could start on and hit', () => {
    expect(randomHitChance(0, added, targets, 0)).toBeCloseTo(1 / 30, 12);
    expect(randomHitChance(0, added, targets, 3)).toBeCloseTo(7 / 30, 12);
    // A finding two lines long also hits when it starts up to two lines above the window.
    expect(randomHitChance(2, added, targets, 3)).toBeCloseTo(9 / 30, 12);
    expect(randomHitChance(0, added, targets, 10)).toBeCloseTo(20 / 30, 12);
  });

  it('for several findings is the chance that at least one of them hits', () => {
    const p = 7 / 30;
    expect(randomRecallOf([at('b.py', 1), at('b.py', 2)], added, targets, 3)).toBeCloseTo(1 - (1 - p) ** 2, 12);
    expect(randomRecallOf([], added, targets, 3)).toBe(0);
    // Each random finding keeps the length of the finding it stands for.
    expect(randomRecallOf([at('b.py', 4, 6)], added, targets, 3)).toBeCloseTo(9 / 30, 12);
  });
});

describe('scoring an arm', () => {
  const introducer = (sha: string, findings: ScoredFinding[]): ReviewedCommit => ({ sha, kind: 'introducer', targetLines: { 'a.py': [10] }, addedLines: { 'a.py': range(1, 20) }, findings });
  const clean = (sha: string, findings: ScoredFinding[]): ReviewedCommit => ({ sha, kind: 'clean', addedLines: { 'c.py': range(1, 5) }, findings });

  it('counts recall per window, blockers alone, the hit share, and the noise on clean commits', () => {
    const scores = scoreFindings([
      introducer('i1', [at('a.py', 10, 10, 'blocker')]),
      introducer('i2', [at('a.py', 13), at('a.py', 1)]),
      introducer('i3', [at('a.py', 19, 19, 'blocker')]),
      introducer('i4', []),
      clean('c1', [at('c.py', 1, 1, 'blocker'), at('c.py', 2)]),
      clean('c2', []),
    ]);
    expect(scores).toMatchObject({ introducers: 4, clean: 2, findingsOnIntroducers: 4, findingsOnClean: 2, findingsPerCleanCommit: 1, cleanWithBlocker: 0.5 });
    expect(scores.recall).toEqual({ k0: 0.25, k3: 0.5, k10: 0.75 });
    expect(scores.blockerRecall).toEqual({ k0: 0.25, k3: 0.25, k10: 0.5 });
    expect(scores.hitShareByWindow).toEqual({ k0: 0.25, k3: 0.5, k10: 1 });
    expect(scores.hitShare).toBe(0.5);
    expect(scores.hits.map((h) => [h.sha, h.k3])).toEqual([
      ['i1', true],
      ['i2', true],
      ['i3', false],
      ['i4', false],
    ]);
    // Random: one finding hits at k = 3 with 7/20, two with 1 - (13/20)^2, none never.
    const one = 7 / 20;
    expect(scores.randomRecall.k3).toBeCloseTo((one + (1 - (1 - one) ** 2) + one + 0) / 4, 12);
    expect(scores.randomBlockerRecall.k3).toBeCloseTo((one + 0 + one + 0) / 4, 12);
  });

  it('says there was nothing to measure rather than 0 when no introducer or clean commit was reviewed', () => {
    const scores = scoreFindings([]);
    expect(scores.recall).toEqual({ k0: null, k3: null, k10: null });
    expect(scores.randomRecall).toEqual({ k0: null, k3: null, k10: null });
    expect(scores.hitShare).toBeNull();
    expect(scores.findingsPerCleanCommit).toBeNull();
    expect(scores.cleanWithBlocker).toBeNull();
  });
});
