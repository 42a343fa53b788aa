import type { DiffLine, Hunk } from './diff-file.js';
import { quoteForMessage } from './quote-for-message.js';
import { DiffLines } from './split-diff-lines.js';

export interface HunkReading {
  hunks: Hunk[];
  additions: number;
  deletions: number;
  /** The input ended inside a hunk: the patch was cut off. */
  truncated: boolean;
  /** Why the hunks cannot be read as git reads them (git apply calls this a corrupt patch). */
  corrupt?: { line: number; reason: string };
  /** Index of the first line after the hunks. */
  next: number;
}

// `@@ -a[,b] +c[,d] @@`, as git's parse_fragment_header accepts it; what follows the closing
// `@@` (the function name) is not part of it. Nine digits at most: no file has a billion lines,
// and the numbers stay small integers (a longer number makes the header bad).
const HUNK_HEADER = /^@@ -(\d{1,9})(?:,(\d{1,9}))? \+(\d{1,9})(?:,(\d{1,9}))? @@/;

export interface HunkRange {
  oldStart: number;
  oldLines: number;
  newStart: number;
  newLines: number;
}

export function parseHunkHeader(line: string): HunkRange | undefined {
  const match = HUNK_HEADER.exec(line);
  if (!match) return undefined;
  // `| 0` keeps them small integers for V8, so line numbers are not stored as boxed doubles.
  return {
    oldStart: Number(match[1]) | 0,
    oldLines: match[2] === undefined ? 1 : Number(match[2]) | 0,
    newStart: Number(match[3]) | 0,
    newLines: match[4] === undefined ? 1 : Number(match[4]) | 0,
  };
}

// git writes at most 80 bytes of the heading; a longer one is not git's, and is cut.
const MAX_HEADING_CHARS = 200;

/** What follows the closing `@@ ` of a hunk header: the function line git found above the hunk. */
export function headingOf(header: string): string | undefined {
  const close = header.indexOf(' @@', 4);
  if (close === -1) return undefined;
  const heading = header.slice(close + 3).trim();
  return heading === '' ? undefined : heading.slice(0, MAX_HEADING_CHARS);
}

const SPACE = 0x20;
const PLUS = 0x2b;
const MINUS = 0x2d;
const BACKSLASH = 0x5c;

/**
 * Reads the hunks that follow one another from line `start`. A hunk's extent comes from its
 * `@@` counts, as in git's parse_fragment, so its lines are content whatever they look like
 * (`--- x`, `+++ y`, `diff --git ...`, `@@ ...` after a prefix); a header can only start after
 * the counts are used up. `\ No newline at end of file` is a marker, not a line.
 */
export function readHunks(lines: DiffLines, start: number): HunkReading {
  const hunks: Hunk[] = [];
  let additions = 0;
  let deletions = 0;
  let i = start;
  let header = i < lines.length ? lines.line(i) : '';
  while (header.startsWith('@@ -')) {
    const headerLine = i + 1;
    const range = parseHunkHeader(header);
    const heading = range ? headingOf(header) : undefined;
    if (!range) {
      return { hunks, additions, deletions, truncated: false, corrupt: { line: headerLine, reason: `bad hunk header ${quoteForMessage(header, 80)}` }, next: i };
    }
    i++;
    let oldLeft = range.oldLines;
    let newLeft = range.newLines;
    let oldLine = range.oldStart;
    let newLine = range.newStart;
    const hunkLines: DiffLine[] = [];
    while (i < lines.length && (oldLeft > 0 || newLeft > 0)) {
      const line = lines.line(i);
      const first = line.length === 0 ? SPACE : line.charCodeAt(0);
      if (first === SPACE) {
        // An empty line is an empty context line (newer GNU diff writes it so).
        hunkLines.push({ type: 'context', text: line.slice(1), oldLine: oldLine++, newLine: newLine++ });
        oldLeft--;
        newLeft--;
      } else if (first === MINUS) {
        hunkLines.push({ type: 'del', text: line.slice(1), oldLine: oldLine++ });
        deletions++;
        oldLeft--;
      } else if (first === PLUS) {
        hunkLines.push({ type: 'add', text: line.slice(1), newLine: newLine++ });
        additions++;
        newLeft--;
      } else if (first !== BACKSLASH || !line.startsWith('\\ ')) {
        return {
          hunks,
          additions,
          deletions,
          truncated: false,
          corrupt: { line: i + 1, reason: `the hunk at line ${headerLine} needs ${Math.max(oldLeft, 0)} more old and ${Math.max(newLeft, 0)} more new lines, but this line is not a hunk line` },
          next: i,
        };
      }
      if (oldLeft < 0 || newLeft < 0) {
        return { hunks, additions, deletions, truncated: false, corrupt: { line: i + 1, reason: `the hunk at line ${headerLine} holds more lines than its @@ counts` }, next: i };
      }
      i++;
    }
    // The marker of a last line without a newline follows the counted lines.
    header = i < lines.length ? lines.line(i) : '';
    if (header.startsWith('\\ ')) {
      i++;
      header = i < lines.length ? lines.line(i) : '';
    }
    hunks.push({ oldStart: range.oldStart, oldLines: range.oldLines, newStart: range.newStart, newLines: range.newLines, lines: hunkLines, ...(heading ? { heading } : {}) });
    if (oldLeft > 0 || newLeft > 0) return { hunks, additions, deletions, truncated: true, next: i };
  }
  return { hunks, additions, deletions, truncated: false, next: i };
}

/**
 * Reads a patch of hunks only, as GitHub's `pulls.listFiles` gives them (no file headers), with
 * the same line splitting and hunk rules as a whole diff. Anything that is not a well-formed run
 * of hunks counts as cut off, so the file is marked unseen rather than read in part silently.
 */
export function readPatchHunks(patch: string): HunkReading {
  const lines = new DiffLines(patch);
  const reading = readHunks(lines, 0);
  if (reading.corrupt || reading.next < lines.length) return { ...reading, truncated: true };
  return reading;
}
