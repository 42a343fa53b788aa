import type { DiffFile, Hunk } from '../diff/diff-file.js';
import { tokensForChars } from '../plan/estimate-cost.js';
import { stripInvisible } from '../risk/invisible-characters.js';
import { lineShownToModels } from '../risk/line-shown-to-models.js';
import type { ContextBlock } from '../run/pack-context.js';
import type { ParsedSource } from './parse-source.js';

/** A function grows to at most this many lines: a 200-line function is sent whole, a larger one cut around the change. */
export const MAX_FUNCTION_LINES = 220;
/** A class this short is sent whole when a change is in one of its methods. */
export const SMALL_CLASS_LINES = 60;
/** Function context comes after guidelines, before callers (pack-context.ts: higher first). */
export const FUNCTION_CONTEXT_PRIORITY = 20;

interface Range {
  start: number;
  end: number;
  names: string[];
}

/**
 * The new-side lines a hunk changed: added lines, and for a run of removed lines the line now
 * where they were. Computed from the changed lines alone, so it is the same whatever context
 * lines the diff was made with (`git -c diff.context=0` changes nothing).
 */
export function changedNewLines(hunk: Hunk): number[] {
  // git numbers an empty new side by the line before it; the removal sits before the next one.
  let next = hunk.newLines === 0 ? hunk.newStart + 1 : hunk.newStart;
  const lines: number[] = [];
  let previousWasDeletion = false;
  for (const line of hunk.lines) {
    if (line.type === 'add') {
      lines.push(line.newLine ?? next);
      next = (line.newLine ?? next) + 1;
      previousWasDeletion = false;
    } else if (line.type === 'del') {
      if (!previousWasDeletion) lines.push(next);
      previousWasDeletion = true;
    } else {
      next = (line.newLine ?? next) + 1;
      previousWasDeletion = false;
    }
  }
  return lines;
}

/** Where git's heading line is, at or above `line`: the fallback's start of the function. */
function headingLine(lines: readonly string[], heading: string, line: number): number | undefined {
  const wanted = heading.trim();
  for (let row = Math.min(line, lines.length) - 1, seen = 0; row >= 0 && seen < MAX_FUNCTION_LINES * 4; row--, seen++) {
    if (lines[row]!.trim().startsWith(wanted)) return row + 1;
  }
  return undefined;
}

function cut(range: Range, changed: readonly number[]): { start: number; end: number; cut: boolean } {
  if (range.end - range.start + 1 <= MAX_FUNCTION_LINES) return { start: range.start, end: range.end, cut: false };
  const inside = changed.filter((l) => l >= range.start && l <= range.end);
  const first = inside[0] ?? range.start;
  const last = inside[inside.length - 1] ?? first;
  const spare = Math.max(0, MAX_FUNCTION_LINES - (last - first + 1));
  const start = Math.max(range.start, first - Math.floor(spare / 2));
  return { start, end: Math.min(range.end, start + MAX_FUNCTION_LINES - 1), cut: true };
}

const visible = (text: string) => lineShownToModels(stripInvisible(text).text).text;

/**
 * Each hunk grown to its enclosing function (a small class whole), as the head has it: one block
 * per region, numbered with new-side lines like the diff, changed lines marked `+`. `parsed` is
 * the head's tree; without one, git's hunk heading marks where the function starts.
 */
export function functionContext(file: DiffFile, headText: string, parsed: ParsedSource | undefined): ContextBlock[] {
  const lines = headText.split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  const added = new Set<number>();
  for (const hunk of file.hunks) for (const line of hunk.lines) if (line.type === 'add' && line.newLine !== undefined) added.add(line.newLine);
  const changed: number[] = [];
  const ranges: Range[] = [];
  const covered = (line: number) => ranges.some((r) => line >= r.start && line <= r.end);
  for (const hunk of file.hunks) {
    const hunkChanged = changedNewLines(hunk);
    changed.push(...hunkChanged);
    for (const line of hunkChanged) {
      if (covered(line) || line > lines.length + 1) continue;
      if (parsed) {
        const { fn, cls } = parsed.enclosing(Math.min(line, lines.length));
        const small = cls && cls.endLine - cls.startLine + 1 <= SMALL_CLASS_LINES ? cls : undefined;
        const region = small ?? fn;
        if (region) ranges.push({ start: region.startLine, end: region.endLine, names: [`${region.kind} ${region.name}`] });
      } else if (hunk.heading) {
        const start = headingLine(lines, hunk.heading, line);
        const last = hunkChanged[hunkChanged.length - 1] ?? line;
        if (start !== undefined) ranges.push({ start, end: Math.min(lines.length, Math.max(last, line)), names: [`the function at "${hunk.heading.slice(0, 80)}"`] });
      }
    }
  }
  changed.sort((a, b) => a - b);
  // Regions that overlap or touch are one block.
  ranges.sort((a, b) => a.start - b.start);
  const merged: Range[] = [];
  for (const range of ranges) {
    const last = merged[merged.length - 1];
    if (last && range.start <= last.end + 1) {
      last.end = Math.max(last.end, range.end);
      for (const name of range.names) if (!last.names.includes(name)) last.names.push(name);
    } else {
      merged.push({ ...range, names: [...range.names] });
    }
  }
  return merged.map((range) => {
    const shown = cut(range, changed);
    const width = String(shown.end).length;
    const body: string[] = [];
    for (let n = shown.start; n <= shown.end && n <= lines.length; n++) {
      body.push(`${String(n).padStart(width)} ${added.has(n) ? '+' : ' '} ${visible(lines[n - 1]!)}`);
    }
    const what = range.names.join(', ');
    const span = shown.cut ? `lines ${shown.start}-${shown.end} of ${range.start}-${range.end} (cut to ${MAX_FUNCTION_LINES} lines around the change)` : `lines ${shown.start}-${shown.end}`;
    const header = `### ${file.path}: ${what}, ${span}, as at the head. Unchanged context around the change: the diff above is what changed (lines marked + are its added lines).`;
    const text = `${header}\n${body.join('\n')}`;
    return { kind: 'function', label: `${what} in ${file.path}`, text, tokens: tokensForChars(text.length), priority: FUNCTION_CONTEXT_PRIORITY, path: file.path };
  });
}
