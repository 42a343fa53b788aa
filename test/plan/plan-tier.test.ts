import { describe, expect, it } from 'vitest';
import { defaultConfig, parseConfig } from '../../src/config/load-config.js';
import { callCostUsd } from '../../src/plan/estimate-cost.js';
import { createTierPlanner } from '../../src/plan/plan-tier.js';
import { DEFAULT_PRICES } from '../../src/plan/prices.js';
import { lines, makeDiff } from '../support/make-diff.js';
import { parse } from '../support/parse.js';

const diff = parse(makeDiff({ path: 'src/a.ts', added: lines(50) }));
const planner = createTierPlanner(defaultConfig());
const plan = planner.choose;
/** A score with no factors: the tier comes from the band alone. */
const risk = (score: number) => ({ score, factors: [] });

describe('tier from score', () => {
  it.each([
    [0, 'minimal'],
    [24, 'minimal'],
    [25, 'standard'],
    [49, 'standard'],
    [50, 'thorough'],
    [75, 'full'],
    [100, 'full'],
  ])('score %i -> %s', (score, tier) => {
    expect(plan(diff, risk(score)).tier).toBe(tier);
  });

  it('uses the thresholds from config', () => {
    const strict = createTierPlanner(parseConfig('tiers:\n  thresholds: { standard: 5, thorough: 10, full: 20 }\n', 't.yml'));
    expect(strict.choose(diff, risk(12)).tier).toBe('thorough');
  });

  it('forces the full tier when a path matches always_full, and says why', () => {
    const pinned = createTierPlanner(parseConfig('tiers:\n  always_full: ["src/**"]\n', 't.yml'));
    const result = pinned.choose(diff, risk(3));
    expect(result.tier).toBe('full');
    expect(result.reasons.join(' ')).toMatch(/src\/a\.ts match tiers\.always_full/);
  });

  it('lets a forced tier raise the tier but never lower it', () => {
    expect(plan(diff, risk(10), 'full').tier).toBe('full');
    expect(plan(diff, risk(90), 'minimal').tier).toBe('full');
  });

  it('shows any tier exactly on request, for comparing costs', () => {
    expect(planner.at(diff, 'minimal').tier).toBe('minimal');
    expect(planner.at(diff, 'minimal').agents).toHaveLength(1);
  });
});

describe('agents and models per tier', () => {
  it('runs the configured agents on the configured model ids', () => {
    expect(plan(diff, risk(0)).agents.map((a) => [a.agent, a.model])).toEqual([['review', 'claude-haiku-5-5']]);
    expect(plan(diff, risk(60)).agents.map((a) => [a.agent, a.model])).toEqual([
      ['review', 'claude-sonnet-5-5'],
      ['security', 'claude-sonnet-5-5'],
      ['tests', 'claude-haiku-5-5'],
    ]);
    const custom = createTierPlanner(parseConfig('models: { strong: claude-opus-5-5 }\ntiers:\n  minimal: { agents: { security: strong } }\n', 't.yml'));
    expect(custom.choose(diff, risk(0)).agents.map((a) => [a.agent, a.model])).toEqual([['security', 'claude-opus-5-5']]);
  });

  it('estimates one cache write per model and cache reads for the agents after it', () => {
    const full = plan(diff, risk(90));
    expect(full.agents.map((a) => a.estimate.cacheWrite > 0)).toEqual([true, false, false]);
    expect(full.agents[1]!.estimate.cacheRead).toBe(full.contextTokens);
    expect(full.estimatedUsd).toBeCloseTo(full.agents.reduce((s, a) => s + a.estimatedUsd, 0), 10);
  });

  it('grows the estimate with the diff, up to the tier budget', () => {
    const small = plan(diff, risk(90));
    const big = plan(parse(makeDiff({ path: 'src/a.ts', added: lines(200_000) }), 1e9), risk(90));
    expect(big.contextTokens).toBeGreaterThan(small.contextTokens);
    expect(big.contextTokens).toBe(big.tokenBudget);
  });

  it('prices with the config table, and refuses a model without a price', () => {
    const priced = createTierPlanner(
      parseConfig('models: { fast: my-model }\nprices:\n  my-model: { input: 100, output: 100, cache_write_5m: 100, cache_write_1h: 100, cache_read: 100 }\n', 't.yml'),
    );
    expect(priced.choose(diff, risk(0)).estimatedUsd).toBeGreaterThan(plan(diff, risk(0)).estimatedUsd * 100);
    const unpriced = createTierPlanner(parseConfig('models: { fast: unknown-model }\n', 't.yml'));
    expect(() => unpriced.choose(diff, risk(0))).toThrow(/no price for model "unknown-model"/);
  });
});

describe('callCostUsd', () => {
  it('bills each kind of token at its rate', () => {
    const sonnet = DEFAULT_PRICES['claude-sonnet-5-5']!;
    expect(callCostUsd(sonnet, { input: 1_000_000, cacheWrite: 0, cacheRead: 0, output: 0 })).toBeCloseTo(2);
    expect(callCostUsd(sonnet, { input: 0, cacheWrite: 1_000_000, cacheRead: 0, output: 0 })).toBeCloseTo(2.5);
    expect(callCostUsd(sonnet, { input: 0, cacheWrite: 0, cacheRead: 0, output: 1_000_000 })).toBeCloseTo(10);
  });

  it('bills the whole request at long-context rates above the threshold (Haiku 5.5 above 100k)', () => {
    const haiku = DEFAULT_PRICES['claude-haiku-5-5']!;
    expect(callCostUsd(haiku, { input: 100_000, cacheWrite: 0, cacheRead: 0, output: 0 })).toBeCloseTo(0.01);
    expect(callCostUsd(haiku, { input: 100_001, cacheWrite: 0, cacheRead: 0, output: 0 })).toBeCloseTo(0.0500005);
  });
});
