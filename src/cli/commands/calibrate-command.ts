import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, relative, resolve } from 'node:path';
import { calibrateModel } from '../../calibrate/calibrate-model.js';
import { weakerThanLinesAdded } from '../../calibrate/validate-model.js';
import { MODEL_PATH } from '../../calibrate/risk-model-file.js';
import { createFileClassifier } from '../../diff/classify-file.js';
import { repositoryRoot } from '../../git/resolve-change.js';
import { compileFixRules } from '../../history/find-fixes.js';
import { CalibrationError } from '../../history/calibration-error.js';
import { mineHistory } from '../../history/mine-history.js';
import { UsageError, writeLine, type CliIo } from '../cli-io.js';
import { commandProgress } from '../progress-writer.js';
import { formatCalibration, formatWeaker } from '../format-calibration.js';
import { DAY_MS, parseDay } from '../parse-day.js';
import { resolveAttributes } from '../resolve-attributes.js';
import { resolveConfig } from '../resolve-config.js';

export interface CalibrateOptions {
  since?: string;
  until?: string;
  out?: string;
  config?: string;
  json?: boolean;
  /** Write the model even when it ranks no better than lines added. */
  force?: boolean;
  riskgateVersion: string;
}

/** Learns the risk model from this repository's history and writes the model file. */
export async function calibrateCommand(io: CliIo, options: CalibrateOptions): Promise<number> {
  const sinceMs = parseDay('--since', options.since);
  const untilDay = parseDay('--until', options.until);
  // --until names a whole day: its commits are in.
  const until = new Date(untilDay === undefined ? Date.now() : untilDay + DAY_MS);
  if (sinceMs !== undefined && sinceMs >= until.getTime()) throw new UsageError('--since must be before --until');
  const root = await repositoryRoot(io.cwd);
  const { config } = await resolveConfig(root, options.config);
  // The checkout's, like its config: they become the base that later pull requests are gated on.
  const attributes = await resolveAttributes(root);
  const rules = compileFixRules(config.calibrate);
  const classify = createFileClassifier(config.paths.kinds, attributes);
  const progress = commandProgress(io, 'riskgate calibrate');
  const mined = await mineHistory(root, {
    until,
    rules,
    maxCommitFiles: config.calibrate.max_commit_files,
    maxCommitLines: config.calibrate.max_commit_lines,
    // SZZ traces source code: a fix's edits to tests, docs or config do not blame anyone.
    isTracedPath: (path) => classify(path).kind === 'source',
    progress: progress.message,
    step: (done, total, what) => progress.step(done, total, what),
  });
  progress.done();
  const model = calibrateModel(mined, config, rules, {
    until,
    riskgateVersion: options.riskgateVersion,
    attributes,
    ...(sinceMs !== undefined ? { since: new Date(sinceMs) } : {}),
  });
  // `written` null: the model went nowhere (the error after it says why).
  const report = (written: string | null) =>
    writeLine(io.stdout, options.json ? JSON.stringify({ model, stats: mined.stats, written }, null, 2) : formatCalibration(model, mined.stats, written, io.term?.width));
  const weaker = weakerThanLinesAdded(model.validation);
  if (weaker.length > 0 && !options.force) {
    // The figures come first: they are what the user has to weigh.
    await report(null);
    throw new CalibrationError(`${formatWeaker(weaker)}; nothing written (check calibrate.fix_patterns and calibrate.fix_when, or pass --force to write it anyway)`);
  }
  const out = resolve(io.cwd, options.out ?? resolve(root, MODEL_PATH));
  await mkdir(dirname(out), { recursive: true });
  await writeFile(out, `${JSON.stringify(model, null, 2)}\n`);
  const shown = relative(io.cwd, out) || out;
  await report(shown);
  if (weaker.length > 0) io.stderr.write(`riskgate calibrate: warning: ${formatWeaker(weaker)}; written because of --force\n`);
  return 0;
}
