import type { Diff, DiffFile } from '../diff/diff-file.js';
import type { PathMatcher } from '../risk/match-paths.js';
import type { RiskFactor } from '../risk/risk-factor.js';
import { tierRank } from './tier.js';

// Tier floors: evidence that sets a minimum tier whatever the points. Pure: the factors of a
// scored change, the kinds of its files and the sensitive-path globs decide which floors hold.

/** A floor at `minimal` would be no floor, so it is not a floor's tier. */
export const FLOOR_TIERS = ['standard', 'thorough', 'full'] as const;
export type FloorTier = (typeof FLOOR_TIERS)[number];

/** Where a factor's files must be for its floor to hold. */
export const FLOOR_SCOPES = ['any', 'sensitive-paths'] as const;
export type FloorScope = (typeof FLOOR_SCOPES)[number];

export interface TierFloorRule {
  tier: FloorTier;
  /** `sensitive-paths`: only files matching a glob of `risk.sensitive_paths` set the floor. */
  in: FloorScope;
  /** false: files of kind `test` do not set the floor (their points still count). */
  tests: boolean;
}

/** A config entry: a rule, or `none` to remove a built-in floor. */
export type TierFloorSetting = TierFloorRule | 'none';

/** A floor that holds on a change: the factor, the minimum tier, the files that set it, why. */
export interface TierFloor {
  factor: string;
  tier: FloorTier;
  /** Changed files that set it; empty when the factor is about the PR text or the change as a whole. */
  files: string[];
  /** One line: the factor's reason and where. */
  reason: string;
}

export type FloorFinder = (factors: readonly RiskFactor[], diff: Diff) => TierFloor[];

const where = (files: readonly string[]) => (files.length === 0 ? '' : ` (${files[0]}${files.length > 1 ? ` and ${files.length - 1} more` : ''})`);

/** Compiles a config's floors: then, for any scored change, the floors that hold, highest first. */
export function createFloorFinder(settings: Readonly<Record<string, TierFloorSetting>>, sensitive: PathMatcher): FloorFinder {
  const isSensitive = (file: DiffFile) => sensitive(file.path) || (file.previousPath !== undefined && sensitive(file.previousPath));
  return (factors, diff) => {
    const byPath = new Map(diff.files.map((f) => [f.path, f]));
    const floors: TierFloor[] = [];
    for (const factor of factors) {
      const rule = settings[factor.id];
      if (rule === undefined || rule === 'none') continue;
      // Uncapped when the factor lists its files; evidence alone stops at a few entries.
      const paths = [...new Set(factor.files ?? factor.evidence.map((e) => e.path))];
      const changed = paths.flatMap((path) => byPath.get(path) ?? []);
      const setting = changed.filter((file) => (rule.tests || file.kind !== 'test') && (rule.in === 'any' || isSensitive(file)));
      // Evidence that is no changed file (the PR title or body), or none at all: the factor is
      // about the change as a whole, which is in no sensitive path and is no test.
      const wholeChange = changed.length < paths.length || paths.length === 0;
      if (setting.length === 0 && !(wholeChange && rule.in === 'any')) continue;
      const files = setting.map((f) => f.path);
      floors.push({ factor: factor.id, tier: rule.tier, files, reason: `${factor.reason}${where(files)}` });
    }
    return floors.sort((a, b) => tierRank(b.tier) - tierRank(a.tier) || (a.factor < b.factor ? -1 : a.factor > b.factor ? 1 : 0));
  };
}
