import type { RiskModel } from '../calibrate/risk-model-file.js';
import type { RiskgateConfig } from '../config/config-schema.js';
import type { GitAttributes } from '../diff/match-git-attributes.js';
import type { Diff } from '../diff/diff-file.js';
import { DiffInputError } from '../diff/diff-input-error.js';
import { streamGitLines } from '../history/stream-git.js';
import type { MinedHistory } from '../history/mine-history.js';
import { createChangeScorer } from '../run/score-change.js';
import { commitsInWindow, inWindow, type LabelledWindow } from './labelled-window.js';
import { createHistoryRouter, messageAsText, tallyRouting, type RoutedCommit, type RoutingReport } from './route-history.js';
import { streamCommitDiffs } from './stream-commit-diffs.js';

export interface RoutingEvaluation {
  window: LabelledWindow;
  /** Author times of the window's first and last commit scored. */
  first?: number;
  last?: number;
  /** Commits scored, and how many of them are bug-introducing. */
  commits: number;
  buggy: number;
  /** What the window holds that is not scored: merges and bulk commits (as calibrate), diffs git gave that are no diff. */
  leftOut: { merges: number; bulk: number; unreadable: number };
  /** The default score's routing. */
  defaultScore: RoutingReport;
  /** The calibrated model's routing (its diff-only variant, as the gate), when a model is given. */
  model?: RoutingReport;
  timing: { diffMs: number; scoreMs: number };
}

const EMPTY_DIFF: Diff = { files: [], additions: 0, deletions: 0, warnings: [] };

/** Merge commits authored in the window: left out, but counted so the output can say so. */
async function mergesInWindow(root: string, head: string, window: LabelledWindow): Promise<number> {
  let merges = 0;
  for await (const line of streamGitLines(root, ['log', '--merges', '--no-show-signature', '--format=%at', `--before=${new Date(window.until * 1000).toISOString()}`, head, '--'])) {
    if (line !== '' && inWindow(window, Number(line))) merges++;
  }
  return merges;
}

/**
 * How the default score (and a calibrated model) would have routed every labelled commit of a
 * mined history: every commit's diff from one streamed `git log -p`, parsed and scored as
 * `riskgate score <commit>` does, with the commit's message as the PR text.
 */
export async function evaluateRouting(
  history: MinedHistory,
  window: LabelledWindow,
  config: RiskgateConfig,
  model?: RiskModel,
  progress?: (message: string) => void,
  attributes?: GitAttributes,
): Promise<RoutingEvaluation> {
  const { commits, buggy, bulk } = commitsInWindow(history, window);
  const bySha = new Map(commits.map((c) => [c.sha, c]));
  const { parse } = createChangeScorer(config, undefined, attributes);
  const defaultRouter = createHistoryRouter(config, undefined, attributes);
  const modelRouter = model ? createHistoryRouter(config, model, attributes) : undefined;
  const byDefault: RoutedCommit[] = [];
  const modelled: RoutedCommit[] = [];
  let unreadable = 0;
  let first: number | undefined;
  let last: number | undefined;
  let scoreMs = 0;
  // Counted beside the diff stream: a second, short git walk that need not wait for it.
  const merges = mergesInWindow(history.root, history.head, window);
  merges.catch(() => {});
  const started = Date.now();
  let seen = 0;
  for await (const { sha, diffText } of streamCommitDiffs(history.root, commits.map((c) => c.sha))) {
    const commit = bySha.get(sha);
    if (!commit) continue;
    seen++;
    if (progress && seen % 2000 === 0) progress(`scored ${seen} of ${commits.length} commits`);
    const scoring = Date.now();
    let diff: Diff;
    try {
      diff = diffText.trim() === '' ? EMPTY_DIFF : parse(diffText);
    } catch (error) {
      if (!(error instanceof DiffInputError)) throw error;
      unreadable++;
      continue;
    }
    const text = messageAsText(commit.message);
    // Lines added as calibrate counts them (numstat of every file), the baseline's one input.
    const sized = { linesAdded: commit.files.reduce((n, f) => n + f.additions, 0), buggy: buggy.has(sha) };
    byDefault.push({ ...defaultRouter(diff, text), ...sized });
    if (modelRouter) modelled.push({ ...modelRouter(diff, text), ...sized });
    first ??= commit.time;
    last = commit.time;
    scoreMs += Date.now() - scoring;
  }
  const diffMs = Date.now() - started - scoreMs;
  return {
    window,
    ...(first !== undefined ? { first } : {}),
    ...(last !== undefined ? { last } : {}),
    commits: byDefault.length,
    buggy: byDefault.filter((c) => c.buggy).length,
    leftOut: { merges: await merges, bulk, unreadable },
    defaultScore: tallyRouting(byDefault, config.tiers.floors),
    ...(model ? { model: tallyRouting(modelled, config.tiers.floors) } : {}),
    timing: { diffMs, scoreMs },
  };
}
