import parseDiff from 'parse-diff';
import type { DiffLine, Hunk } from './diff-file.js';

// parse-diff copies the previous change for git's "\ No newline at end of file" marker; that copy
// is not a line of the file.
const NO_NEWLINE_MARKER = '\\ No newline at end of file';

export interface HunkReading {
  hunks: Hunk[];
  additions: number;
  deletions: number;
  /** A hunk holds fewer lines than its header announced: the patch was cut off. */
  truncated: boolean;
}

/**
 * Reads the hunks of one file's patch with parse-diff. `patch` may carry git's headers or start
 * directly with `@@` (GitHub's listFiles rows).
 */
export function readHunks(patch: string): HunkReading {
  const parsed = parseDiff(patch);
  const chunks = parsed.flatMap((file) => file.chunks);
  const hunks: Hunk[] = [];
  let additions = 0;
  let deletions = 0;
  let truncated = false;
  for (const chunk of chunks) {
    const lines: DiffLine[] = [];
    let oldSeen = 0;
    let newSeen = 0;
    for (const change of chunk.changes) {
      if (change.content === NO_NEWLINE_MARKER) continue;
      const text = change.content.slice(1);
      if (change.type === 'add') {
        lines.push({ type: 'add', text, newLine: change.ln });
        additions++;
        newSeen++;
      } else if (change.type === 'del') {
        lines.push({ type: 'del', text, oldLine: change.ln });
        deletions++;
        oldSeen++;
      } else {
        lines.push({ type: 'context', text, oldLine: change.ln1, newLine: change.ln2 });
        oldSeen++;
        newSeen++;
      }
    }
    if (oldSeen < chunk.oldLines || newSeen < chunk.newLines) truncated = true;
    hunks.push({
      oldStart: chunk.oldStart,
      oldLines: chunk.oldLines,
      newStart: chunk.newStart,
      newLines: chunk.newLines,
      lines,
    });
  }
  return { hunks, additions, deletions, truncated };
}
