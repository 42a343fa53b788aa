import { z } from 'zod';
import { FEATURE_IDS } from './change-features.js';

// `.github/riskgate-model.json`: what `riskgate calibrate` learned, read from the base branch by
// `riskgate score` and the gate. Versioned: a reader refuses a version it does not know rather
// than guess at it.

export const MODEL_PATH = '.github/riskgate-model.json';
export const MODEL_FORMAT_VERSION = 1;

const finite = z.number().finite();

const fittedFeature = z.strictObject({
  id: z.enum(FEATURE_IDS),
  /** Mean and standard deviation of the (log-transformed) value on the training commits. */
  mean: finite,
  sd: finite.positive(),
  /** Log-odds per standard deviation. */
  weight: finite,
});

const variant = z.strictObject({
  /** `history` needs the repository's history (the CLI in a clone); `diff` needs only the change (the gate). */
  inputs: z.enum(['history', 'diff']),
  intercept: finite,
  lambda: finite.nonnegative(),
  features: z.array(fittedFeature).min(1),
  /** Points = base + perLogit * (weighted sum): on the default score's scale for this history. */
  points: z.strictObject({ base: finite, perLogit: finite.nonnegative() }),
});

const metrics = z.strictObject({
  auc: finite.nullable(),
  popt: finite.nullable(),
  recallAt20: finite.nullable(),
});

const validationRow = z.strictObject({
  inputs: z.enum(['history', 'diff']),
  model: metrics,
  /** Lines added (AUC) and smallest changes first (Popt, recall): the baselines to beat. */
  linesAdded: metrics,
  smallestFirst: metrics,
});

const day = z.iso.datetime({ offset: true });

export const riskModelSchema = z.strictObject({
  format: z.literal('riskgate-model'),
  version: z.literal(MODEL_FORMAT_VERSION),
  createdAt: day,
  riskgateVersion: z.string(),
  head: z.string().regex(/^[0-9a-f]{40}$/),
  window: z.strictObject({
    since: day.nullable(),
    until: day,
    /** Commits newer than until minus this were left out: their bugs are not found yet. */
    labelHorizonDays: z.number().int().nonnegative(),
  }),
  labelling: z.strictObject({
    fixPatterns: z.array(z.string()),
    issuePatterns: z.array(z.string()),
    fixWhen: z.enum(['keyword', 'issue', 'keyword-or-issue', 'keyword-and-issue']),
    maxCommitFiles: z.number().int().positive(),
    maxCommitLines: z.number().int().positive(),
  }),
  counts: z.strictObject({
    commits: z.number().int().nonnegative(),
    merges: z.number().int().nonnegative(),
    largeCommits: z.number().int().nonnegative(),
    fixes: z.number().int().nonnegative(),
    trainingCommits: z.number().int().nonnegative(),
    trainingBuggy: z.number().int().nonnegative(),
  }),
  validation: z.strictObject({
    trainCommits: z.number().int().nonnegative(),
    trainBuggy: z.number().int().nonnegative(),
    testCommits: z.number().int().nonnegative(),
    testBuggy: z.number().int().nonnegative(),
    trainUntil: day,
    testFrom: day,
    gapDays: z.number().int().nonnegative(),
    rows: z.array(validationRow),
  }),
  variants: z.strictObject({ history: variant, diff: variant }),
});

export type RiskModel = z.output<typeof riskModelSchema>;
export type ModelVariant = RiskModel['variants']['diff'];
export type ValidationRow = RiskModel['validation']['rows'][number];

/** Reads a model file's text; the error names the field and what was wrong. */
export function parseRiskModel(text: string, source: string): RiskModel {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new Error(`${source}: not JSON (${(error as Error).message})`, { cause: error });
  }
  const version = (value as { version?: unknown } | null)?.version;
  if (typeof version === 'number' && version !== MODEL_FORMAT_VERSION) {
    throw new Error(`${source}: model format version ${version}, this riskgate reads version ${MODEL_FORMAT_VERSION}: run riskgate calibrate again`);
  }
  const parsed = riskModelSchema.safeParse(value);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new Error(`${source}: ${issue.path.join('.') || '(top level)'}: ${issue.message}`);
  }
  return parsed.data;
}
