import { MODEL_PATH, parseRiskModel, type RiskModel } from '../calibrate/risk-model-file.js';
import type { GitHubPort, PullRequest, RepoRef } from './github-port.js';

/** What the base branch says about a calibrated model: none, one, or one that cannot be used. */
export type BaseModel = { status: 'none' } | { status: 'loaded'; model: RiskModel; source: string } | { status: 'invalid'; source: string; warning: string };

/**
 * The calibrated model on the base branch, read like the config and for the same reason: a PR
 * that adds or edits `.github/riskgate-model.json` must not score itself. A file that does not
 * parse never stops the gate and never passes unnoticed: the change is scored with the default
 * weights and the warning says so on the check. GitHub failing to answer is thrown, as for the config.
 */
export async function readBaseModel(github: GitHubPort, repo: RepoRef, pull: PullRequest): Promise<BaseModel> {
  const text = await github.readFile(repo, MODEL_PATH, pull.baseSha);
  if (text === undefined) return { status: 'none' };
  const source = `${MODEL_PATH} at ${pull.baseRef} (${pull.baseSha.slice(0, 7)})`;
  try {
    return { status: 'loaded', model: parseRiskModel(text, source), source };
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    return { status: 'invalid', source, warning: `the calibrated model on the base branch is invalid, so the change was scored with the default weights: ${message}` };
  }
}
