import type { FileClassifier } from '../diff/classify-file.js';
import type { Diff, DiffFile } from '../diff/diff-file.js';
import type { HistoryFile } from './history-commit.js';

/** A commit's files as the diff model, without hunks: what the count-based features read. */
export function diffOfCommit(files: readonly HistoryFile[], classify: FileClassifier): Diff {
  const diffFiles = files.map((f): DiffFile => {
    const { kind, language } = classify(f.path);
    return {
      path: f.path,
      ...(f.previousPath !== undefined ? { previousPath: f.previousPath } : {}),
      status: f.status,
      binary: f.binary,
      additions: f.additions,
      deletions: f.deletions,
      hunks: [],
      kind,
      ...(language !== undefined ? { language } : {}),
    };
  });
  return {
    files: diffFiles,
    additions: diffFiles.reduce((n, f) => n + f.additions, 0),
    deletions: diffFiles.reduce((n, f) => n + f.deletions, 0),
    warnings: [],
  };
}
