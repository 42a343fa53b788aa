import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { MODEL_PATH, parseRiskModel, type RiskModel } from '../calibrate/risk-model-file.js';
import { readFileAtRevision } from '../git/resolve-change.js';
import { UsageError } from './cli-io.js';

export interface ResolvedModel {
  model: RiskModel;
  /** Where it came from, shown in the output. */
  source: string;
}

function parse(text: string, source: string): ResolvedModel {
  try {
    return { model: parseRiskModel(text, source), source };
  } catch (error) {
    throw new UsageError(`${(error as Error).message} (riskgate calibrate writes a valid one; --no-model scores without it)`);
  }
}

/**
 * `--model FILE` when given; `--no-model` for none; else, for a git range, the model file as it
 * is at the base revision (like the config: a change cannot swap the model that judges it);
 * else the working tree's file. No file means the default score.
 */
export async function resolveModel(
  cwd: string,
  option: string | false | undefined,
  git?: { root: string; base: string },
): Promise<ResolvedModel | undefined> {
  if (option === false) return undefined;
  if (option !== undefined) {
    const path = resolve(cwd, option);
    if (!existsSync(path)) throw new UsageError(`model file not found: ${option}`);
    return parse(readFileSync(path, 'utf8'), option);
  }
  if (git) {
    const text = await readFileAtRevision(git.root, git.base, MODEL_PATH);
    return text === undefined ? undefined : parse(text, `${MODEL_PATH} at ${git.base.slice(0, 12)} (the base)`);
  }
  const local = join(cwd, MODEL_PATH);
  return existsSync(local) ? parse(readFileSync(local, 'utf8'), MODEL_PATH) : undefined;
}
