import type { UnseenReason } from '../diff/diff-file.js';
import type { RiskgateConfig } from '../config/config-schema.js';
import { FACTOR_FAMILIES } from './factor-registry.js';
import type { FactorFamily, FamilyFactory, RiskFactor, RiskInput } from './risk-factor.js';
import { DEFAULT_WEIGHTS, type RiskWeights } from './weights.js';

export interface UnseenFile {
  path: string;
  reason: UnseenReason;
}

export interface RiskReport {
  /** 0 to 100, the rounded sum of the factors' points. */
  score: number;
  /** Every factor that fired, largest effect first. */
  factors: RiskFactor[];
  /** Files riskgate could not fully read; listed so that nobody mistakes silence for safety. */
  unseen: UnseenFile[];
}

export type RiskScorer = (input: RiskInput) => RiskReport;

const round1 = (n: number) => Math.round(n * 10) / 10;

/** Builds a scorer for one config: globs are compiled once, then many diffs can be scored. */
export function createRiskScorer(
  config: RiskgateConfig,
  weights: RiskWeights = DEFAULT_WEIGHTS,
  families: readonly FamilyFactory[] = FACTOR_FAMILIES,
): RiskScorer {
  const built: FactorFamily[] = families.map((make) =>
    make({ weights, sensitivePaths: config.risk.sensitive_paths, permissionPaths: config.risk.permission_paths }),
  );
  return (input) => {
    const factors: RiskFactor[] = [];
    for (const family of built) {
      for (const factor of family.evaluate(input)) {
        // The guarantee behind "may raise, never lower": only families whose input riskgate
        // trusts (file kinds) can subtract.
        const points = family.mayLower ? factor.points : Math.max(0, factor.points);
        factors.push({ ...factor, points: round1(points) });
      }
    }
    factors.sort((a, b) => Math.abs(b.points) - Math.abs(a.points) || (a.id < b.id ? -1 : 1));
    const total = factors.reduce((sum, f) => sum + f.points, 0);
    const unseen = input.diff.files.flatMap((f) => (f.unseen ? [{ path: f.path, reason: f.unseen }] : []));
    return { score: Math.min(100, Math.max(0, Math.round(total))), factors, unseen };
  };
}
