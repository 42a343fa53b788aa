// The diff model every later stage reads. Built from `git diff` text or from GitHub's
// `pulls.listFiles` rows; both end up as the same shape.

export type FileStatus = 'added' | 'modified' | 'deleted' | 'renamed' | 'copied' | 'mode-changed';

export type FileKind =
  | 'source'
  | 'test'
  | 'docs'
  | 'config'
  | 'ci'
  | 'infrastructure'
  | 'dependency-manifest'
  | 'lockfile'
  | 'generated'
  | 'vendored';

export interface DiffLine {
  type: 'add' | 'del' | 'context';
  /** The line's text without its leading `+`, `-` or space. */
  text: string;
  /** Line number on the old side (deleted and context lines). */
  oldLine?: number;
  /** Line number on the new side (added and context lines): what annotations point at. */
  newLine?: number;
}

export interface Hunk {
  oldStart: number;
  oldLines: number;
  newStart: number;
  newLines: number;
  lines: DiffLine[];
  /** git's function heading after the closing `@@` (the fallback for languages riskgate does not parse). */
  heading?: string;
}

/**
 * Why part of a file's change was not available to riskgate. Unseen content raises risk and is
 * listed; it never lowers a score.
 */
export type UnseenReason =
  | 'binary'
  | 'missing-patch'
  | 'truncated-patch'
  | 'oversized'
  | 'combined-merge-diff';

export interface DiffFile {
  /** New-side path; for a deletion, the path that was deleted. */
  path: string;
  /** Old-side path for renames and copies. */
  previousPath?: string;
  status: FileStatus;
  /** Rename or copy similarity in percent, as git reports it. */
  similarity?: number;
  oldMode?: string;
  newMode?: string;
  binary: boolean;
  additions: number;
  deletions: number;
  hunks: Hunk[];
  kind: FileKind;
  /** Linguist language name when the path maps to one. */
  language?: string;
  /** Set when some of this file's change could not be read. */
  unseen?: UnseenReason;
}

export interface Diff {
  files: DiffFile[];
  /** Raw totals, counted as `git diff --numstat` counts them (every kind included). */
  additions: number;
  deletions: number;
  /** Problems found while reading the input that did not stop it (shown to the user). */
  warnings: string[];
  /** Files in the change that the source did not list at all (GitHub lists 3,000 at most). */
  unlistedFiles?: number;
}

// Generated, vendored and lockfile content is produced by tools, not written by the author: it
// says little about what a reviewer must read, and models are not shown it. Only the base branch
// makes a file vendored or generated (src/diff/classify-file.ts); such files still run the
// pattern rules, count in `kind.not-shown` and are listed as not shown.
const NOT_AUTHORED: ReadonlySet<FileKind> = new Set(['generated', 'vendored', 'lockfile']);

export function isAuthored(kind: FileKind): boolean {
  return !NOT_AUTHORED.has(kind);
}

export function totalsOf(files: readonly DiffFile[]): { additions: number; deletions: number } {
  let additions = 0;
  let deletions = 0;
  for (const file of files) {
    additions += file.additions;
    deletions += file.deletions;
  }
  return { additions, deletions };
}

/**
 * Keeps the counts of a file with more changed lines than `maxFileLines` but drops its lines, so
 * one huge file cannot dominate time and memory; the file is then unseen ('oversized').
 */
export function limitFileLines(file: DiffFile, maxFileLines: number): DiffFile {
  if (file.additions + file.deletions > maxFileLines && file.unseen === undefined) {
    file.hunks = [];
    file.unseen = 'oversized';
  }
  return file;
}
