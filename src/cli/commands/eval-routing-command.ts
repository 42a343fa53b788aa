import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { MODEL_PATH, parseRiskModel, type RiskModel } from '../../calibrate/risk-model-file.js';
import { commitsInWindow } from '../../evaluation/labelled-window.js';
import { evaluateRouting } from '../../evaluation/evaluate-routing.js';
import { readFileAtRevision } from '../../git/resolve-change.js';
import { SECONDS_PER_DAY } from '../../history/history-commit.js';
import { UsageError, writeLine, type CliIo } from '../cli-io.js';
import { commandProgress } from '../progress-writer.js';
import { openEvalHistory, type EvalHistoryOptions } from './eval-history.js';
import { formatRoutingEvaluation, type ModelNote } from './eval-routing-table.js';

export interface EvalRoutingOptions extends EvalHistoryOptions {
  json?: boolean;
  /** A model file, or false for none (`--no-model`); default: the model file at HEAD. */
  model?: string | false;
}

function parseModel(text: string, source: string): { model: RiskModel; source: string } {
  try {
    return { model: parseRiskModel(text, source), source };
  } catch (error) {
    throw new UsageError(`${(error as Error).message} (riskgate calibrate writes a valid one; --no-model evaluates the default score alone)`);
  }
}

/** `--model FILE`, `--no-model`, else the model committed at HEAD: the one a gate on this branch would read. */
async function loadModel(io: CliIo, root: string, head: string, option: string | false | undefined) {
  if (option === false) return undefined;
  if (option !== undefined) {
    const path = resolve(io.cwd, option);
    if (!existsSync(path)) throw new UsageError(`model file not found: ${option}`);
    return parseModel(readFileSync(path, 'utf8'), option);
  }
  const text = await readFileAtRevision(root, head, MODEL_PATH);
  return text === undefined ? undefined : parseModel(text, `${MODEL_PATH} at ${head.slice(0, 12)} (HEAD)`);
}

const iso = (seconds: number | undefined) => (seconds === undefined ? null : new Date(seconds * 1000).toISOString());

/**
 * `riskgate eval routing`: how the default score and the calibrated model would have routed the
 * repository's labelled history, beside a router by lines added. No key, no model call.
 */
export async function evalRoutingCommand(io: CliIo, options: EvalRoutingOptions): Promise<number> {
  const started = Date.now();
  const opened = await openEvalHistory(io, 'routing', options);
  const { history, window, config } = opened;
  const loaded = await loadModel(io, opened.root, history.head, options.model);
  const progress = commandProgress(io, 'riskgate eval routing');
  // Its "scored N of M commits" become counts with the time elapsed and an ETA.
  const evaluation = await evaluateRouting(history, window, config, loaded?.model, (message) => progress.counted(message), opened.attributes);
  progress.done();
  let note: ModelNote | undefined;
  if (loaded) {
    const m = loaded.model;
    const trainedThrough = Math.floor(Date.parse(m.window.until) / 1000) - m.window.labelHorizonDays * SECONDS_PER_DAY;
    const trainedFrom = m.window.since === null ? -Infinity : Math.floor(Date.parse(m.window.since) / 1000);
    const inSample = commitsInWindow(history, window).commits.filter((c) => c.time >= trainedFrom && c.time <= trainedThrough).length;
    note = { source: loaded.source, trainedThrough, inSample };
  }
  const seconds = (Date.now() - started) / 1000;
  if (options.json) {
    const { defaultScore, model, timing, window: w, first, last, ...counts } = evaluation;
    await writeLine(
      io.stdout,
      JSON.stringify(
        {
          window: { since: iso(w.since), labelledUntil: iso(w.labelledUntil), fixesUntil: iso(w.until), labelHorizonDays: w.labelHorizonDays, firstCommit: iso(first), lastCommit: iso(last) },
          ...counts,
          config: opened.configSource,
          ...defaultScore,
          model:
            model && note
              ? { source: note.source, variant: 'diff', trainedThrough: iso(note.trainedThrough), inSampleCommits: note.inSample, ...model }
              : null,
          timing: { seconds, miningMs: opened.miningMs, ...timing },
          mining: history.stats,
        },
        null,
        2,
      ),
    );
  } else {
    await writeLine(io.stdout, formatRoutingEvaluation(evaluation, { configSource: opened.configSource, ...(note ? { model: note } : {}), seconds }));
  }
  return 0;
}
