import { describe, expect, it } from 'vitest';
import { defaultConfig, parseConfig } from '../../src/config/load-config.js';
import { createTierPlanner } from '../../src/plan/plan-tier.js';
import { createFloorFinder, type TierFloorSetting } from '../../src/plan/tier-floors.js';
import { compileGlobs } from '../../src/risk/match-paths.js';
import type { RiskFactor } from '../../src/risk/risk-factor.js';
import { makeDiff } from '../support/make-diff.js';
import { parse } from '../support/parse.js';

// Factors are built here by id, as data: the floor mechanism does not depend on which rule
// produces an id.
const factor = (id: string, paths: string[], over: Partial<RiskFactor> = {}): RiskFactor => ({
  id,
  points: 10,
  reason: `${paths.length} added line(s) match ${id}`,
  evidence: paths.map((path, i) => ({ path, line: i + 1 })),
  ...over,
});

const diff = parse(
  makeDiff(
    { path: 'db/migrations/0042_drop_users.sql', added: ['DROP TABLE users;'] },
    { path: 'tests/fixtures/schema.sql', added: ['DROP TABLE users;'] },
    { path: 'src/auth/login.ts', added: ['eval(x);'] },
    { path: 'scripts/build.ts', added: ['eval(x);'] },
    { path: 'src/auth/login.test.ts', added: ['eval(x);'] },
  ),
);

const sensitive = compileGlobs(Object.values(defaultConfig().risk.sensitive_paths).flat());
const finder = (settings: Record<string, TierFloorSetting>) => createFloorFinder(settings, sensitive);

describe('which floors hold', () => {
  it('a floor holds when its factor fired, with the tier, the files and a one-line reason', () => {
    const floors = finder({ 'pattern.sql-destructive': { tier: 'thorough', in: 'any', tests: true } })(
      [factor('pattern.sql-destructive', ['db/migrations/0042_drop_users.sql']), factor('pattern.weak-crypto', ['src/auth/login.ts'])],
      diff,
    );
    expect(floors).toEqual([
      {
        factor: 'pattern.sql-destructive',
        tier: 'thorough',
        files: ['db/migrations/0042_drop_users.sql'],
        reason: '1 added line(s) match pattern.sql-destructive (db/migrations/0042_drop_users.sql)',
      },
    ]);
  });

  it('`none` removes a floor, and a factor without a floor sets none', () => {
    expect(finder({ 'pattern.sql-destructive': 'none' })([factor('pattern.sql-destructive', ['db/migrations/0042_drop_users.sql'])], diff)).toEqual([]);
    expect(finder({})([factor('pattern.sql-destructive', ['db/migrations/0042_drop_users.sql'])], diff)).toEqual([]);
  });

  it('tests: false ignores files of kind test, and any other file of the factor still sets the floor', () => {
    const rules = finder({ 'pattern.sql-destructive': { tier: 'thorough', in: 'any', tests: false } });
    expect(rules([factor('pattern.sql-destructive', ['tests/fixtures/schema.sql'])], diff)).toEqual([]);
    const both = rules([factor('pattern.sql-destructive', ['tests/fixtures/schema.sql', 'db/migrations/0042_drop_users.sql'])], diff);
    expect(both.map((f) => f.files)).toEqual([['db/migrations/0042_drop_users.sql']]);
    // tests: true counts them.
    const counted = finder({ 'pattern.sql-destructive': { tier: 'thorough', in: 'any', tests: true } });
    expect(counted([factor('pattern.sql-destructive', ['tests/fixtures/schema.sql'])], diff)).toHaveLength(1);
  });

  it('in: sensitive-paths holds only for files in a sensitive path (or renamed from one)', () => {
    const rules = finder({ 'pattern.dynamic-code': { tier: 'thorough', in: 'sensitive-paths', tests: true } });
    expect(rules([factor('pattern.dynamic-code', ['scripts/build.ts'])], diff)).toEqual([]);
    expect(rules([factor('pattern.dynamic-code', ['scripts/build.ts', 'src/auth/login.ts'])], diff).map((f) => f.files)).toEqual([['src/auth/login.ts']]);
    const renamed = parse(
      ['diff --git a/src/auth/check.ts b/src/util/check.ts', 'similarity index 90%', 'rename from src/auth/check.ts', 'rename to src/util/check.ts', '--- a/src/auth/check.ts', '+++ b/src/util/check.ts', '@@ -1,1 +1,1 @@', '-a', '+eval(x);', ''].join('\n'),
    );
    expect(rules([factor('pattern.dynamic-code', ['src/util/check.ts'])], renamed)).toHaveLength(1);
  });

  it('reads every file the factor lists, not only the capped evidence', () => {
    // Five test files fill the evidence; the migration is the sixth hit.
    const paths = [1, 2, 3, 4, 5].map((n) => `tests/t${n}.sql`);
    const many = parse(makeDiff(...[...paths, 'db/migrations/9.sql'].map((path) => ({ path, added: ['DROP TABLE users;'] }))));
    const rules = finder({ 'pattern.sql-destructive': { tier: 'thorough', in: 'any', tests: false } });
    const capped = factor('pattern.sql-destructive', paths);
    expect(rules([capped], many)).toEqual([]);
    expect(rules([{ ...capped, files: [...paths, 'db/migrations/9.sql'] }], many).map((f) => f.files)).toEqual([['db/migrations/9.sql']]);
  });

  it('a factor about the PR text (no changed file) holds in any scope but never in sensitive paths only', () => {
    const text = factor('text.addressed-to-model', ['(pull request body)']);
    expect(finder({ 'text.addressed-to-model': { tier: 'full', in: 'any', tests: false } })([text], diff)).toMatchObject([{ tier: 'full', files: [] }]);
    expect(finder({ 'text.addressed-to-model': { tier: 'full', in: 'sensitive-paths', tests: true } })([text], diff)).toEqual([]);
    const noEvidence = factor('text.addressed-to-model', []);
    expect(finder({ 'text.addressed-to-model': { tier: 'full', in: 'any', tests: true } })([noEvidence], diff)).toHaveLength(1);
  });

  it('lists the floors highest first', () => {
    const floors = finder({
      'pattern.sql-destructive': { tier: 'thorough', in: 'any', tests: true },
      'pattern.bidi-or-tag': { tier: 'full', in: 'any', tests: true },
      'pattern.ci-privilege': { tier: 'standard', in: 'any', tests: true },
    })([factor('pattern.ci-privilege', ['src/auth/login.ts']), factor('pattern.sql-destructive', ['src/auth/login.ts']), factor('pattern.bidi-or-tag', ['src/auth/login.ts'])], diff);
    expect(floors.map((f) => f.tier)).toEqual(['full', 'thorough', 'standard']);
  });
});

describe('the planner with floors', () => {
  const planner = createTierPlanner(defaultConfig());
  const drop = factor('pattern.sql-destructive', ['db/migrations/0042_drop_users.sql']);

  it('raises the tier the score calls for to the floor, and says which floor and why', () => {
    const plan = planner.choose(diff, { score: 25, factors: [drop] });
    expect(plan.tier).toBe('thorough');
    expect(plan.reasons).toEqual([
      'score 25 is in the standard band',
      'tier floor thorough on pattern.sql-destructive (tiers.floors): 1 added line(s) match pattern.sql-destructive (db/migrations/0042_drop_users.sql)',
    ]);
    expect(plan.floors.map((f) => f.factor)).toEqual(['pattern.sql-destructive']);
    // The plan is the floored tier's: the strong model reviews.
    expect(plan.agents.find((a) => a.agent === 'security')!.model).toBe('claude-sonnet-5-5');
  });

  it('never lowers: a floor below the score band holds but is no reason, and a higher forced tier still wins', () => {
    const high = planner.choose(diff, { score: 80, factors: [drop] });
    expect(high.tier).toBe('full');
    expect(high.reasons).toEqual(['score 80 is in the full band']);
    expect(high.floors).toHaveLength(1);
    expect(planner.choose(diff, { score: 0, factors: [drop] }, 'full').tier).toBe('full');
    expect(planner.choose(diff, { score: 0, factors: [drop] }, 'minimal').tier).toBe('thorough');
  });

  it('names every floor above the band, the highest first', () => {
    const bidi = factor('pattern.bidi-or-tag', ['src/auth/login.ts']);
    const plan = planner.choose(diff, { score: 10, factors: [drop, bidi] });
    expect(plan.tier).toBe('full');
    expect(plan.reasons.slice(1).map((r) => r.split(':')[0])).toEqual(['tier floor full on pattern.bidi-or-tag (tiers.floors)', 'tier floor thorough on pattern.sql-destructive (tiers.floors)']);
  });

  it('applies the floors of the config: a replaced, a removed and an added floor', () => {
    const config = parseConfig(
      'tiers:\n  floors:\n    pattern.sql-destructive: full\n    pattern.bidi-or-tag: none\n    sensitive.payment: { tier: standard }\n',
      't.yml',
    );
    const custom = createTierPlanner(config);
    expect(custom.choose(diff, { score: 0, factors: [drop] }).tier).toBe('full');
    expect(custom.choose(diff, { score: 0, factors: [factor('pattern.bidi-or-tag', ['src/auth/login.ts'])] }).tier).toBe('minimal');
    const payment = parse(makeDiff({ path: 'src/billing/charge.ts', added: ['x'] }));
    expect(custom.choose(payment, { score: 0, factors: [factor('sensitive.payment', ['src/billing/charge.ts'])] }).tier).toBe('standard');
    // The replaced entry is the whole entry: `full` alone counts test files.
    expect(custom.choose(diff, { score: 0, factors: [factor('pattern.sql-destructive', ['tests/fixtures/schema.sql'])] }).tier).toBe('full');
    expect(planner.choose(diff, { score: 0, factors: [factor('pattern.sql-destructive', ['tests/fixtures/schema.sql'])] }).tier).toBe('minimal');
  });

  it('keeps the tier asked for by name exactly, without floors', () => {
    expect(planner.at(diff, 'minimal')).toMatchObject({ tier: 'minimal', floors: [] });
  });
});
