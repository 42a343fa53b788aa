import type { RiskgateConfig } from '../config/config-schema.js';
import type { GitAttributes } from '../diff/match-git-attributes.js';
import { CalibrationError } from '../history/calibration-error.js';
import type { FixRules } from '../history/find-fixes.js';
import { SECONDS_PER_DAY } from '../history/history-commit.js';
import type { MinedHistory } from '../history/mine-history.js';
import { buggyAsOf, buildDataset } from './build-dataset.js';
import { fitVariant } from './fit-risk-model.js';
import { MODEL_FORMAT_VERSION, type RiskModel } from './risk-model-file.js';
import { splitByTime, validationOf } from './validate-model.js';

/** Below these a model would be noise: calibrate says so instead of writing one. */
export const MIN_COMMITS = 200;
export const MIN_BUGGY = 30;
export const MIN_TEST_BUGGY = 10;

export interface CalibrateOptions {
  since?: Date;
  until: Date;
  riskgateVersion: string;
  now?: Date;
  /** The checkout's .gitattributes: files are vendored or generated in training as the gate will see them. */
  attributes?: GitAttributes;
}

/** From a mined history to the model file: dataset, validation, then the final fit on the whole window. */
export function calibrateModel(history: MinedHistory, config: RiskgateConfig, rules: FixRules, options: CalibrateOptions): RiskModel {
  const settings = config.calibrate;
  const until = Math.floor(options.until.getTime() / 1000);
  const since = options.since ? Math.floor(options.since.getTime() / 1000) : -Infinity;
  const labelledUntil = until - settings.label_horizon_days * SECONDS_PER_DAY;
  const all = buildDataset(history, config, rules, options.attributes);
  const rows = all.filter((r) => r.time >= since && r.time <= labelledUntil).sort((a, b) => a.time - b.time);
  const span = rows.length > 1 ? Math.round((rows.at(-1)!.time - rows[0]!.time) / SECONDS_PER_DAY) : 0;
  if (rows.length < MIN_COMMITS) {
    throw new CalibrationError(
      `too short a history: ${rows.length} commits (over ${span} days) are old enough to be labelled, ` +
        `leaving out the last ${settings.label_horizon_days} days whose bugs are not found yet; calibrate needs at least ${MIN_COMMITS}` +
        (options.since ? ' (try an earlier --since)' : ''),
    );
  }
  const labels = rows.map((r) => buggyAsOf(r, until));
  const buggy = labels.filter(Boolean).length;
  if (buggy < MIN_BUGGY) {
    throw new CalibrationError(
      `too few fixes to learn from: ${history.stats.fixes} fix commits traced ${buggy} of ${rows.length} commits as bug-introducing; ` +
        `calibrate needs at least ${MIN_BUGGY} (check calibrate.fix_patterns and calibrate.fix_when in .github/riskgate.yml match how this repository writes fixes)`,
    );
  }
  const split = splitByTime(rows, settings.validation_gap_days, until);
  const splitBuggy = split.trainLabels.filter(Boolean).length;
  const testBuggy = split.testLabels.filter(Boolean).length;
  if (splitBuggy < MIN_BUGGY || testBuggy < MIN_TEST_BUGGY) {
    throw new CalibrationError(
      `too few bug-introducing commits to validate on: ${splitBuggy} in the older part and ${testBuggy} in the newer ` +
        `(at least ${MIN_BUGGY} and ${MIN_TEST_BUGGY} needed); widen the window or shorten calibrate.validation_gap_days`,
    );
  }
  const validation = validationOf(split, settings.validation_gap_days);
  return {
    format: 'riskgate-model',
    version: MODEL_FORMAT_VERSION,
    createdAt: (options.now ?? new Date()).toISOString(),
    riskgateVersion: options.riskgateVersion,
    head: history.head,
    window: {
      since: options.since ? options.since.toISOString() : null,
      until: options.until.toISOString(),
      labelHorizonDays: settings.label_horizon_days,
    },
    labelling: {
      fixPatterns: settings.fix_patterns,
      issuePatterns: settings.issue_patterns,
      fixWhen: settings.fix_when,
      maxCommitFiles: settings.max_commit_files,
      maxCommitLines: settings.max_commit_lines,
    },
    counts: {
      commits: history.stats.commits,
      merges: history.stats.merges,
      largeCommits: history.stats.largeCommits,
      fixes: history.stats.fixes,
      trainingCommits: rows.length,
      trainingBuggy: buggy,
    },
    validation,
    variants: { history: fitVariant(rows, labels, 'history'), diff: fitVariant(rows, labels, 'diff') },
  };
}
