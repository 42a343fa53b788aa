import { rocAuc } from '../evaluation/roc-auc.js';
import { FEATURES, type FeatureDefinition, type FeatureValues } from './change-features.js';
import type { DatasetRow } from './build-dataset.js';
import { fitLogistic } from './logistic-regression.js';
import type { ModelVariant } from './risk-model-file.js';

export type ModelInputs = ModelVariant['inputs'];

/** The penalties tried; the one with the best AUC on the newest fifth of the training rows wins. */
const LAMBDAS = [1e-4, 1e-3, 1e-2, 1e-1, 1] as const;
const INNER_VALIDATION_SHARE = 0.2;

/** The features a variant reads: all of them with history, none of the history ones without. */
export function featuresFor(inputs: ModelInputs): FeatureDefinition[] {
  return FEATURES.filter((f) => inputs === 'history' || f.source !== 'history');
}

const transform = (feature: Pick<FeatureDefinition, 'id' | 'log'>, values: FeatureValues) => {
  const raw = values[feature.id];
  return feature.log ? Math.log1p(Math.max(0, raw)) : raw;
};

function meanAndSd(xs: readonly number[]): { mean: number; sd: number } {
  const mean = xs.reduce((a, b) => a + b, 0) / xs.length;
  const variance = xs.reduce((a, b) => a + (b - mean) ** 2, 0) / xs.length;
  return { mean, sd: Math.sqrt(variance) };
}

const DEFINITIONS = new Map(FEATURES.map((f) => [f.id, f]));

/** Each fitted feature's share of the log-odds for a change: weight times its standardised value. */
export function logitTerms(variant: Pick<ModelVariant, 'features'>, values: FeatureValues): Array<{ id: FeatureDefinition['id']; term: number }> {
  return variant.features.map((f) => ({ id: f.id, term: (f.weight * (transform(DEFINITIONS.get(f.id)!, values) - f.mean)) / f.sd }));
}

export function linearScore(variant: Pick<ModelVariant, 'features'>, values: FeatureValues): number {
  return logitTerms(variant, values).reduce((sum, t) => sum + t.term, 0);
}

function fitOnce(rows: readonly DatasetRow[], labels: readonly boolean[], features: readonly FeatureDefinition[], lambda: number) {
  const columns = features.map((f) => rows.map((r) => transform(f, r.values)));
  const scales = columns.map(meanAndSd);
  const matrix = rows.map((_, i) => features.map((_, j) => (scales[j]!.sd > 0 ? (columns[j]![i]! - scales[j]!.mean) / scales[j]!.sd : 0)));
  const fit = fitLogistic(matrix, labels, { lambda, nonNegative: features.map((f) => f.raiseOnly) });
  return {
    intercept: fit.intercept,
    features: features.map((f, j) => ({
      id: f.id,
      mean: scales[j]!.mean,
      // A constant feature says nothing; sd 1 keeps the file valid and its weight is 0.
      sd: scales[j]!.sd > 0 ? scales[j]!.sd : 1,
      weight: scales[j]!.sd > 0 ? fit.weights[j]! : 0,
    })),
  };
}

/**
 * Fits one variant: regularised logistic regression on standardised features, the penalty chosen
 * on the newest training rows, then refitted on all of them. Points are put on the scale of
 * the default score's families it stands in for: the same mean and spread over this history,
 * so the tiers' thresholds keep their meaning and each feature's points add up to the score.
 */
export function fitVariant(rows: readonly DatasetRow[], labels: readonly boolean[], inputs: ModelInputs): ModelVariant {
  const features = featuresFor(inputs);
  const split = Math.floor(rows.length * (1 - INNER_VALIDATION_SHARE));
  const innerTrain = rows.slice(0, split);
  const innerLabels = labels.slice(0, split);
  const heldOut = rows.slice(split);
  const heldLabels = labels.slice(split);
  let lambda: number = LAMBDAS[1];
  const twoClasses = (ls: readonly boolean[]) => ls.some(Boolean) && ls.some((l) => !l);
  if (twoClasses(innerLabels) && twoClasses(heldLabels)) {
    let best = -Infinity;
    for (const candidate of LAMBDAS) {
      const fitted = fitOnce(innerTrain, innerLabels, features, candidate);
      const auc = rocAuc(heldOut.map((r) => linearScore(fitted, r.values)), heldLabels);
      if (auc > best + 1e-4) {
        best = auc;
        lambda = candidate;
      }
    }
  }
  const fitted = fitOnce(rows, labels, features, lambda);
  const linear = rows.map((r) => linearScore(fitted, r.values));
  const target = meanAndSd(rows.map((r) => r.defaultPoints));
  const spread = meanAndSd(linear);
  const perLogit = spread.sd > 0 ? target.sd / spread.sd : 0;
  return {
    inputs,
    intercept: fitted.intercept,
    lambda,
    features: fitted.features,
    points: { base: target.mean - perLogit * spread.mean, perLogit },
  };
}
