import { runGit } from '../git/run-git.js';

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
