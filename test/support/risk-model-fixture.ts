import { MODEL_FORMAT_VERSION, riskModelSchema, type ModelVariant, type RiskModel } from '../../src/calibrate/risk-model-file.js';

// A calibrated model as `riskgate calibrate` would write it, with plausible numbers: for the gate
// tests, which need a valid `.github/riskgate-model.json` without mining a history first. Checked
// against the schema here, so a change to the file format fails at the fixture, not deep in a test.

/** The diff variant the gate reads: lines added (la) drive it, log(1 + la) around 3 (about 20 lines). */
export const DIFF_VARIANT: ModelVariant = {
  inputs: 'diff',
  intercept: -1.6,
  lambda: 0.01,
  features: [
    { id: 'la', mean: 3, sd: 1.5, weight: 1 },
    { id: 'nf', mean: 0.9, sd: 0.6, weight: 0.4 },
    { id: 'entropy', mean: 0.3, sd: 0.35, weight: -0.2 },
  ],
  points: { base: 30, perLogit: 10 },
};

const HISTORY_VARIANT: ModelVariant = {
  inputs: 'history',
  intercept: -1.7,
  lambda: 0.01,
  features: [
    { id: 'la', mean: 3, sd: 1.5, weight: 0.8 },
    { id: 'ndev', mean: 1.2, sd: 0.7, weight: 0.5 },
    { id: 'exp', mean: 3.5, sd: 1.4, weight: -0.3 },
  ],
  points: { base: 30, perLogit: 10 },
};

const metrics = (auc: number, popt: number, recallAt20: number) => ({ auc, popt, recallAt20 });

/** A valid model; `changes` replaces top-level fields (a variant, the counts) for a scenario. */
export function riskModelFixture(changes: Partial<RiskModel> = {}): RiskModel {
  const model: RiskModel = {
    format: 'riskgate-model',
    version: MODEL_FORMAT_VERSION,
    createdAt: '2025-06-01T12:00:00Z',
    riskgateVersion: '0.1.0',
    head: 'a'.repeat(40),
    window: { since: null, until: '2025-05-01T00:00:00Z', labelHorizonDays: 30 },
    labelling: {
      fixPatterns: ['\\bfix(e[sd])?\\b', '\\bbug\\b'],
      issuePatterns: ['#\\d+'],
      fixWhen: 'keyword',
      maxCommitFiles: 100,
      maxCommitLines: 10_000,
    },
    counts: { commits: 1500, merges: 120, largeCommits: 30, fixes: 260, trainingCommits: 1200, trainingBuggy: 210 },
    validation: {
      trainCommits: 900,
      trainBuggy: 160,
      testCommits: 300,
      testBuggy: 50,
      trainUntil: '2025-02-01T00:00:00Z',
      testFrom: '2025-02-15T00:00:00Z',
      gapDays: 14,
      rows: [
        { inputs: 'history', model: metrics(0.74, 0.71, 0.42), linesAdded: metrics(0.66, 0.62, 0.3), smallestFirst: metrics(0.5, 0.64, 0.35) },
        { inputs: 'diff', model: metrics(0.7, 0.68, 0.38), linesAdded: metrics(0.66, 0.62, 0.3), smallestFirst: metrics(0.5, 0.64, 0.35) },
      ],
    },
    variants: { history: HISTORY_VARIANT, diff: DIFF_VARIANT },
    ...changes,
  };
  return riskModelSchema.parse(model);
}

/** The fixture as the file's text, as it would be committed. */
export function riskModelFileText(changes: Partial<RiskModel> = {}): string {
  return `${JSON.stringify(riskModelFixture(changes), null, 2)}\n`;
}
