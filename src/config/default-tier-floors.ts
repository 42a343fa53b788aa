import type { TierFloorRule } from '../plan/tier-floors.js';

// Evidence that sets a minimum tier whatever the points: the weights were fitted for ranking, so
// rare but dangerous evidence carries few points. A config's `tiers.floors` entry replaces the
// entry of the same factor id here; `none` removes it.
//
// `tests: false` where test code legitimately holds the pattern: fixtures that drop and refill
// tables, fake passwords in login tests. Their points still count. `in: sensitive-paths` where
// the pattern is common in ordinary code (eval in a build script, pickle in a notebook helper)
// and dangerous where authentication, crypto, payments, migrations or secrets live.
export const DEFAULT_TIER_FLOORS: Readonly<Record<string, TierFloorRule>> = {
  'pattern.sql-destructive': { tier: 'thorough', in: 'any', tests: false },
  'pattern.bidi-or-tag': { tier: 'full', in: 'any', tests: true },
  'pattern.addressed-to-model': { tier: 'full', in: 'any', tests: true },
  'text.addressed-to-model': { tier: 'full', in: 'any', tests: true },
  'pattern.hardcoded-credential': { tier: 'thorough', in: 'any', tests: false },
  'pattern.ci-privilege': { tier: 'thorough', in: 'any', tests: true },
  'pattern.unsafe-deserialization': { tier: 'thorough', in: 'sensitive-paths', tests: true },
  'pattern.dynamic-code': { tier: 'thorough', in: 'sensitive-paths', tests: true },
  'pattern.tls-disabled': { tier: 'thorough', in: 'sensitive-paths', tests: true },
};
