import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { DEFAULT_TIER_FLOORS } from '../../src/config/default-tier-floors.js';
import { FIXED_FACTOR_IDS, knownFactorIds } from '../../src/risk/known-factor-ids.js';
import { PATTERN_RULES } from '../../src/risk/pattern-rules.js';

// The config refuses a floor on an id outside this catalogue, so an id a family produces but the
// catalogue lacks could never be floored, and a default floor on an id nothing produces never holds.
const FACTORS_DIR = new URL('../../src/risk/factors/', import.meta.url);
const ID_LITERAL = /['"`]((?:size|spread|kind|tests|unseen|text|sensitive|pattern|structure)\.[a-z][a-z0-9-]*)['"`]/g;

describe('the catalogue of factor ids', () => {
  const written = () =>
    readdirSync(FACTORS_DIR)
      .filter((name) => name.endsWith('.ts'))
      .flatMap((name) => [...readFileSync(new URL(name, FACTORS_DIR), 'utf8').matchAll(ID_LITERAL)].map((m) => m[1]!));

  it('holds every fixed id a factor family writes', () => {
    expect(written().length).toBeGreaterThan(10);
    expect(written().filter((id) => !FIXED_FACTOR_IDS.includes(id))).toEqual([]);
  });

  it('holds no id that no family writes any more', () => {
    const ids = new Set(written());
    expect(FIXED_FACTOR_IDS.filter((id) => !ids.has(id))).toEqual([]);
  });

  it('derives the pattern ids from the rules and the sensitive ids from the config', () => {
    const known = knownFactorIds(['ledger']);
    for (const rule of PATTERN_RULES) expect(known).toContain(`pattern.${rule.id}`);
    expect(known).toContain('sensitive.ledger');
    expect(known).not.toContain('sensitive.auth');
  });

  it('every built-in floor names a factor riskgate produces', () => {
    const produced = new Set([...FIXED_FACTOR_IDS, ...PATTERN_RULES.map((rule) => `pattern.${rule.id}`)]);
    expect(Object.keys(DEFAULT_TIER_FLOORS).filter((id) => !produced.has(id))).toEqual([]);
  });
});
