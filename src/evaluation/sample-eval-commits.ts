import pLimit from 'p-limit';
import type { RiskgateConfig } from '../config/config-schema.js';
import type { FileClassifier } from '../diff/classify-file.js';
import { isAuthored } from '../diff/diff-file.js';
import { EMPTY_TREE } from '../git/read-git-diff.js';
import { blameOrigins } from '../history/blame-lines.js';
import type { HistoryCommit, HistoryFile } from '../history/history-commit.js';
import type { MinedHistory } from '../history/mine-history.js';
import { commitsInWindow, type LabelledWindow } from './labelled-window.js';
import { mulberry32, shuffled } from './seeded-random.js';
import { targetLinesOf, type BlameOrigins } from './target-lines.js';

// The commits `riskgate eval findings` reviews: bug-introducing ones whose buggy lines are known
// (the ground truth a finding must hit) and clean ones of the same sizes (where every finding is
// noise). Drawn with a seed, so two runs, and two arms, review the same commits.
//
// Interface (for `eval findings` and anything else that reviews history):
//
//   sampleEvalCommits(history, window, options) -> Promise<EvalSample>
//     history  what mineHistory returned (with its fixTraces), e.g. from openEvalHistory
//     window   the labelled window (labelledWindow(...)), as `eval routing` and calibrate use
//     options  { commits: N per side, seed, isReviewable(file), isTracedPath(path),
//                newerShare? (0.5), blame? (git blame in history.root), blameConcurrency? (2) }
//   EvalSample = {
//     introducers: [{ sha, parent, time, message, linesAdded, fixes, targetLines }]
//       targetLines: Record<path in the introducer, its new-side line numbers (ascending)
//                    that a later fix changed>; every path is reviewable, none is empty
//     clean: [{ sha, parent, time, message, linesAdded, matchedTo }]
//       one per introducer, matchedTo its sha: nearest in lines added, never an introducer
//       or a fix, adding lines to at least one reviewable source file
//     window: { since?, labelledUntil, until, poolFrom, poolTo } (author times, epoch seconds)
//     stats: how many were looked at, blamed, left out and why
//   }
//   `parent` is the commit to read the code under review at (the empty tree for a root commit):
//   nothing later than the commit may reach a prompt. `message` is the introducer's own message,
//   the PR text; the fixes' shas are for reporting, never for prompts.

export interface EvalSampleOptions {
  /** Bug-introducing commits wanted, and as many clean ones. */
  commits: number;
  seed: number;
  /** Whether a model would be shown this file of a commit (see `createReviewableFilter`). */
  isReviewable(file: HistoryFile): boolean;
  /** The files SZZ traces: a clean commit must add lines to one, or it could never have been labelled buggy. */
  isTracedPath(path: string): boolean;
  /** The newest share of the window's commits drawn from first (default: the newer half). */
  newerShare?: number;
  /** Blame for the target lines; default `git blame --porcelain -w` in the history's clone. */
  blame?: BlameOrigins;
  blameConcurrency?: number;
}

export interface SampledIntroducer {
  sha: string;
  /** First parent, or the empty tree for a root commit: the code under review is read here. */
  parent: string;
  time: number;
  message: string;
  /** Lines added over every file (numstat), as the clean commits are matched on. */
  linesAdded: number;
  /** The fixes that traced lines to it (oldest first). For reports only: their text must reach no prompt. */
  fixes: string[];
  /** Path in the introducer -> its new-side line numbers that a later fix changed, ascending; reviewable files only. */
  targetLines: Record<string, number[]>;
}

export interface SampledClean {
  sha: string;
  parent: string;
  time: number;
  message: string;
  linesAdded: number;
  /** The introducer it was matched to on lines added. */
  matchedTo: string;
}

export interface EvalSampleStats {
  /** Non-merge, non-bulk commits in the window, and the bug-introducing ones among them. */
  windowCommits: number;
  windowIntroducers: number;
  /** Introducers in the newer part, where the sample is drawn first. */
  newerIntroducers: number;
  /** Introducers whose target lines were looked up (each costs git blame runs). */
  examined: number;
  blames: number;
  /** Examined introducers left out: no traced line is theirs by blame, or none is in a reviewable file. */
  noTargetLine: number;
  notReviewable: number;
  /** Sampled introducers from the older part (only when the newer part had too few). */
  fromOlderPart: number;
  /** Clean candidates in the pool (not introducer, not fix, adding reviewable source lines). */
  cleanCandidates: number;
  /** Traced lines blame gave to another commit than SZZ did, over the examined introducers. */
  blameDisagreed: number;
  /** Blames git could not run (file or object gone): their lines are left out. */
  failedBlames: number;
}

export interface EvalSample {
  introducers: SampledIntroducer[];
  clean: SampledClean[];
  window: LabelledWindow & { poolFrom?: number; poolTo?: number };
  seed: number;
  stats: EvalSampleStats;
}

/** Files a model is shown (`packFiles`): authored (not lockfile, generated, vendored), not binary, not over `risk.max_file_lines`. */
export function createReviewableFilter(config: RiskgateConfig, classify: FileClassifier): (file: HistoryFile) => boolean {
  return (file) => !file.binary && isAuthored(classify(file.path).kind) && file.additions + file.deletions <= config.risk.max_file_lines;
}

const linesAddedOf = (commit: HistoryCommit) => commit.files.reduce((n, f) => n + f.additions, 0);
const parentOf = (commit: HistoryCommit) => commit.parents[0] ?? EMPTY_TREE;
// Sizes are matched on a log scale: 3 against 5 lines is as far apart as 300 against 500.
const sizeDistance = (a: number, b: number) => Math.abs(Math.log1p(a) - Math.log1p(b));

/**
 * Draws `commits` bug-introducing commits with their target lines, and as many clean commits
 * matched on lines added, from the newer part of the labelled window (the older part only when
 * the newer lacks enough). Reproducible: the same history, window and seed give the same sample.
 */
export async function sampleEvalCommits(
  history: Pick<MinedHistory, 'root' | 'commits' | 'large' | 'fixes' | 'fixTimes' | 'fixTraces'>,
  window: LabelledWindow,
  options: EvalSampleOptions,
): Promise<EvalSample> {
  const wanted = Math.max(0, Math.floor(options.commits));
  const { commits, buggy } = commitsInWindow(history, window);
  const cut = Math.floor(commits.length * (1 - (options.newerShare ?? 0.5)));
  const random = mulberry32(options.seed);
  const isIntroducer = (c: HistoryCommit) => buggy.has(c.sha) && (history.fixTraces.get(c.sha)?.length ?? 0) > 0;
  const newer = commits.slice(cut).filter(isIntroducer);
  const older = commits.slice(0, cut).filter(isIntroducer);
  const candidates = [...shuffled(newer, random), ...shuffled(older, random)];
  const indexOf = new Map(commits.map((c, i) => [c.sha, i]));
  const blame = options.blame ?? ((revision, path, lines) => blameOrigins(history.root, revision, path, lines));
  const limit = pLimit(options.blameConcurrency ?? 2);
  const stats: EvalSampleStats = {
    windowCommits: commits.length,
    windowIntroducers: commits.filter((c) => buggy.has(c.sha)).length,
    newerIntroducers: newer.length,
    examined: 0,
    blames: 0,
    noTargetLine: 0,
    notReviewable: 0,
    fromOlderPart: 0,
    cleanCandidates: 0,
    blameDisagreed: 0,
    failedBlames: 0,
  };

  const introducers: SampledIntroducer[] = [];
  let next = 0;
  while (introducers.length < wanted && next < candidates.length) {
    // As many lookups as still wanted, in parallel; accepted in the drawn order, so the
    // sample does not depend on which blame finishes first.
    const batch = candidates.slice(next, next + (wanted - introducers.length));
    next += batch.length;
    const looked = await Promise.all(
      batch.map((commit) =>
        limit(async () => {
          const traces = history.fixTraces.get(commit.sha) ?? [];
          stats.blames += traces.length;
          return { commit, traces, found: await targetLinesOf(commit.sha, traces, blame) };
        }),
      ),
    );
    for (const { commit, traces, found } of looked) {
      stats.examined++;
      stats.blameDisagreed += found.disagreed;
      stats.failedBlames += found.failedBlames;
      const files = new Map(commit.files.map((f) => [f.path, f]));
      const targetLines: Record<string, number[]> = {};
      for (const [path, lines] of found.lines) {
        const file = files.get(path);
        if (file && options.isReviewable(file)) targetLines[path] = lines;
      }
      if (found.lines.size === 0) stats.noTargetLine++;
      else if (Object.keys(targetLines).length === 0) stats.notReviewable++;
      else {
        if (indexOf.get(commit.sha)! < cut) stats.fromOlderPart++;
        introducers.push({
          sha: commit.sha,
          parent: parentOf(commit),
          time: commit.time,
          message: commit.message,
          linesAdded: linesAddedOf(commit),
          fixes: [...new Set(traces.map((t) => t.fix))],
          targetLines,
        });
      }
    }
  }

  // Clean commits come from the same span as the introducers: the newer part, or further back
  // when the introducers had to be.
  const poolStart = Math.min(cut, ...introducers.map((i) => indexOf.get(i.sha)!));
  const pool = commits.slice(poolStart);
  const cleanCandidates = shuffled(
    pool.filter(
      (c) =>
        !history.fixTimes.has(c.sha) &&
        !history.fixes.has(c.sha) &&
        c.files.some((f) => f.additions > 0 && options.isTracedPath(f.path) && options.isReviewable(f)),
    ),
    random,
  );
  stats.cleanCandidates = cleanCandidates.length;
  const used = new Set<string>();
  const clean: SampledClean[] = [];
  for (const introducer of introducers) {
    let best: HistoryCommit | undefined;
    let bestDistance = Infinity;
    for (const candidate of cleanCandidates) {
      if (used.has(candidate.sha)) continue;
      // Strictly nearer only: among equals the first in the shuffled order wins.
      const distance = sizeDistance(linesAddedOf(candidate), introducer.linesAdded);
      if (distance < bestDistance) {
        best = candidate;
        bestDistance = distance;
        if (distance === 0) break;
      }
    }
    if (!best) break;
    used.add(best.sha);
    clean.push({ sha: best.sha, parent: parentOf(best), time: best.time, message: best.message, linesAdded: linesAddedOf(best), matchedTo: introducer.sha });
  }

  return {
    introducers,
    clean,
    window: { ...window, ...(pool.length > 0 ? { poolFrom: pool[0]!.time, poolTo: pool.at(-1)!.time } : {}) },
    seed: options.seed,
    stats,
  };
}
