import { PATTERN_RULES } from './pattern-rules.js';

// Ids of the factors whose id is fixed in code. The other ids come from data: `pattern.<rule>`
// from the pattern rules and `sensitive.<category>` from the config's sensitive paths. A test
// reads src/risk/factors/ and fails when a family produces an id missing here.
export const FIXED_FACTOR_IDS: readonly string[] = [
  'size.changed-lines',
  'spread.files',
  'spread.directories',
  'kind.docs-only',
  'kind.tests-only',
  'kind.not-shown',
  'kind.ci',
  'kind.infrastructure',
  'kind.permissions',
  'kind.dependencies',
  'tests.missing',
  'tests.deleted',
  'unseen.files',
  'unseen.long-line',
  'text.bug-fix',
  'text.addressed-to-model',
  'text.hidden-markup',
  'structure.breaking-change',
  'structure.new-functions',
];

/**
 * Every factor id a change can be scored with under a config whose sensitive categories are
 * `sensitiveCategories`: what a config may name (a calibrated model's own `model.*` terms aside,
 * which measure every change and are not evidence).
 */
export function knownFactorIds(sensitiveCategories: readonly string[]): Set<string> {
  return new Set([...FIXED_FACTOR_IDS, ...PATTERN_RULES.map((rule) => `pattern.${rule.id}`), ...sensitiveCategories.map((category) => `sensitive.${category}`)]);
}
