import { describe, expect, it } from 'vitest';
import { defaultConfig } from '../../src/config/load-config.js';
import { createChangeScorer } from '../../src/run/score-change.js';
import { lines, makeDiff } from '../support/make-diff.js';
import { riskModelFixture } from '../support/risk-model-fixture.js';

const config = defaultConfig();
const model = riskModelFixture();
const withModel = createChangeScorer(config, model);
const without = createChangeScorer(config);

const sum = (factors: { points: number }[]) => factors.reduce((n, f) => n + f.points, 0);

describe('scoring with a calibrated model', () => {
  it('replaces the size, spread, kind, tests and bug-fix factors by the model factors, which add up to the score', () => {
    const diff = withModel.parse(makeDiff({ path: 'src/app.ts', added: lines(120) }));
    const result = withModel.scoreDiff(diff, { title: 'fix the parser' });
    const ids = result.factors.map((f) => f.id);
    expect(ids).toContain('model.baseline');
    expect(ids).toContain('model.la');
    expect(ids.some((id) => /^(size|spread|kind|tests)\./.test(id) || id === 'text.bug-fix')).toBe(false);
    expect(result.model).toMatchObject({ inputs: 'diff', trainingCommits: model.counts.trainingCommits });
    expect(result.score).toBe(Math.round(sum(result.factors)));
    const baseline = without.scoreDiff(diff, { title: 'fix the parser' });
    expect(baseline.factors.map((f) => f.id)).toContain('size.changed-lines');
    expect(baseline.model).toBeUndefined();
  });

  it('ranks by the model: more lines added, more points, each with its value and the typical one', () => {
    const small = withModel.scoreText(makeDiff({ path: 'src/a.ts', added: lines(2) }));
    const large = withModel.scoreText(makeDiff({ path: 'src/a.ts', added: lines(400) }));
    const la = (r: typeof small) => r.factors.find((f) => f.id === 'model.la')!;
    expect(la(large).points).toBeGreaterThan(0);
    expect(la(small).points).toBeLessThan(0);
    expect(la(large).reason).toMatch(/^lines added: 400 \(typical here: 19\)$/);
    expect(large.score).toBeGreaterThan(small.score);
  });

  it('uses the history variant when history features are given', () => {
    const diff = withModel.parse(makeDiff({ path: 'src/a.ts', added: lines(30) }));
    const history = { lt: 200, ndev: 9, nuc: 40, age: 10, exp: 2, sexp: 1 };
    const result = withModel.scoreDiff(diff, undefined, undefined, history);
    expect(result.model?.inputs).toBe('history');
    expect(result.factors.map((f) => f.id)).toContain('model.ndev');
  });

  it('never lowers a security or sensitivity factor: they add on top unchanged, and the model part is floored at zero', () => {
    // A model that wants every change to look safe: a huge negative baseline.
    const harsh = riskModelFixture({ variants: { ...model.variants, diff: { ...model.variants.diff, points: { base: -80, perLogit: 10 } } } });
    const scorer = createChangeScorer(config, harsh);
    const text = makeDiff({ path: 'src/auth/login.ts', added: ['const ok = eval(userInput);', 'const agent = { rejectUnauthorized: false };'] });
    const calibrated = scorer.scoreText(text);
    const plain = without.scoreText(text);
    const security = plain.factors.filter((f) => /^(pattern|sensitive)\./.test(f.id));
    expect(security.length).toBeGreaterThan(1);
    for (const factor of security) expect(calibrated.factors).toContainEqual(factor);
    const modelPart = sum(calibrated.factors.filter((f) => f.id.startsWith('model.')));
    expect(modelPart).toBeCloseTo(0, 5);
    expect(calibrated.factors.map((f) => f.id)).toContain('model.floor');
    expect(calibrated.score).toBeGreaterThanOrEqual(Math.min(100, Math.round(sum(security))));
  });

  it('lets PR text only raise the score: a message saying "fix" never scores lower than none', () => {
    const diff = withModel.parse(makeDiff({ path: 'src/a.ts', added: lines(10) }));
    const plain = withModel.scoreDiff(diff);
    const saysFix = withModel.scoreDiff(diff, { title: 'fix the crash', body: 'fixes #12' });
    expect(saysFix.score).toBeGreaterThanOrEqual(plain.score);
  });
});
