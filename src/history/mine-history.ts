import { isAbsolute, join } from 'node:path';
import pLimit from 'p-limit';
import { GitError, runGit } from '../git/run-git.js';
import { repositoryRoot } from '../git/resolve-change.js';
import { blameLines } from './blame-lines.js';
import { CalibrationError } from './calibration-error.js';
import { isBlankOrComment } from './comment-lines.js';
import { isFixMessage, type FixRules } from './find-fixes.js';
import type { HistoryCommit } from './history-commit.js';
import { commitLogArgs, readCommitLog } from './read-commit-log.js';
import { LineOriginReplay, parseHunkHeader, replayLogArgs, type TracedFile } from './replay-line-origins.js';
import { streamGitLines } from './stream-git.js';
import { openSzzCache, szzCachePath } from './szz-cache.js';

export interface MineOptions {
  /** The revision whose history is mined (default HEAD). */
  revision?: string;
  /** Commits after this are not read at all: neither trained on nor used as fixes. */
  until?: Date;
  rules: FixRules;
  maxCommitFiles: number;
  maxCommitLines: number;
  /** Files whose deleted lines SZZ traces (source code, not tests or docs). */
  isTracedPath(path: string): boolean;
  /** Concurrent `git blame` processes for what the replay cannot trace. */
  blameConcurrency?: number;
  progress?(message: string): void;
  /** Counts of a long step as it goes (the git blame of what the replay could not trace). */
  step?(done: number, total: number, what: string): void;
}

export interface MiningStats {
  commits: number;
  merges: number;
  largeCommits: number;
  fixes: number;
  /** Fixes whose SZZ result came from the cache in the git directory. */
  cachedFixes: number;
  /** Files of fixes the replay could not trace, blamed with git. */
  blamedFiles: number;
  mergeResolutions: number;
  logMs: number;
  replayMs: number;
  blameMs: number;
}

/** Lines of one file a fix changed that SZZ traced to one bug-introducing commit. */
export interface FixTrace {
  fix: string;
  /** The fix's first parent: where the lines are as `lines` numbers them (blame them there). */
  fixParent: string;
  /** The file's path at the fix's parent. */
  path: string;
  /** Line numbers at the fix's parent, ascending. */
  lines: number[];
}

export interface MinedHistory {
  root: string;
  head: string;
  /** Non-merge commits, oldest first (parents before children). */
  commits: HistoryCommit[];
  fixes: ReadonlySet<string>;
  large: ReadonlySet<string>;
  /** Bug-introducing commit -> author times of the fixes that traced lines to it, ascending. */
  fixTimes: ReadonlyMap<string, number[]>;
  /** Bug-introducing commit -> which lines of which fixes were traced to it (fixes oldest first). */
  fixTraces: ReadonlyMap<string, FixTrace[]>;
  stats: MiningStats;
}

async function git(root: string, args: string[]): Promise<string> {
  return (await runGit(root, args)).trim();
}

/** Refuses histories that would give a model of nothing: shallow and partial clones. */
async function checkComplete(root: string): Promise<void> {
  if ((await git(root, ['rev-parse', '--is-shallow-repository'])) === 'true') {
    throw new CalibrationError(
      'this is a shallow clone: calibrate needs the whole history (run `git fetch --unshallow`, or in GitHub Actions check out with fetch-depth: 0)',
    );
  }
  const partial = await runGit(root, ['config', '--get-regexp', '^(extensions\\.partialclone|remote\\..*\\.promisor)$']).catch(() => '');
  if (partial.trim() !== '') {
    throw new CalibrationError(
      'this is a partial (blobless) clone: calibrate would download every old file version one at a time; clone without --filter first',
    );
  }
}

async function diffBlobs(root: string, from: string, to: string) {
  const out = await runGit(root, ['diff', '-U0', '-w', '--no-color', '--no-ext-diff', '--no-textconv', from, to]);
  return out.split('\n').flatMap((line) => {
    const hunk = line.startsWith('@@') ? parseHunkHeader(line) : undefined;
    return hunk ? [hunk] : [];
  });
}

const selectLines = (path: string, lines: readonly { line: number; text: string }[]) =>
  lines.filter((l) => !isBlankOrComment(path, l.text));

/** Replays the history once for the fixes the cache lacks, then blames what the replay could not trace. */
async function traceFixes(
  root: string,
  head: string,
  options: MineOptions,
  fixes: readonly HistoryCommit[],
  stats: MiningStats,
): Promise<Map<string, TracedFile[]>> {
  const started = Date.now();
  const replay = new LineOriginReplay({
    traced: new Set(fixes.map((c) => c.sha)),
    selectLines,
    diffBlobs: (from, to) => diffBlobs(root, from, to),
  });
  const result = await replay.run(streamGitLines(root, replayLogArgs(head, options.until)));
  stats.replayMs = Date.now() - started;
  stats.mergeResolutions = result.mergeResolutions;

  const blameStarted = Date.now();
  const limit = pLimit(options.blameConcurrency ?? 2);
  const parentOf = new Map(fixes.map((c) => [c.sha, c.parents[0]]));
  const blames: Array<Promise<void>> = [];
  let blamed = 0;
  for (const [fix, files] of result.traced) {
    for (const file of files) {
      const parent = parentOf.get(fix);
      if (!file.unknown || !parent || !options.isTracedPath(file.path)) continue;
      stats.blamedFiles++;
      blames.push(
        limit(async () => {
          const origins = await blameLines(root, parent, file.path, file.lines.map((l) => l.line)).catch((error: unknown) => {
            if (error instanceof GitError) return new Map<number, string>();
            throw error;
          });
          file.origins = file.lines.map((l) => origins.get(l.line));
          file.unknown = false;
          options.step?.(++blamed, stats.blamedFiles, 'files blamed');
        }),
      );
    }
  }
  await Promise.all(blames);
  stats.blameMs = Date.now() - blameStarted;
  return result.traced;
}

/**
 * Reads a repository's history for calibration: every non-merge commit with its files, which are
 * fixes, and (SZZ) which commits the fixes' deleted lines came from.
 */
export async function mineHistory(cwd: string, options: MineOptions): Promise<MinedHistory> {
  const root = await repositoryRoot(cwd);
  await checkComplete(root);
  const revision = options.revision ?? 'HEAD';
  const head = await git(root, ['rev-parse', '--verify', '--quiet', '--end-of-options', `${revision}^{commit}`]).catch(() => '');
  if (!head) throw new CalibrationError(`"${revision}" is not a commit in this repository`);
  const stats: MiningStats = {
    commits: 0,
    merges: 0,
    largeCommits: 0,
    fixes: 0,
    cachedFixes: 0,
    blamedFiles: 0,
    mergeResolutions: 0,
    logMs: 0,
    replayMs: 0,
    blameMs: 0,
  };

  const logStarted = Date.now();
  const commits: HistoryCommit[] = [];
  for await (const commit of readCommitLog(streamGitLines(root, commitLogArgs(head, options.until)))) commits.push(commit);
  stats.logMs = Date.now() - logStarted;
  stats.commits = commits.length;
  const mergeArgs = ['rev-list', '--count', '--merges', ...(options.until ? [`--before=${options.until.toISOString()}`] : []), head];
  stats.merges = Number(await git(root, mergeArgs));
  options.progress?.(`read ${commits.length} commits (and ${stats.merges} merges) in ${(stats.logMs / 1000).toFixed(1)} s`);

  const large = new Set(
    commits
      .filter((c) => c.files.length > options.maxCommitFiles || c.files.reduce((n, f) => n + f.additions + f.deletions, 0) > options.maxCommitLines)
      .map((c) => c.sha),
  );
  stats.largeCommits = large.size;
  const fixCommits = commits.filter((c) => !large.has(c.sha) && isFixMessage(c.message, options.rules));
  stats.fixes = fixCommits.length;

  const commonDir = await git(root, ['rev-parse', '--git-common-dir']);
  const cache = await openSzzCache(szzCachePath(isAbsolute(commonDir) ? commonDir : join(root, commonDir)));
  const traced = new Map<string, TracedFile[]>();
  const missing: HistoryCommit[] = [];
  for (const fix of fixCommits) {
    const cached = cache.get(fix.sha);
    if (cached) traced.set(fix.sha, cached);
    else missing.push(fix);
  }
  stats.cachedFixes = fixCommits.length - missing.length;
  if (missing.length > 0) {
    options.progress?.(`tracing the deleted lines of ${missing.length} fixes (${stats.cachedFixes} cached)`);
    const fresh = await traceFixes(root, head, options, missing, stats);
    for (const fix of missing) {
      const files = fresh.get(fix.sha) ?? [];
      traced.set(fix.sha, files);
      // A file left unknown (blame failed: object missing) is not cached, so it is tried again.
      if (files.every((f) => !f.unknown)) cache.set(fix.sha, files);
    }
    await cache.save();
  }

  const known = new Set(commits.map((c) => c.sha));
  const fixTimes = new Map<string, number[]>();
  const fixTraces = new Map<string, FixTrace[]>();
  for (const fix of fixCommits) {
    const introducers = new Set<string>();
    for (const file of traced.get(fix.sha) ?? []) {
      if (!options.isTracedPath(file.path)) continue;
      const linesOf = new Map<string, number[]>();
      file.origins.forEach((origin, i) => {
        // Merges and bulk commits are never blamed: their lines were written elsewhere.
        if (!origin || origin === fix.sha || !known.has(origin) || large.has(origin)) return;
        introducers.add(origin);
        const lines = linesOf.get(origin) ?? [];
        lines.push(file.lines[i]!.line);
        linesOf.set(origin, lines);
      });
      for (const [introducer, lines] of linesOf) {
        const traces = fixTraces.get(introducer) ?? [];
        traces.push({ fix: fix.sha, fixParent: fix.parents[0] ?? '', path: file.path, lines: lines.sort((a, b) => a - b) });
        fixTraces.set(introducer, traces);
      }
    }
    for (const introducer of introducers) {
      const times = fixTimes.get(introducer) ?? [];
      times.push(fix.time);
      fixTimes.set(introducer, times);
    }
  }
  for (const times of fixTimes.values()) times.sort((a, b) => a - b);
  return { root, head, commits, fixes: new Set(fixCommits.map((c) => c.sha)), large, fixTimes, fixTraces, stats };
}
