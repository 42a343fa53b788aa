import { isAuthored, type Diff, type DiffFile } from '../diff/diff-file.js';
import { directoryOf, subsystemOf } from '../diff/path-parts.js';
import type { FactorFamily } from '../risk/risk-factor.js';

// The features a calibrated model reads: Kamei et al.'s just-in-time set, as far as git can
// give it, plus the default score's file-kind and tests factors. The security and sensitivity
// factors are not features: they add on top of the model, unchanged.

/** Where a feature's value comes from, and so where it is available. */
export type FeatureSource = 'diff' | 'text' | 'history';

export interface FeatureDefinition {
  id: FeatureId;
  /** What a reader sees in the factors table. */
  label: string;
  source: FeatureSource;
  /** Counts are skewed: the model reads log(1 + value). */
  log: boolean;
  /**
   * More of it may only raise the score: an author who can grow the value (a bigger diff, a
   * message saying "fix", more files touched) must never be able to lower the tier by doing so.
   */
  raiseOnly: boolean;
}

export const FEATURE_IDS = ['la', 'ld', 'nf', 'nd', 'ns', 'entropy', 'kind', 'tests', 'fix', 'lt', 'ndev', 'nuc', 'age', 'exp', 'sexp'] as const;
export type FeatureId = (typeof FEATURE_IDS)[number];
export type FeatureValues = Record<FeatureId, number>;

export const FEATURES: readonly FeatureDefinition[] = [
  { id: 'la', label: 'lines added', source: 'diff', log: true, raiseOnly: true },
  { id: 'ld', label: 'lines deleted', source: 'diff', log: true, raiseOnly: true },
  { id: 'nf', label: 'files changed', source: 'diff', log: true, raiseOnly: true },
  { id: 'nd', label: 'directories changed', source: 'diff', log: true, raiseOnly: true },
  { id: 'ns', label: 'subsystems (top-level directories) changed', source: 'diff', log: true, raiseOnly: true },
  { id: 'entropy', label: 'how evenly the change spreads over its files (entropy)', source: 'diff', log: false, raiseOnly: false },
  { id: 'kind', label: 'kinds of files changed (the kind factor\'s points)', source: 'diff', log: false, raiseOnly: true },
  { id: 'tests', label: 'tests missing or cut (the tests factor\'s points)', source: 'diff', log: false, raiseOnly: true },
  { id: 'fix', label: 'described as a bug fix', source: 'text', log: false, raiseOnly: true },
  { id: 'lt', label: 'lines in the touched files before the change', source: 'history', log: true, raiseOnly: true },
  { id: 'ndev', label: 'developers who changed these files before', source: 'history', log: true, raiseOnly: true },
  { id: 'nuc', label: 'earlier changes to these files', source: 'history', log: true, raiseOnly: true },
  { id: 'age', label: 'days since these files last changed (mean)', source: 'history', log: true, raiseOnly: false },
  { id: 'exp', label: "the author's earlier commits", source: 'history', log: true, raiseOnly: false },
  { id: 'sexp', label: "the author's earlier commits in these subsystems", source: 'history', log: true, raiseOnly: false },
];

export type DiffFeatures = Pick<FeatureValues, 'la' | 'ld' | 'nf' | 'nd' | 'ns' | 'entropy' | 'kind' | 'tests'>;
export type HistoryFeatures = Pick<FeatureValues, 'lt' | 'ndev' | 'nuc' | 'age' | 'exp' | 'sexp'>;

/** Normalised Shannon entropy of the changed lines over the files: 0 for one file, 1 for an even spread. */
export function changeEntropy(files: readonly Pick<DiffFile, 'additions' | 'deletions'>[]): number {
  const sizes = files.map((f) => f.additions + f.deletions).filter((n) => n > 0);
  const total = sizes.reduce((a, b) => a + b, 0);
  if (sizes.length < 2 || total === 0) return 0;
  const entropy = -sizes.reduce((h, n) => h + (n / total) * Math.log2(n / total), 0);
  return entropy / Math.log2(sizes.length);
}

/** The files the model looks at: what people wrote (no lockfiles, generated or vendored files). */
export function authoredFiles(diff: Diff): DiffFile[] {
  return diff.files.filter((f) => isAuthored(f.kind));
}

/** The points a family gives a diff, all its factors together; `patternPaths` as the scorer found them. */
export function familyPoints(family: FactorFamily, diff: Diff, patternPaths?: ReadonlySet<string>): number {
  return family.evaluate({ diff, ...(patternPaths ? { patternPaths } : {}) }).reduce((sum, f) => sum + f.points, 0);
}

/** The diff's features; `families` are the kind and tests families built for the config. */
export function diffFeatures(diff: Diff, families: { kind: FactorFamily; tests: FactorFamily }, patternPaths?: ReadonlySet<string>): DiffFeatures {
  const files = authoredFiles(diff);
  return {
    la: files.reduce((n, f) => n + f.additions, 0),
    ld: files.reduce((n, f) => n + f.deletions, 0),
    nf: files.length,
    nd: new Set(files.map((f) => directoryOf(f.path))).size,
    ns: new Set(files.map((f) => subsystemOf(f.path))).size,
    entropy: changeEntropy(files),
    kind: familyPoints(families.kind, diff, patternPaths),
    tests: familyPoints(families.tests, diff, patternPaths),
  };
}
