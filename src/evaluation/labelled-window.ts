import { SECONDS_PER_DAY, type HistoryCommit } from '../history/history-commit.js';
import type { MinedHistory } from '../history/mine-history.js';

/**
 * The commits old enough to be labelled, as `calibrate` takes them: authored from `since` to
 * `until` less `label_horizon_days` (whose bugs are not found yet), with every fix up to `until`
 * counted. Times are author times in seconds since the epoch.
 */
export interface LabelledWindow {
  /** Earliest author time in the window; undefined from the first commit on. */
  since?: number;
  /** Latest author time in the window. */
  labelledUntil: number;
  /** Fixes authored up to here label the window's commits (the mining's `until`). */
  until: number;
  labelHorizonDays: number;
}

export function labelledWindow(until: Date, labelHorizonDays: number, since?: Date): LabelledWindow {
  const untilSeconds = Math.floor(until.getTime() / 1000);
  return {
    ...(since ? { since: Math.floor(since.getTime() / 1000) } : {}),
    labelledUntil: untilSeconds - labelHorizonDays * SECONDS_PER_DAY,
    until: untilSeconds,
    labelHorizonDays,
  };
}

export interface WindowCommits {
  /** Non-merge, non-bulk commits of the window, oldest (author time) first. */
  commits: HistoryCommit[];
  /** Those a fix up to `until` traced lines to: bug-introducing. */
  buggy: ReadonlySet<string>;
  /** Bulk commits of the window, left out (calibrate never labels them). */
  bulk: number;
}

export function inWindow(window: LabelledWindow, time: number): boolean {
  return time <= window.labelledUntil && (window.since === undefined || time >= window.since);
}

/** The window's commits and labels from a mined history (merges are not in it at all). */
export function commitsInWindow(history: Pick<MinedHistory, 'commits' | 'large' | 'fixTimes'>, window: LabelledWindow): WindowCommits {
  const commits: HistoryCommit[] = [];
  const buggy = new Set<string>();
  let bulk = 0;
  for (const commit of history.commits) {
    if (!inWindow(window, commit.time)) continue;
    if (history.large.has(commit.sha)) {
      bulk++;
      continue;
    }
    commits.push(commit);
    const firstFix = history.fixTimes.get(commit.sha)?.[0];
    if (firstFix !== undefined && firstFix <= window.until) buggy.add(commit.sha);
  }
  // Stable: commits of the same second keep the history's (parents first) order.
  commits.sort((a, b) => a.time - b.time);
  return { commits, buggy, bulk };
}
