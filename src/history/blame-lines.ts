import { runGit } from '../git/run-git.js';
import { unquoteGitPath } from '../diff/unquote-git-path.js';

const PORCELAIN_HEADER = /^([0-9a-f]{40}) \d+ (\d+)(?: \d+)?$/;

/** Consecutive line numbers joined into `-L a,b` ranges: one blame walk for all of them. */
function lineRanges(lines: readonly number[]): string[] {
  const sorted = [...new Set(lines)].sort((a, b) => a - b);
  const args: string[] = [];
  for (let i = 0; i < sorted.length; ) {
    let j = i;
    while (j + 1 < sorted.length && sorted[j + 1] === sorted[j]! + 1) j++;
    args.push('-L', `${sorted[i]},${sorted[j]}`);
    i = j + 1;
  }
  return args;
}

/** `git blame -w` of some lines of a file at a revision: line number -> commit sha. */
export async function blameLines(root: string, revision: string, path: string, lines: readonly number[]): Promise<Map<number, string>> {
  const out = await runGit(root, ['blame', '--porcelain', '-w', ...lineRanges(lines), revision, '--', path]);
  const origins = new Map<number, string>();
  for (const line of out.split('\n')) {
    const m = PORCELAIN_HEADER.exec(line);
    if (m) origins.set(Number(m[2]), m[1]!);
  }
  return origins;
}

/** Where a line of a file came from: the commit that last changed it, and the line and path it had there. */
export interface LineOrigin {
  commit: string;
  /** The line's number in `commit`'s version of the file (blame's "original line"). */
  line: number;
  /** The file's path in `commit` (differs from the blamed path after a rename). */
  path: string;
}

const PORCELAIN_LINE = /^([0-9a-f]{40}) (\d+) (\d+)(?: \d+)?$/;

/**
 * `git blame --porcelain -w` of some lines of a file at a revision: line number -> its origin,
 * with the line number and path it had in the commit that wrote it. Porcelain names a commit's
 * file only the first time the commit appears (or whenever the commit has several paths), so the
 * last name seen per commit is kept.
 */
export async function blameOrigins(root: string, revision: string, path: string, lines: readonly number[]): Promise<Map<number, LineOrigin>> {
  // An empty --ignore-revs-file clears blame.ignoreRevsFile: the user's config must not move lines.
  const out = await runGit(root, ['blame', '--porcelain', '-w', '--ignore-revs-file=', ...lineRanges(lines), revision, '--', path]);
  const origins = new Map<number, LineOrigin>();
  const pathOf = new Map<string, string>();
  let pending: { commit: string; line: number; final: number } | undefined;
  for (const line of out.split('\n')) {
    const header = PORCELAIN_LINE.exec(line);
    if (header) {
      pending = { commit: header[1]!, line: Number(header[2]), final: Number(header[3]) };
      continue;
    }
    if (!pending) continue;
    if (line.startsWith('filename ')) {
      pathOf.set(pending.commit, unquoteGitPath(line.slice('filename '.length)));
    } else if (line.startsWith('\t')) {
      // The line's content closes its entry; by then its commit's file name has been given.
      origins.set(pending.final, { commit: pending.commit, line: pending.line, path: pathOf.get(pending.commit) ?? path });
      pending = undefined;
    }
  }
  return origins;
}
