import type { RiskgateConfig } from '../../config/config-schema.js';
import { createFileClassifier, type FileClassifier } from '../../diff/classify-file.js';
import type { GitAttributes } from '../../diff/match-git-attributes.js';
import { resolveAttributes } from '../resolve-attributes.js';
import { repositoryRoot } from '../../git/resolve-change.js';
import { compileFixRules, type FixRules } from '../../history/find-fixes.js';
import { mineHistory, type MinedHistory } from '../../history/mine-history.js';
import { labelledWindow, type LabelledWindow } from '../../evaluation/labelled-window.js';
import { UsageError, type CliIo } from '../cli-io.js';
import { commandProgress } from '../progress-writer.js';
import { DAY_MS, parseDay } from '../parse-day.js';
import { resolveConfig } from '../resolve-config.js';

export interface EvalHistoryOptions {
  since?: string;
  until?: string;
  config?: string;
}

/** A mined history and its labelled window, shared by the `riskgate eval` commands. */
export interface EvalHistory {
  root: string;
  config: RiskgateConfig;
  configSource: string;
  rules: FixRules;
  classify: FileClassifier;
  /** The clone's .gitattributes (linguist lines), read as calibrate reads them: what earns vendored or generated. */
  attributes: GitAttributes;
  window: LabelledWindow;
  history: MinedHistory;
  miningMs: number;
}

/**
 * Mines the clone as `riskgate calibrate` does (same window options, the working tree's config or
 * --config, SZZ from the same cache), so `eval` labels exactly the commits calibrate learns from.
 */
export async function openEvalHistory(io: CliIo, command: string, options: EvalHistoryOptions): Promise<EvalHistory> {
  const sinceMs = parseDay('--since', options.since);
  const untilDay = parseDay('--until', options.until);
  // --until names a whole day: its commits are in.
  const until = new Date(untilDay === undefined ? Date.now() : untilDay + DAY_MS);
  if (sinceMs !== undefined && sinceMs >= until.getTime()) throw new UsageError('--since must be before --until');
  const root = await repositoryRoot(io.cwd);
  // An explicit file is found from where the user is; the default one at the clone's top.
  const { config, source } = options.config !== undefined ? await resolveConfig(io.cwd, options.config) : await resolveConfig(root, undefined);
  const rules = compileFixRules(config.calibrate);
  const attributes = await resolveAttributes(root);
  const classify = createFileClassifier(config.paths.kinds, attributes);
  const started = Date.now();
  const progress = commandProgress(io, `riskgate eval ${command}`);
  const history = await mineHistory(root, {
    until,
    rules,
    maxCommitFiles: config.calibrate.max_commit_files,
    maxCommitLines: config.calibrate.max_commit_lines,
    // As calibrate: SZZ traces source code only.
    isTracedPath: (path) => classify(path).kind === 'source',
    progress: progress.message,
    step: (done, total, what) => progress.step(done, total, what),
  });
  progress.done();
  const window = labelledWindow(until, config.calibrate.label_horizon_days, sinceMs !== undefined ? new Date(sinceMs) : undefined);
  return { root, config, configSource: source, rules, classify, attributes, window, history, miningMs: Date.now() - started };
}
