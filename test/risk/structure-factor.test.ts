import { describe, expect, it } from 'vitest';
import type { StructureSummary } from '../../src/code/structure-summary.js';
import { defaultConfig } from '../../src/config/load-config.js';
import { createRiskScorer } from '../../src/risk/score-risk.js';
import { DEFAULT_WEIGHTS, type RiskWeights } from '../../src/risk/weights.js';
import { parse } from '../support/parse.js';

const diff = parse('diff --git a/src/a.ts b/src/a.ts\n--- a/src/a.ts\n+++ b/src/a.ts\n@@ -1 +1 @@\n-export function f(a: number) {}\n+export function f(a: number, b: number) {}\n');
const structure: StructureSummary = {
  newFunctions: 3,
  breaking: [
    { path: 'src/a.ts', name: 'f', kind: 'function', change: 'changed', before: 'export function f(a: number)', after: 'export function f(a: number, b: number)' },
    { path: 'src/b.ts', name: 'g', kind: 'function', change: 'removed', before: 'export function g()' },
  ],
  filesParsed: 2,
};
const weights: RiskWeights = { ...DEFAULT_WEIGHTS, structure: { breakingChange: 3, breakingChangeMax: 4, perNewFunctionDoubling: 2 } };

describe('the structure factor family', () => {
  it('scores breaking changes of exported symbols and new functions from the precomputed summary', () => {
    const scorer = createRiskScorer(defaultConfig(), weights);
    const without = scorer({ diff });
    const withStructure = scorer({ diff, structure });
    const breaking = withStructure.factors.find((f) => f.id === 'structure.breaking-change')!;
    // 3 per doubling of 1 + 2 symbols, capped at 4.
    expect(breaking.points).toBe(4);
    expect(breaking.evidence).toEqual([
      { path: 'src/a.ts', excerpt: 'changed function f' },
      { path: 'src/b.ts', excerpt: 'removed function g' },
    ]);
    expect(breaking.files).toEqual(['src/a.ts', 'src/b.ts']);
    expect(withStructure.factors.find((f) => f.id === 'structure.new-functions')!.points).toBe(2 * Math.log2(4));
    expect(withStructure.score).toBeGreaterThan(without.score);
    expect(without.factors.some((f) => f.id.startsWith('structure.'))).toBe(false);
  });

  it('with the fitted defaults lists a breaking change with no points (a floor may name it) and counts new functions', () => {
    const report = createRiskScorer(defaultConfig())({ diff, structure });
    expect(report.factors.find((f) => f.id === 'structure.breaking-change')?.points).toBe(0);
    expect(report.factors.find((f) => f.id === 'structure.new-functions')?.points).toBe(DEFAULT_WEIGHTS.structure.perNewFunctionDoubling * 2);
  });

  it('adds nothing when nothing was found', () => {
    const report = createRiskScorer(defaultConfig(), weights)({ diff, structure: { newFunctions: 0, breaking: [], filesParsed: 1 } });
    expect(report.factors.some((f) => f.id.startsWith('structure.'))).toBe(false);
  });
});
