import type { FileStatus } from '../diff/diff-file.js';

/** One file of a commit as `git log --raw --numstat` reports it. */
export interface HistoryFile {
  path: string;
  previousPath?: string;
  status: FileStatus;
  /** Blob ids before and after; the all-zero id where the side does not exist. */
  oldBlob: string;
  newBlob: string;
  binary: boolean;
  additions: number;
  deletions: number;
}

/** A non-merge commit of the mined history, oldest first. */
export interface HistoryCommit {
  sha: string;
  parents: string[];
  /** Author time, seconds since the epoch. */
  time: number;
  authorEmail: string;
  authorName: string;
  message: string;
  files: HistoryFile[];
}

/** git's id for "no such side" in raw output. */
export const NULL_BLOB = '0000000000000000000000000000000000000000';

/** Commit times are in seconds since the epoch; windows and ages are counted in days of these. */
export const SECONDS_PER_DAY = 86_400;
