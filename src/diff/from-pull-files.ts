import type { Diff, DiffFile, FileStatus } from './diff-file.js';
import { limitFileLines, totalsOf } from './diff-file.js';
import type { ParseOptions } from './parse-unified-diff.js';
import { readPatchHunks } from './read-hunks.js';

/** The fields riskgate reads from one row of GitHub's `pulls.listFiles`. */
export interface PullFileRow {
  filename: string;
  previous_filename?: string;
  status: 'added' | 'removed' | 'modified' | 'renamed' | 'copied' | 'changed' | 'unchanged';
  additions: number;
  deletions: number;
  changes: number;
  patch?: string | null;
  /** The file's blob SHA at the head: what the code-structure layer caches file text by. */
  sha?: string;
}

const STATUS: Record<PullFileRow['status'], FileStatus> = {
  added: 'added',
  removed: 'deleted',
  modified: 'modified',
  renamed: 'renamed',
  copied: 'copied',
  changed: 'mode-changed',
  unchanged: 'modified',
};

/**
 * Builds the diff model from listFiles rows. The rows carry hunks without git headers, so the
 * path comes from the row. GitHub leaves `patch` out for binary and very large files, and past
 * about 20,000 patch lines in one PR it also reports 0 additions and 0 deletions with no marker:
 * a row without a patch is unseen unless it is a pure rename, copy or mode change.
 */
export function diffFromPullFiles(rows: readonly PullFileRow[], options: ParseOptions, changedFiles = rows.length): Diff {
  const files = rows.map((row): DiffFile => {
    const status = STATUS[row.status];
    const { kind, language } = options.classify(row.filename);
    const file: DiffFile = {
      path: row.filename,
      status,
      binary: false,
      additions: row.additions,
      deletions: row.deletions,
      hunks: [],
      kind,
      ...(language !== undefined ? { language } : {}),
      ...(row.previous_filename !== undefined ? { previousPath: row.previous_filename } : {}),
    };
    if (row.patch) {
      const reading = readPatchHunks(row.patch);
      file.hunks = reading.hunks;
      if (reading.truncated || reading.additions !== row.additions || reading.deletions !== row.deletions) {
        file.unseen = 'truncated-patch';
      }
    } else {
      const headerOnly = (status === 'renamed' || status === 'copied' || status === 'mode-changed') && row.changes === 0;
      if (!headerOnly) file.unseen = 'missing-patch';
    }
    return limitFileLines(file, options.maxFileLines);
  });
  const totals = totalsOf(files);
  // listFiles stops at 3,000 rows; the pull request's own count says how many it left out.
  const unlisted = Math.max(0, changedFiles - rows.length);
  return { files, ...totals, warnings: [], ...(unlisted > 0 ? { unlistedFiles: unlisted } : {}) };
}
