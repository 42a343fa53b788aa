import type { DiffFile } from './diff-file.js';

// A generator's header says a tool wrote the file: Go's `// Code generated <tool>. DO NOT EDIT.`
// (go.dev/s/generatedcode) and the `@generated` tag of Meta's tools, near the top of the file.
// It is the content's own claim, as a path is the author's: it may lower a file's weight in the
// size factor, never its kind, what the pattern rules read or what the models are shown.

/** Only the first lines of the new file are read for a header, as linguist does. */
export const HEADER_LINES = 5;
// Enough of a header line for either marker; the rest of a long line is not a header.
const HEADER_CHARS = 500;

function isHeaderLine(text: string): boolean {
  const head = text.length > HEADER_CHARS ? text.slice(0, HEADER_CHARS) : text;
  // indexOf, not a regular expression with `.*`: linear on any line.
  const code = head.indexOf('Code generated ');
  if (code >= 0 && head.indexOf('DO NOT EDIT', code) > 0) return true;
  const tag = head.indexOf('@generated');
  return tag >= 0 && !/[\w-]/.test(head.charAt(tag + '@generated'.length));
}

/** Whether the new file's first lines, as far as the diff shows them (added or context), carry a generator header. */
export function hasGeneratorHeader(file: DiffFile): boolean {
  for (const hunk of file.hunks) {
    if (hunk.newStart > HEADER_LINES) break;
    for (const line of hunk.lines) {
      if (line.type === 'del' || line.newLine === undefined) continue;
      if (line.newLine > HEADER_LINES) break;
      if (isHeaderLine(line.text)) return true;
    }
  }
  return false;
}
