import type { DiffFile } from '../diff/diff-file.js';
import { stripHiddenMarkup } from './fence-untrusted.js';
import { stripInvisible } from '../risk/invisible-characters.js';
import { lineShownToModels } from '../risk/line-shown-to-models.js';

/**
 * Markdown renders HTML comments invisibly, so in docs they are hidden markup; in code they are
 * code a reviewer sees in the diff, and stay. Invisible characters go everywhere. A long line is
 * cut with a marker that says how much was not shown (`unseen.long-line` counts it in the score).
 */
function visibleText(file: DiffFile, text: string): string {
  const cleaned = file.kind === 'docs' ? stripHiddenMarkup(text).text : stripInvisible(text).text;
  return lineShownToModels(cleaned).text;
}

function headerOf(file: DiffFile): string {
  const parts = [file.status, file.kind, `+${file.additions} -${file.deletions}`];
  if (file.previousPath !== undefined) parts.push(`from ${file.previousPath}`);
  return `### ${file.path} (${parts.join(', ')})`;
}

/**
 * One file's change as the models see it: each line with its new-side number, so that findings
 * can point at the lines riskgate checks them against.
 */
export function renderFileDiff(file: DiffFile): string {
  const width = String(file.hunks.reduce((max, h) => Math.max(max, h.newStart + h.newLines), 1)).length;
  const out = [headerOf(file)];
  for (const hunk of file.hunks) {
    out.push(`@@ -${hunk.oldStart},${hunk.oldLines} +${hunk.newStart},${hunk.newLines} @@`);
    for (const line of hunk.lines) {
      const marker = line.type === 'add' ? '+' : line.type === 'del' ? '-' : ' ';
      const number = line.newLine !== undefined ? String(line.newLine).padStart(width) : ' '.repeat(width);
      out.push(`${number} ${marker} ${visibleText(file, line.text)}`);
    }
  }
  return out.join('\n');
}
