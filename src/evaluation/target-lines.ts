import { GitError } from '../git/run-git.js';
import type { LineOrigin } from '../history/blame-lines.js';
import type { FixTrace } from '../history/mine-history.js';

/** `git blame` of some lines of a file at a revision: line number there -> where it came from. */
export type BlameOrigins = (revision: string, path: string, lines: readonly number[]) => Promise<Map<number, LineOrigin>>;

export interface TargetLines {
  /** Introducer's path -> its new-side line numbers that a later fix changed, ascending. */
  lines: Map<string, number[]>;
  /** Traced lines blame gave to another commit than SZZ's replay did (left out). */
  disagreed: number;
  /** Blames git could not run (a file or object gone): their lines are left out. */
  failedBlames: number;
}

/**
 * Where the lines a fix changed were in the commit that wrote them. SZZ (the mining) knows only
 * which commit a line came from, numbered as the fix's parent has it; lines move between the
 * two (insertions above, renames), so each traced file is blamed at the fix's parent and
 * porcelain's original line number and file name locate the line in the introducer.
 */
export async function targetLinesOf(introducer: string, traces: readonly FixTrace[], blame: BlameOrigins): Promise<TargetLines> {
  const found = new Map<string, Set<number>>();
  let disagreed = 0;
  let failedBlames = 0;
  for (const trace of traces) {
    if (!trace.fixParent) continue;
    let origins: Map<number, LineOrigin>;
    try {
      origins = await blame(trace.fixParent, trace.path, trace.lines);
    } catch (error) {
      if (!(error instanceof GitError)) throw error;
      failedBlames++;
      continue;
    }
    for (const line of trace.lines) {
      const origin = origins.get(line);
      if (origin?.commit !== introducer) {
        disagreed++;
        continue;
      }
      const set = found.get(origin.path) ?? new Set<number>();
      set.add(origin.line);
      found.set(origin.path, set);
    }
  }
  const lines = new Map([...found].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([path, set]) => [path, [...set].sort((a, b) => a - b)]));
  return { lines, disagreed, failedBlames };
}
