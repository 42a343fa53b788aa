import { measureChangeHistory } from '../history/measure-change-history.js';
import type { Tier } from '../plan/tier.js';
import type { Diff } from '../diff/diff-file.js';
import { createChangeScorer, type ChangeScorer, type ScoreResult } from '../run/score-change.js';
import type { ChangeInput } from './read-change-input.js';

/**
 * Scores a change read by the CLI. With a calibrated model and a local range, the change's
 * history features are measured from git, so the model's history variant applies; a diff from
 * a file or stdin has no history and gets the diff-only variant, as the gate does.
 */
export async function scoreChangeInput(input: ChangeInput, tier?: Tier): Promise<{ result: ScoreResult; scorer: ChangeScorer; diff: Diff }> {
  const scorer = createChangeScorer(input.resolved.config, input.model?.model, input.attributes);
  const diff = scorer.parse(input.diffText);
  const history = input.model && input.git ? await measureChangeHistory(input.git.root, input.git.base, input.git.head, diff) : undefined;
  return { result: scorer.scoreDiff(diff, input.text, tier, history), scorer, diff };
}
