import type { UnseenReason } from '../diff/diff-file.js';
import type { RiskgateConfig } from '../config/config-schema.js';
import { FACTOR_FAMILIES } from './factor-registry.js';
import type { FactorFamily, FamilyFactory, RiskFactor, RiskInput } from './risk-factor.js';
import { DEFAULT_WEIGHTS, type RiskWeights } from './weights.js';
import { MODEL_PATH, type RiskModel } from '../calibrate/risk-model-file.js';
import { createCalibratedFactors, MODEL_REPLACES_FACTORS, MODEL_REPLACES_FAMILIES } from './calibrated-factors.js';

export interface UnseenFile {
  path: string;
  reason: UnseenReason;
}

/** Which calibrated model scored a change, and on which inputs. */
export interface ModelUse {
  path: string;
  inputs: 'history' | 'diff';
  createdAt: string;
  head: string;
  trainingCommits: number;
}

export interface RiskReport {
  /** 0 to 100, the rounded sum of the factors' points. */
  score: number;
  /** Every factor that fired, largest effect first. */
  factors: RiskFactor[];
  /** Files riskgate could not fully read; listed so that nobody mistakes silence for safety. */
  unseen: UnseenFile[];
  /** Set when a calibrated model (`.github/riskgate-model.json`) scored the change. */
  model?: ModelUse;
}

export type RiskScorer = (input: RiskInput) => RiskReport;

const round1 = (n: number) => Math.round(n * 10) / 10;

/** The paths the `pattern.*` factors fired on. */
function patternPathsOf(factors: readonly RiskFactor[]): Set<string> {
  const paths = new Set<string>();
  for (const factor of factors) {
    if (!factor.id.startsWith('pattern.')) continue;
    for (const path of factor.files ?? factor.evidence.map((e) => e.path)) paths.add(path);
  }
  return paths;
}

/** Builds a scorer for one config: globs are compiled once, then many diffs can be scored. */
export function createRiskScorer(
  config: RiskgateConfig,
  weights: RiskWeights = DEFAULT_WEIGHTS,
  families: readonly FamilyFactory[] = FACTOR_FAMILIES,
  model?: RiskModel,
): RiskScorer {
  const settings = { weights, sensitivePaths: config.risk.sensitive_paths, permissionPaths: config.risk.permission_paths };
  const built: FactorFamily[] = families.map((make) => make(settings));
  // With a calibrated model, the families it stands in for make way for its factors; the rest
  // (sensitive paths, dangerous patterns, unseen content, hidden text) still add on top.
  const calibrated = model ? createCalibratedFactors(model, settings) : undefined;
  const active = calibrated ? built.filter((f) => !MODEL_REPLACES_FAMILIES.has(f.family)) : built;
  return (input) => {
    // Families that cannot lower run first; those that can, and the calibrated model, then know
    // which files a dangerous pattern matched, so no discount stands beside dangerous code.
    const found = new Map<FactorFamily, RiskFactor[]>();
    for (const family of active) if (!family.mayLower) found.set(family, family.evaluate(input));
    const informed: RiskInput = { ...input, patternPaths: patternPathsOf([...found.values()].flat()) };
    for (const family of active) if (family.mayLower) found.set(family, family.evaluate(informed));
    const factors: RiskFactor[] = [];
    let modelUse: ModelUse | undefined;
    if (calibrated) {
      const part = calibrated.evaluate(informed);
      factors.push(...part.factors);
      modelUse = {
        path: MODEL_PATH,
        inputs: part.inputs,
        createdAt: calibrated.model.createdAt,
        head: calibrated.model.head,
        trainingCommits: calibrated.model.counts.trainingCommits,
      };
    }
    for (const family of active) {
      for (const factor of found.get(family)!) {
        if (calibrated && MODEL_REPLACES_FACTORS.has(factor.id)) continue;
        // The guarantee behind "may raise, never lower": only families whose input riskgate
        // trusts (file kinds) can subtract.
        const points = family.mayLower ? factor.points : Math.max(0, factor.points);
        factors.push({ ...factor, points: round1(points) });
      }
    }
    factors.sort((a, b) => Math.abs(b.points) - Math.abs(a.points) || (a.id < b.id ? -1 : 1));
    const total = factors.reduce((sum, f) => sum + f.points, 0);
    const unseen = input.diff.files.flatMap((f) => (f.unseen ? [{ path: f.path, reason: f.unseen }] : []));
    return { score: Math.min(100, Math.max(0, Math.round(total))), factors, unseen, ...(modelUse ? { model: modelUse } : {}) };
  };
}
