import { popt, recallAtEffort } from '../evaluation/effort-aware.js';
import { rocAuc } from '../evaluation/roc-auc.js';
import { SECONDS_PER_DAY } from '../history/history-commit.js';
import { buggyAsOf, type DatasetRow } from './build-dataset.js';
import { fitVariant, linearScore, type ModelInputs } from './fit-risk-model.js';
import { sigmoid } from './logistic-regression.js';
import type { RiskModel, ValidationRow } from './risk-model-file.js';

/** The newest quarter of the labelled window is the test part. */
const TEST_SHARE = 0.25;

const orNull = (n: number) => (Number.isFinite(n) ? n : null);

function metricsOf(scores: readonly number[], labels: readonly boolean[], efforts: readonly number[]) {
  return { auc: orNull(rocAuc(scores, labels)), popt: orNull(popt(scores, labels, efforts)), recallAt20: orNull(recallAtEffort(scores, labels, efforts, 0.2)) };
}

export interface TimeSplit {
  train: DatasetRow[];
  trainLabels: boolean[];
  test: DatasetRow[];
  testLabels: boolean[];
  trainUntil: number;
  testFrom: number;
}

/**
 * Train on the older part, test on the newer, with `gapDays` left out between them. Training
 * labels are what was known when the test part began (fixes up to then); test labels use every
 * fix up to `labelledUntil`. Nothing the model is tested on leaks into what it learned.
 */
export function splitByTime(rows: readonly DatasetRow[], gapDays: number, labelledUntil: number): TimeSplit {
  const testFrom = rows[Math.floor(rows.length * (1 - TEST_SHARE))]?.time ?? labelledUntil;
  const trainUntil = testFrom - gapDays * SECONDS_PER_DAY;
  const train = rows.filter((r) => r.time < trainUntil);
  const test = rows.filter((r) => r.time >= testFrom);
  return {
    train,
    trainLabels: train.map((r) => buggyAsOf(r, testFrom)),
    test,
    testLabels: test.map((r) => buggyAsOf(r, labelledUntil)),
    trainUntil,
    testFrom,
  };
}

/**
 * One variant fitted on the split's training part and measured on its test part, beside the
 * baselines: lines added for ranking (AUC), smallest changes first for effort (Popt, recall at 20%).
 * Effort-aware measures rank by risk per changed line, as the literature does.
 */
export function validateVariant(split: TimeSplit, inputs: ModelInputs): ValidationRow {
  const variant = fitVariant(split.train, split.trainLabels, inputs);
  const efforts = split.test.map((r) => Math.max(1, r.effort));
  const logits = split.test.map((r) => variant.intercept + linearScore(variant, r.values));
  const probability = logits.map(sigmoid);
  const density = probability.map((p, i) => p / efforts[i]!);
  const model = metricsOf(logits, split.testLabels, efforts);
  const effortAware = metricsOf(density, split.testLabels, efforts);
  const linesAdded = metricsOf(split.test.map((r) => r.linesAdded), split.testLabels, efforts);
  const smallestFirst = metricsOf(efforts.map((e) => -e), split.testLabels, efforts);
  return {
    inputs,
    model: { auc: model.auc, popt: effortAware.popt, recallAt20: effortAware.recallAt20 },
    linesAdded: { auc: linesAdded.auc, popt: linesAdded.popt, recallAt20: linesAdded.recallAt20 },
    smallestFirst,
  };
}

export function validationOf(split: TimeSplit, gapDays: number): RiskModel['validation'] {
  return {
    trainCommits: split.train.length,
    trainBuggy: split.trainLabels.filter(Boolean).length,
    testCommits: split.test.length,
    testBuggy: split.testLabels.filter(Boolean).length,
    trainUntil: new Date(split.trainUntil * 1000).toISOString(),
    testFrom: new Date(split.testFrom * 1000).toISOString(),
    gapDays,
    rows: [validateVariant(split, 'history'), validateVariant(split, 'diff')],
  };
}

/**
 * The variants that rank the newer commits no better than lines added alone. Such a model would
 * stand in for the default score's size and spread factors while knowing less than a size label,
 * so `calibrate` does not write it unless told to.
 */
export function weakerThanLinesAdded(validation: Pick<RiskModel['validation'], 'rows'>): ValidationRow[] {
  return validation.rows.filter((row) => row.model.auc === null || (row.linesAdded.auc !== null && row.model.auc <= row.linesAdded.auc));
}
