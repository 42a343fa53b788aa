import { describe, expect, it } from 'vitest';
import { defaultConfig } from '../../src/config/load-config.js';
import { createChangeScorer, type ScoreResult } from '../../src/run/score-change.js';
import { DANGEROUS_JS } from '../support/dangerous-code.js';
import { makeDiff, type FileSpec } from '../support/make-diff.js';
import { riskModelFixture } from '../support/risk-model-fixture.js';

// A path is the author's claim, not a fact: the same code scores the same wherever the author
// puts it, unless the base branch says the file is tool-made (test/risk/earned-file-kinds.test.ts).

const DANGEROUS = DANGEROUS_JS.filter((line) => !line.includes('apiKey'));
const scorer = createChangeScorer(defaultConfig());
const score = (...files: FileSpec[]) => scorer.scoreText(makeDiff(...files));
const factor = (result: ScoreResult, id: string) => result.factors.find((f) => f.id === id);
const ids = (result: ScoreResult) => result.factors.map((f) => f.id).sort();

describe('paths the author chooses', () => {
  const atSource = score({ path: 'src/run.js', added: DANGEROUS, status: 'added' });

  it('scores the dangerous code in src/ as a standard change', () => {
    expect(ids(atSource)).toEqual(expect.arrayContaining(['pattern.dynamic-code', 'pattern.tls-disabled', 'pattern.process-spawn', 'size.changed-lines']));
    expect(atSource.tier).toBe('standard');
  });

  it.each(['src/vendor/run.js', 'vendor/acme/run.js', 'src/generated/run.js', 'dist/index.js', 'node_modules/acme/run.js', 'lib/run.min.js'])(
    'scores it the same under %s: the folder earns nothing',
    (path) => {
      const moved = score({ path, added: DANGEROUS, status: 'added' });
      expect(moved.files[0]!.kind).toBe('source');
      expect(ids(moved)).toEqual(ids(atSource));
      expect(moved.score).toBe(atSource.score);
    },
  );

  it('counts a test file in size and gives no tests-only discount when a pattern matched in it', () => {
    const fixture = score({ path: 'fixtures/seed.js', added: DANGEROUS_JS, status: 'added' });
    expect(fixture.files[0]!.kind).toBe('test');
    expect(ids(fixture)).toContain('pattern.hardcoded-credential');
    expect(ids(fixture).filter((id) => id.startsWith('kind.'))).toEqual([]);
    const atSourceToo = score({ path: 'src/seed.js', added: DANGEROUS_JS, status: 'added' });
    expect(factor(fixture, 'size.changed-lines')!.points).toBe(factor(atSourceToo, 'size.changed-lines')!.points);
    // Without a pattern, a tests-only change keeps its discount.
    expect(ids(score({ path: 'fixtures/seed.js', added: ['module.exports = [1, 2, 3];'] }))).toContain('kind.tests-only');
  });

  it('gives no docs-only discount beside a pattern in the docs', () => {
    expect(ids(score({ path: 'docs/ops.md', added: ['Run `DROP TABLE sessions;` after the upgrade.'] }))).not.toContain('kind.docs-only');
    expect(ids(score({ path: 'docs/ops.md', added: ['Restart the service after the upgrade.'] }))).toContain('kind.docs-only');
  });
});

describe('with a calibrated model', () => {
  it('reads the kind feature without the tests-only discount when a pattern matched in the tests', () => {
    // The fixture's diff variant with a kind feature: the kind factor's points, a tests-only change -5.
    const base = riskModelFixture();
    const diff = { ...base.variants.diff, features: [...base.variants.diff.features, { id: 'kind' as const, mean: 0, sd: 3, weight: 0.5 }] };
    const calibrated = createChangeScorer(defaultConfig(), riskModelFixture({ variants: { ...base.variants, diff } }));
    const kindOf = (added: string[]) => calibrated.scoreText(makeDiff({ path: 'fixtures/seed.js', added })).factors.find((f) => f.id === 'model.kind');
    expect(kindOf(['module.exports = [1, 2, 3];'])!.reason).toMatch(/: -5 /);
    expect(kindOf(['const apiKey = "Zq8v3LmN4pR7sT1w";'])).toBeUndefined();
  });
});
