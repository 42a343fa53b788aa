import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config/load-config.js';
import { LOCAL_PRICE, modelPrices, priceOf } from '../../src/plan/model-prices.js';
import { createTierPlanner } from '../../src/plan/plan-tier.js';
import { DEFAULT_PRICES } from '../../src/plan/prices.js';
import { makeDiff } from '../support/make-diff.js';
import { parse } from '../support/parse.js';

describe('prices by provider/model', () => {
  it('prices Claude on any provider by the Claude id inside its name, other models at $0 local, the config first', () => {
    expect(priceOf('claude-haiku-5-5', {})).toBe(DEFAULT_PRICES['claude-haiku-5-5']);
    expect(priceOf('anthropic/claude-haiku-5-5', {})).toBe(DEFAULT_PRICES['claude-haiku-5-5']);
    expect(priceOf('aws/us.anthropic.claude-sonnet-5-5-v1:0', {})).toBe(DEFAULT_PRICES['claude-sonnet-5-5']);
    expect(priceOf('gcp/claude-opus-5-5@20261001', {})).toBe(DEFAULT_PRICES['claude-opus-5-5']);
    expect(priceOf('local/qwen2.5-coder', {})).toEqual(LOCAL_PRICE);
    expect(priceOf('anthropic/claude-unknown-9', {})).toBeUndefined();
    const own = { input: 1, output: 2, cache_write_5m: 0, cache_write_1h: 0, cache_read: 0 };
    expect(priceOf('hosted/llama-70b', { 'hosted/llama-70b': own })).toBe(own);
    // A bare id's price also prices it under its anthropic/ name, and the reverse.
    expect(priceOf('anthropic/claude-haiku-5-5', { 'claude-haiku-5-5': own })).toBe(own);
    expect(priceOf('claude-haiku-5-5', { 'anthropic/claude-haiku-5-5': own })).toBe(own);
  });

  it('a run looks up every configured model and fallback by the name as written', () => {
    const config = parseConfig('models:\n  local: local/qwen\n  fallback:\n    strong: [aws/us.anthropic.claude-sonnet-5-5-v1:0]\n', 'x.yml');
    const table = modelPrices(config);
    expect(table['local/qwen']).toEqual(LOCAL_PRICE);
    expect(table['aws/us.anthropic.claude-sonnet-5-5-v1:0']).toBe(DEFAULT_PRICES['claude-sonnet-5-5']);
    expect(table['anthropic/claude-haiku-5-5']).toBe(DEFAULT_PRICES['claude-haiku-5-5']);
  });

  it('plans a tier on the local class at $0', () => {
    const config = parseConfig('models:\n  local: local/qwen\ntiers:\n  minimal:\n    agents: { review: local }\n', 'x.yml');
    const diff = parse(makeDiff({ path: 'README.md', added: ['Hello.'] }));
    const plan = createTierPlanner(config).at(diff, 'minimal');
    expect(plan.agents).toMatchObject([{ agent: 'review', modelClass: 'local', model: 'local/qwen', estimatedUsd: 0 }]);
    expect(createTierPlanner(config).at(diff, 'standard').estimatedUsd).toBeGreaterThan(0);
  });
});
