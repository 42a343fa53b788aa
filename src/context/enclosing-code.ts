// What the verifier sees of each finding besides the diff: the code that encloses it, read at the
// head. Behind one small function so the code layer (src/code/) can later supply the enclosing
// function instead of a window of lines.

/** The whole file when it is at most this long; else windows around the findings. */
export const MAX_WHOLE_FILE_CHARS = 24_000;
/** Lines shown on each side of a finding in a file too long to show whole. */
export const LINES_AROUND_FINDING = 40;

/** Reads a file at the head revision: git in the CLI, the contents API in the App and the Action. */
export type ReadAtHead = (path: string) => Promise<string | undefined>;

/** A file's code around the given new-side line ranges, with line numbers; none when it cannot be read. */
export type EnclosingCode = (path: string, ranges: ReadonlyArray<readonly [number, number]>) => Promise<string | undefined>;

function numbered(lines: readonly string[], from: number, to: number): string {
  const out: string[] = [];
  for (let n = from; n <= to; n++) out.push(`${n} ${lines[n - 1]}`);
  return out.join('\n');
}

/** The code around line ranges of one file's text: all of it when short, else merged windows. */
export function excerptAround(text: string, ranges: ReadonlyArray<readonly [number, number]>): string {
  const lines = text.split('\n');
  if (lines.length > 0 && lines[lines.length - 1] === '') lines.pop();
  if (text.length <= MAX_WHOLE_FILE_CHARS) return numbered(lines, 1, lines.length);
  const windows = ranges
    .map(([start, end]) => [Math.max(1, start - LINES_AROUND_FINDING), Math.min(lines.length, end + LINES_AROUND_FINDING)] as const)
    .filter(([from, to]) => from <= to)
    .sort((a, b) => a[0] - b[0]);
  const merged: Array<[number, number]> = [];
  for (const [from, to] of windows) {
    const last = merged[merged.length - 1];
    if (last && from <= last[1] + 1) last[1] = Math.max(last[1], to);
    else merged.push([from, to]);
  }
  return merged.map(([from, to]) => numbered(lines, from, to)).join('\n…\n');
}

/** EnclosingCode from a file reader: each file read once. */
export function enclosingFromFiles(readAtHead: ReadAtHead): EnclosingCode {
  const files = new Map<string, Promise<string | undefined>>();
  return async (path, ranges) => {
    if (!files.has(path)) files.set(path, readAtHead(path).catch(() => undefined));
    const text = await files.get(path)!;
    return text === undefined ? undefined : excerptAround(text, ranges);
  };
}
