import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/config/config-error.js';
import { defaultConfig, parseConfig, validateConfig } from '../../src/config/load-config.js';
import { billionLaughs } from '../support/billion-laughs.js';

function located(yaml: string): string[] {
  try {
    parseConfig(yaml, 'riskgate.yml');
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as ConfigError).problems;
  }
  throw new Error('expected the config to be rejected');
}

/** The problems without their "line N, column M: " (the position has its own test below). */
const problems = (yaml: string) => located(yaml).map((p) => p.replace(/^line \d+, column \d+: /, ''));

describe('config', () => {
  it('has a default for everything', () => {
    const config = parseConfig('', 'empty.yml');
    expect(config).toEqual(defaultConfig());
    expect(config.tiers.thresholds).toEqual({ standard: 25, thorough: 50, full: 75 });
    expect(config.models).toEqual({ fast: 'claude-haiku-5-5', strong: 'claude-sonnet-5-5', fallback: {} });
  });

  it('changes one field of one tier and keeps the rest', () => {
    const config = parseConfig('tiers:\n  standard:\n    token_budget: 1234\n', 'x.yml');
    expect(config.tiers.standard).toEqual({ ...defaultConfig().tiers.standard, token_budget: 1234 });
    expect(config.tiers.full).toEqual(defaultConfig().tiers.full);
  });

  it('rejects an unknown key and suggests the nearest one', () => {
    expect(problems('tiers:\n  treshold: {}\n')).toEqual([
      'tiers.treshold: unknown key; did you mean "thresholds"? (allowed: thresholds, always_full, floors, minimal, standard, thorough, full)',
    ]);
    expect(problems('modles: {}\n')[0]).toMatch(/^modles: unknown key; did you mean "models"\?/);
  });

  it('names the key path and the allowed values of a wrong value', () => {
    expect(problems('tiers:\n  minimal:\n    agents: { review: quick }\n')).toEqual([
      'tiers.minimal.agents.review: "quick" is not allowed; allowed: "fast", "strong", "local"',
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
    expect(() => parseConfig('x: 1', '.github/riskgate.yml')).toThrow(/invalid config \.github\/riskgate\.yml:\n {2}- line 1, column 1: x: unknown key/);
  });

  it('puts each problem on its line and column: the unknown key itself, else the wrong value, else the nearest mapping present', () => {
    const yaml = [
      '# riskgate config',
      'tiers:',
      '  thresholds: { standard: 60, thorough: 50 }',
      'risk:',
      '  max_file_lines: "yes"',
      'models:',
      '  fast: claude-haiku-5-5',
      '  stronk: claude-opus-5-5',
      'tiers_extra: 1',
      'findings:',
      '  - a list',
    ].join('\n');
    const found = located(`${yaml}\n`);
    expect(found).toContain('line 5, column 19: risk.max_file_lines: expected number, got string "yes"');
    expect(found).toContainEqual(expect.stringMatching(/^line 8, column 3: models\.stronk: unknown key; did you mean "strong"\?/));
    expect(found).toContainEqual(expect.stringMatching(/^line 9, column 1: tiers_extra: unknown key/));
    expect(found).toContainEqual(expect.stringMatching(/^line 11, column 3: findings: expected object/));
    expect(found).toContainEqual(expect.stringMatching(/^line 3, column 15: tiers\.thresholds/));
  });
});

describe('tiers.floors', () => {
  const floors = (yaml: string) => parseConfig(yaml, 'riskgate.yml').tiers.floors;

  it('has the built-in floors by default, in their long form', () => {
    expect(defaultConfig().tiers.floors).toEqual({
      'pattern.sql-destructive': { tier: 'thorough', in: 'any', tests: false },
      'pattern.bidi-or-tag': { tier: 'full', in: 'any', tests: true },
      'pattern.addressed-to-model': { tier: 'full', in: 'any', tests: true },
      'text.addressed-to-model': { tier: 'full', in: 'any', tests: true },
      'pattern.hardcoded-credential': { tier: 'thorough', in: 'any', tests: false },
      'pattern.ci-privilege': { tier: 'thorough', in: 'any', tests: true },
      'pattern.unsafe-deserialization': { tier: 'thorough', in: 'sensitive-paths', tests: true },
      'pattern.dynamic-code': { tier: 'thorough', in: 'sensitive-paths', tests: true },
      'pattern.tls-disabled': { tier: 'thorough', in: 'sensitive-paths', tests: true },
    });
  });

  it('an entry replaces the built-in entry of its id, `none` removes it, and other ids can be added', () => {
    const parsed = floors(
      'tiers:\n  floors:\n    pattern.sql-destructive: full\n    pattern.ci-privilege: none\n    pattern.dynamic-code: { tier: full, in: sensitive-paths }\n    sensitive.auth: standard\n',
    );
    expect(parsed['pattern.sql-destructive']).toEqual({ tier: 'full', in: 'any', tests: true });
    expect(parsed['pattern.ci-privilege']).toBe('none');
    expect(parsed['pattern.dynamic-code']).toEqual({ tier: 'full', in: 'sensitive-paths', tests: true });
    expect(parsed['sensitive.auth']).toEqual({ tier: 'standard', in: 'any', tests: true });
    expect(parsed['pattern.bidi-or-tag']).toEqual(defaultConfig().tiers.floors['pattern.bidi-or-tag']);
  });

  it('parses its own effective config to the same config (a removal stays removed)', () => {
    const once = parseConfig('tiers:\n  floors:\n    pattern.ci-privilege: none\n', 'riskgate.yml');
    expect(validateConfig(JSON.parse(JSON.stringify(once)), 'again')).toEqual(once);
  });

  it('names the key and what is allowed for a wrong tier, scope or flag', () => {
    expect(problems('tiers:\n  floors:\n    pattern.sql-ddl: high\n')).toEqual([
      'tiers.floors.pattern.sql-ddl: "high" is not allowed; allowed: "standard", "thorough", "full", "none"; or a mapping with keys: tier, in, tests',
    ]);
    // A floor at minimal would be no floor: it never lowers, so it is refused rather than ignored.
    expect(problems('tiers:\n  floors:\n    pattern.sql-ddl: minimal\n')[0]).toMatch(/^tiers\.floors\.pattern\.sql-ddl: "minimal" is not allowed; allowed: "standard"/);
    expect(problems('tiers:\n  floors:\n    pattern.sql-ddl: { tier: high }\n')).toEqual(['tiers.floors.pattern.sql-ddl.tier: "high" is not allowed; allowed: "standard", "thorough", "full"']);
    expect(problems('tiers:\n  floors:\n    pattern.sql-ddl: { tier: full, in: auth }\n')).toEqual(['tiers.floors.pattern.sql-ddl.in: "auth" is not allowed; allowed: "any", "sensitive-paths"']);
    expect(problems('tiers:\n  floors:\n    pattern.sql-ddl: { tier: full, tests: "no" }\n')).toEqual(['tiers.floors.pattern.sql-ddl.tests: expected boolean, got string "no"']);
    expect(problems('tiers:\n  floors:\n    pattern.sql-ddl: { tier: full, test: false }\n')).toEqual([
      'tiers.floors.pattern.sql-ddl.test: unknown key; did you mean "tests"? (allowed: tier, in, tests)',
    ]);
  });

  it('refuses a factor id that does not exist, so a typo cannot silently disable a floor', () => {
    const [problem] = problems('tiers:\n  floors:\n    pattern.sql-destrutive: none\n');
    expect(problem).toMatch(/^tiers\.floors\.pattern\.sql-destrutive: no factor has this id; did you mean "pattern\.sql-destructive"\? \(factor ids: .*pattern\.sql-ddl, /);
    expect(problems('tiers:\n  floors:\n    dynamic-code: thorough\n')[0]).toMatch(/^tiers\.floors\.dynamic-code: no factor has this id \(factor ids: /);
  });

  it("knows the sensitive categories of the same config, and only those", () => {
    expect(floors('risk:\n  sensitive_paths:\n    ledger: ["src/money/**"]\ntiers:\n  floors:\n    sensitive.ledger: full\n')['sensitive.ledger']).toMatchObject({ tier: 'full' });
    expect(problems('risk:\n  sensitive_paths:\n    ledger: ["src/money/**"]\ntiers:\n  floors:\n    sensitive.auth: full\n')[0]).toMatch(/^tiers\.floors\.sensitive\.auth: no factor has this id/);
  });
});
