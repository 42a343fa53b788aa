import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/config/config-error.js';
import { parseConfig } from '../../src/config/load-config.js';

function problems(yaml: string): string[] {
  try {
    parseConfig(yaml, 'riskgate.yml');
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    // Each problem starts with where it is in the YAML (tested in load-config.test.ts); the rest is what these tests read.
    const found = (error as ConfigError).problems;
    for (const problem of found) expect(problem).toMatch(/^line \d+, column \d+: /);
    return found.map((problem) => problem.replace(/^line \d+, column \d+: /, ''));
  }
  throw new Error('expected the config to be rejected');
}

describe('models and prices by provider in the config', () => {
  it('takes provider/model names, a local class, fallbacks per class and prices by the same names', () => {
    const config = parseConfig(
      [
        'models:',
        '  fast: local/qwen2.5-coder',
        '  strong: anthropic/claude-sonnet-5-5',
        '  local: local/qwen2.5-coder',
        '  fallback:',
        '    strong: [aws/us.anthropic.claude-sonnet-5-5-v1:0, claude-haiku-5-5]',
        'tiers:',
        '  minimal:',
        '    agents: { review: local }',
        'prices:',
        '  local/qwen2.5-coder: { input: 0, output: 0, cache_write_5m: 0, cache_write_1h: 0, cache_read: 0, local: true }',
      ].join('\n'),
      'x.yml',
    );
    expect(config.models).toEqual({
      fast: 'local/qwen2.5-coder',
      strong: 'anthropic/claude-sonnet-5-5',
      local: 'local/qwen2.5-coder',
      fallback: { strong: ['aws/us.anthropic.claude-sonnet-5-5-v1:0', 'claude-haiku-5-5'] },
    });
    expect(config.tiers.minimal.agents).toEqual({ review: 'local' });
    expect(config.prices['local/qwen2.5-coder']?.local).toBe(true);
  });

  it('refuses a tier on the local class when models.local names no model', () => {
    expect(problems('tiers:\n  minimal:\n    agents: { review: local }\n')).toEqual([
      'tiers.minimal.agents.review: runs on the local class, but models.local names no model (e.g. models: { local: local/qwen2.5-coder })',
    ]);
  });

  it('refuses a malformed provider/model name', () => {
    const found = problems('models:\n  fast: Local/qwen\n  fallback:\n    strong: [/x]\n');
    expect(found).toHaveLength(2);
    expect(found[0]).toMatch(/^models\.fast: a model is named "provider\/model"/);
    expect(found[1]).toMatch(/^models\.fallback\.strong\[0\]: a model is named "provider\/model"/);
  });

  it('refuses an endpoint or a credential in the config, saying where they belong', () => {
    const [baseUrl] = problems('models:\n  base_url: http://evil.example\n');
    expect(baseUrl).toMatch(/^models\.base_url: unknown key/);
    expect(baseUrl).toContain('the operator declares providers in the environment (RISKGATE_PROVIDERS');
    const [providers] = problems('providers:\n  local: { type: openai-compatible }\n');
    expect(providers).toMatch(/^providers: unknown key.*RISKGATE_PROVIDERS/);
    // A plain typo gets no such note.
    expect(problems('models:\n  fsat: x\n')[0]).not.toContain('RISKGATE_PROVIDERS');
  });

  it('refuses a fallback for a class that does not exist and an overlong chain', () => {
    expect(problems('models:\n  fallback:\n    medium: [x]\n')[0]).toMatch(/^models\.fallback\.medium: unknown key/);
    expect(problems('models:\n  fallback:\n    fast: [a, b, c, d, e, f]\n')[0]).toMatch(/^models\.fallback\.fast: /);
  });
});
