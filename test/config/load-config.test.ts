import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/config/config-error.js';
import { defaultConfig, parseConfig } from '../../src/config/load-config.js';
import { billionLaughs } from '../support/billion-laughs.js';

function problems(yaml: string): string[] {
  try {
    parseConfig(yaml, 'riskgate.yml');
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as ConfigError).problems;
  }
  throw new Error('expected the config to be rejected');
}

describe('config', () => {
  it('has a default for everything', () => {
    const config = parseConfig('', 'empty.yml');
    expect(config).toEqual(defaultConfig());
    expect(config.tiers.thresholds).toEqual({ standard: 25, thorough: 50, full: 75 });
    expect(config.models).toEqual({ fast: 'claude-haiku-5-5', strong: 'claude-sonnet-5-5' });
  });

  it('changes one field of one tier and keeps the rest', () => {
    const config = parseConfig('tiers:\n  standard:\n    token_budget: 1234\n', 'x.yml');
    expect(config.tiers.standard).toEqual({ ...defaultConfig().tiers.standard, token_budget: 1234 });
    expect(config.tiers.full).toEqual(defaultConfig().tiers.full);
  });

  it('rejects an unknown key and suggests the nearest one', () => {
    expect(problems('tiers:\n  treshold: {}\n')).toEqual([
      'tiers.treshold: unknown key; did you mean "thresholds"? (allowed: thresholds, always_full, minimal, standard, thorough, full)',
    ]);
    expect(problems('modles: {}\n')[0]).toMatch(/^modles: unknown key; did you mean "models"\?/);
  });

  it('names the key path and the allowed values of a wrong value', () => {
    expect(problems('tiers:\n  minimal:\n    agents: { review: quick }\n')).toEqual([
      'tiers.minimal.agents.review: "quick" is not allowed; allowed: "fast", "strong"',
    ]);
  });

  it('names the key path and the expected type, and refuses truthy strings', () => {
    expect(problems('models:\n  fast: 3\n')).toEqual(['models.fast: expected string, got number 3']);
    expect(problems('risk:\n  max_file_lines: "yes"\n')).toEqual(['risk.max_file_lines: expected number, got string "yes"']);
  });

  it('checks that thresholds rise', () => {
    expect(problems('tiers:\n  thresholds: { standard: 60, thorough: 50 }\n')).toEqual([
      'tiers.thresholds: thresholds must rise: standard <= thorough <= full',
    ]);
  });

  it('reports YAML syntax errors with their position', () => {
    expect(problems('tiers: [\n')[0]).toMatch(/^YAML line \d+, column \d+: \S/);
    expect(problems('a: 1\na: 2\n')[0]).toMatch(/^YAML line 2, column 1: Map keys must be unique/);
  });

  it('names a "billion laughs" document (aliases expanding without bound) instead of expanding it', () => {
    const found = problems(billionLaughs());
    expect(found).toHaveLength(1);
    expect(found[0]).toMatch(/^YAML: its aliases \(\*name\) expand to more than 100 copies .*"billion laughs"/);
    // A few aliases are fine.
    expect(parseConfig('models:\n  fast: &same claude-haiku-5-5\n  strong: *same\n', 'ok.yml').models.strong).toBe('claude-haiku-5-5');
  });

  it('rejects a document that is not a mapping', () => {
    expect(problems('- a\n- b\n')).toEqual(['(top level): expected a mapping of keys, got a list']);
  });

  it('names the file in the error message', () => {
    expect(() => parseConfig('x: 1', '.github/riskgate.yml')).toThrow(/invalid config \.github\/riskgate\.yml:\n {2}- x: unknown key/);
  });
});
