import type { RiskgateConfig } from '../config/config-schema.js';
import { createFileClassifier } from '../diff/classify-file.js';
import type { GitAttributes } from '../diff/match-git-attributes.js';
import { diffOfCommit } from '../history/diff-of-commit.js';
import { isFixMessage, type FixRules } from '../history/find-fixes.js';
import { HistoryState } from '../history/history-state.js';
import type { MinedHistory } from '../history/mine-history.js';
import { changeKindFamily } from '../risk/factors/change-kind.js';
import { sizeFamily } from '../risk/factors/size.js';
import { spreadFamily } from '../risk/factors/spread.js';
import { testsFamily } from '../risk/factors/tests.js';
import type { FamilySettings } from '../risk/risk-factor.js';
import { DEFAULT_WEIGHTS } from '../risk/weights.js';
import { authoredFiles, diffFeatures, familyPoints, type FeatureValues } from './change-features.js';

/** One commit of the history, measured: what the model is fitted and validated on. */
export interface DatasetRow {
  sha: string;
  time: number;
  values: FeatureValues;
  /** Lines added over every file, as numstat counts them: the baseline to beat. */
  linesAdded: number;
  /** Authored lines added and deleted: the effort of reviewing the change. */
  effort: number;
  /** The points of the default score's families the model stands in for (size, spread, kind, tests, bug fix). */
  defaultPoints: number;
  /** Author times of the fixes that traced lines to this commit, ascending. */
  fixTimes: number[];
}

/** Buggy as far as one could know at `asOf`: a fix traced to it by then. */
export function buggyAsOf(row: DatasetRow, asOf: number): boolean {
  return row.fixTimes.length > 0 && row.fixTimes[0]! <= asOf;
}

/** Measures every non-bulk commit of a mined history, oldest first. */
export function buildDataset(history: Pick<MinedHistory, 'commits' | 'large' | 'fixTimes'>, config: RiskgateConfig, rules: FixRules, attributes?: GitAttributes): DatasetRow[] {
  const classify = createFileClassifier(config.paths.kinds, attributes);
  const settings: FamilySettings = {
    weights: DEFAULT_WEIGHTS,
    sensitivePaths: config.risk.sensitive_paths,
    permissionPaths: config.risk.permission_paths,
  };
  const families = { kind: changeKindFamily(settings), tests: testsFamily(settings) };
  // With kind and tests (already features), these are the families the model stands in for.
  const sizeAndSpread = [sizeFamily(settings), spreadFamily(settings)];
  const state = new HistoryState();
  const rows: DatasetRow[] = [];
  for (const commit of history.commits) {
    const diff = diffOfCommit(commit.files, classify);
    const authored = authoredFiles(diff);
    const historyValues = state.measure(commit.authorEmail, commit.time, authored);
    state.record(commit.authorEmail, commit.time, authored);
    // Bulk commits are measured into the history (later commits see them) but not learned from.
    if (history.large.has(commit.sha)) continue;
    const fix = isFixMessage(commit.message, rules);
    const diffValues = diffFeatures(diff, families);
    const countPoints = sizeAndSpread.reduce((sum, family) => sum + familyPoints(family, diff), diffValues.kind + diffValues.tests);
    rows.push({
      sha: commit.sha,
      time: commit.time,
      values: { ...diffValues, ...historyValues, fix: fix ? 1 : 0 },
      linesAdded: diff.additions,
      effort: diffValues.la + diffValues.ld,
      defaultPoints: countPoints + (fix ? DEFAULT_WEIGHTS.text.bugFix : 0),
      fixTimes: history.fixTimes.get(commit.sha) ?? [],
    });
  }
  return rows;
}
