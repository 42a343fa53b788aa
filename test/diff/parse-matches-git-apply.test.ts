// Property test: on many diffs of adversarial trees, made by real git and by GNU diff, riskgate
// reads the same files, paths and counts as `git apply --numstat -z`, and hunks that turn the old
// file into the new one. Diffs git rejects (cut, miscounted) give a clear error or git's own
// reading, never a file that is not in the diff. Seeded: a failure names its case.
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync, chmodSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Diff } from '../../src/diff/diff-file.js';
import { DiffInputError } from '../../src/diff/diff-input-error.js';
import { GIT_DIFF_FLAGS } from '../../src/git/read-git-diff.js';
import { applyHunks, changeTree, fileBytes, isText, linesAsRead, NAME_PARTS, pick, randomTree, type Random, type Tree } from '../support/adversarial-tree.js';
import { gitApplyNumstat, type ApplyNumstatRow } from '../support/git-apply-numstat.js';
import { GitRepo, numstat } from '../support/git-repo.js';
import { mulberry32 } from '../support/mulberry32.js';
import { parse } from '../support/parse.js';
import { runDiff } from '../support/run-diff.js';

const GIT_CASES = 24;
const PLAIN_CASES = 16;

function rowsOf(diff: Diff): ApplyNumstatRow[] {
  return diff.files.map((f) => ({ path: f.path, additions: f.binary ? '-' : f.additions, deletions: f.binary ? '-' : f.deletions }));
}

function writeTree(root: string, tree: Tree): void {
  for (const entry of readdirSync(root)) if (entry !== '.git') rmSync(join(root, entry), { recursive: true, force: true });
  for (const [path, file] of tree) {
    const full = join(root, path);
    mkdirSync(dirname(full), { recursive: true });
    writeFileSync(full, fileBytes(file));
    chmodSync(full, file.executable ? 0o755 : 0o644);
  }
}

/** riskgate and git apply read `text` alike (or both reject it); returns riskgate's reading. */
function expectReadAsGitDoes(text: string, label: string): Diff {
  const git = gitApplyNumstat(text);
  if (!git.accepted) {
    // diff -r output with nothing but "Binary files ... differ" holds no patch git can read.
    expect(() => parse(text), `${label}: git apply says ${git.error}:\n${text}`).toThrow(DiffInputError);
    return { files: [], additions: 0, deletions: 0, warnings: [] };
  }
  const diff = parse(text, Number.MAX_SAFE_INTEGER);
  expect(rowsOf(diff), `${label}:\n${text}`).toEqual(git.rows);
  return diff;
}

/** Every file's hunks turn its old lines into its new lines, so no line was lost or misread. */
function expectHunksRebuild(diff: Diff, base: Tree, head: Tree, label: string, pathOf: (p: string) => string = (p) => p): void {
  for (const file of diff.files) {
    if (file.binary) continue;
    const before = file.status === 'added' ? undefined : base.get(pathOf(file.previousPath ?? file.path));
    const after = file.status === 'deleted' ? undefined : head.get(pathOf(file.path));
    if ((before && !isText(before)) || (after && !isText(after))) continue;
    expect(applyHunks(linesAsRead(before), file.hunks), `${label}: ${JSON.stringify(file.path)}`).toEqual(linesAsRead(after));
  }
}

function int(random: Random, n: number): number {
  return Math.floor(random() * n);
}

describe('parseUnifiedDiff reads what git apply --numstat reads', () => {
  it('on git diff output of adversarial trees (renames, copies, modes, binaries, CRLF, odd names)', () => {
    const random = mulberry32(1401);
    const repo = new GitRepo();
    try {
      let files = 0;
      for (let c = 0; c < GIT_CASES; c++) {
        const label = `git case ${c} (seed 1401)`;
        const base = randomTree(random, 3 + int(random, 8));
        const head = changeTree(random, base, { renames: true });
        writeTree(repo.dir, base);
        const b = repo.commit(`base ${c}`);
        writeTree(repo.dir, head);
        const h = repo.commit(`head ${c}`);
        const text = repo.git('diff', ...GIT_DIFF_FLAGS, b, h, '--');
        if (text === '') continue;
        const diff = parse(text, Number.MAX_SAFE_INTEGER);
        files += diff.files.length;
        // What git diff --numstat -z says of the same commits, old names of renames included. A
        // binary file that is only renamed, copied or chmod-ed has no binary marker in the text:
        // git knows it is binary from the objects.
        const truth = numstat(repo.dir, GIT_DIFF_FLAGS, b, h).map((row, i) => {
          const file = diff.files[i];
          const unmarked = file && row.additions === '-' && !file.binary && file.hunks.length === 0;
          return unmarked ? { ...row, additions: 0, deletions: 0 } : row;
        });
        expect(diff.files.map((f, i) => ({ ...(f.previousPath !== undefined ? { previousPath: f.previousPath } : {}), ...rowsOf(diff)[i]! })), `${label}:\n${text}`).toEqual(truth);
        const applied = gitApplyNumstat(text);
        if (applied.accepted) expect(rowsOf(diff), `${label}:\n${text}`).toEqual(applied.rows);
        // git 2.39 gives up on a `diff --git` line whose directory name ends in a space; later git
        // keeps looking for the separating space, as riskgate does.
        else expect(applied.error, `${label}:\n${text}`).toMatch(/lacks filename information/);
        expectHunksRebuild(diff, base, head, label);
        // Saved with CRLF line ends, it reads the same.
        expect(rowsOf(parse(text.replaceAll('\n', '\r\n'), Number.MAX_SAFE_INTEGER)), `${label} as CRLF`).toEqual(rowsOf(diff));
      }
      expect(files).toBeGreaterThan(GIT_CASES * 2);
    } finally {
      repo.cleanup();
    }
  });

  it('on diff -ruN and diff -u output, with tab- and space-separated timestamps', () => {
    const random = mulberry32(2029);
    const dir = mkdtempSync(join(tmpdir(), 'riskgate-plain-'));
    try {
      let files = 0;
      for (let c = 0; c < PLAIN_CASES; c++) {
        const label = `plain case ${c} (seed 2029)`;
        const base = randomTree(random, 2 + int(random, 7));
        const head = changeTree(random, base, { renames: false });
        rmSync(join(dir, 'pa'), { recursive: true, force: true });
        rmSync(join(dir, 'pb'), { recursive: true, force: true });
        mkdirSync(join(dir, 'pa'));
        mkdirSync(join(dir, 'pb'));
        writeTree(join(dir, 'pa'), base);
        writeTree(join(dir, 'pb'), head);
        const text = runDiff(dir, ['-ruN', 'pa', 'pb']);
        if (text === '') continue;
        for (const [variant, variantText] of [['tab', text], ['spaces', respaceTimestamps(text, random)]] as const) {
          const diff = expectReadAsGitDoes(variantText, `${label}, timestamps after ${variant}`);
          files += diff.files.length;
          // GNU diff -N dates a missing side at the epoch; git looks for that date after a tab only.
          for (const file of variant === 'tab' ? diff.files : []) {
            const expected = !base.has(file.path) ? 'added' : !head.has(file.path) ? 'deleted' : 'modified';
            expect(file.status, `${label}: ${JSON.stringify(file.path)}`).toBe(expected);
          }
          expectHunksRebuild(diff, base, head, label);
        }

        // One file against another in the same directory: no prefix to drop.
        const [oldName, newName] = [pick(random, NAME_PARTS), pick(random, NAME_PARTS)];
        const single = new Map([...base.values()].filter(isText).slice(0, 2).map((f, i) => [i === 0 ? oldName : newName, f]));
        // `-` would be standard input to diff.
        if (oldName === newName || single.size < 2 || oldName === '-' || newName === '-') continue;
        const flat = join(dir, 'flat');
        rmSync(flat, { recursive: true, force: true });
        mkdirSync(flat);
        writeTree(flat, single);
        const flatText = runDiff(flat, ['-u', '--', oldName, newName]);
        if (flatText !== '') expectReadAsGitDoes(flatText, `${label}, diff -u ${JSON.stringify(oldName)} ${JSON.stringify(newName)}`);
      }
      expect(files).toBeGreaterThan(PLAIN_CASES);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('gives git its counts or a clear error on cut and miscounted diffs, and never a file the diff does not hold', () => {
    const random = mulberry32(777);
    const repo = new GitRepo();
    try {
      const outcomes = { same: 0, error: 0, subset: 0 };
      for (let c = 0; c < 12; c++) {
        const base = randomTree(random, 3 + int(random, 6));
        const head = changeTree(random, base, { renames: true });
        writeTree(repo.dir, base);
        const b = repo.commit(`base ${c}`);
        writeTree(repo.dir, head);
        const h = repo.commit(`head ${c}`);
        const text = repo.git('diff', ...GIT_DIFF_FLAGS, b, h, '--');
        if (text === '') continue;
        const whole = parse(text, Number.MAX_SAFE_INTEGER);
        for (let m = 0; m < 6; m++) {
          const mutated = m % 2 === 0 ? cutAt(text, random) : miscount(text, random);
          if (mutated === undefined) continue;
          const label = `mutation ${m} of case ${c} (seed 777):\n${mutated}`;
          const git = gitApplyNumstat(mutated);
          let ours: Diff;
          try {
            ours = parse(mutated, Number.MAX_SAFE_INTEGER);
          } catch (error) {
            expect(error, label).toBeInstanceOf(DiffInputError);
            expect(git.accepted && git.rows.length > 0, `${label}\nriskgate: ${(error as Error).message}`).toBe(false);
            outcomes.error++;
            continue;
          }
          if (git.accepted) {
            expect(rowsOf(ours), label).toEqual(git.rows);
            outcomes.same++;
          } else {
            // Whatever is read is a file of the whole diff, in its order, with no more lines than it.
            const wholePaths = whole.files.map((f) => f.path);
            let from = 0;
            for (const file of ours.files) {
              const index = wholePaths.indexOf(file.path, from);
              expect(index, `${label}\ninvented ${file.path}`).toBeGreaterThanOrEqual(0);
              expect(file.additions).toBeLessThanOrEqual(whole.files[index]!.additions);
              expect(file.deletions).toBeLessThanOrEqual(whole.files[index]!.deletions);
              from = index + 1;
            }
            outcomes.subset++;
          }
        }
      }
      expect(outcomes.same).toBeGreaterThan(0);
      expect(outcomes.error + outcomes.subset).toBeGreaterThan(0);
    } finally {
      repo.cleanup();
    }
  });
});

/**
 * Other diff tools put spaces before the timestamp. Only real header lines change: GNU diff
 * -r prints `diff -ruN A B` before each file's `---`/`+++` pair, and quotes names with tabs, so
 * the last tab of such a line is the one before the timestamp.
 */
function respaceTimestamps(text: string, random: Random): string {
  const lines = text.split('\n');
  for (let i = 0; i + 2 < lines.length; i++) {
    if (!lines[i]!.startsWith('diff -ruN ') || !lines[i + 1]!.startsWith('--- ') || !lines[i + 2]!.startsWith('+++ ')) continue;
    for (const at of [i + 1, i + 2]) {
      const tab = lines[at]!.lastIndexOf('\t');
      lines[at] = `${lines[at]!.slice(0, tab)}${' '.repeat(1 + int(random, 3))}${lines[at]!.slice(tab + 1)}`;
    }
  }
  return lines.join('\n');
}

function cutAt(text: string, random: Random): string | undefined {
  const lines = text.split('\n');
  const at = 1 + int(random, lines.length - 1);
  return `${lines.slice(0, at).join('\n')}\n`;
}

/** One hunk header's count one more or one less. git's own hunk lines never start with "@@". */
function miscount(text: string, random: Random): string | undefined {
  const lines = text.split('\n');
  const headers = lines.flatMap((l, i) => (l.startsWith('@@ -') ? [i] : []));
  if (headers.length === 0) return undefined;
  const at = pick(random, headers);
  const line = lines[at]!;
  const rangesEnd = line.indexOf(' @@', 3);
  const which = pick(random, [...line.slice(0, rangesEnd).matchAll(/[-+]\d+(?:,(\d+))?/g)]);
  const value = Number(which[1] ?? '1') + (random() < 0.5 ? 1 : -1);
  if (value < 0) return undefined;
  const start = which[0].includes(',') ? which[0].slice(0, which[0].indexOf(',')) : which[0];
  lines[at] = `${line.slice(0, which.index)}${start},${value}${line.slice(which.index + which[0].length)}`;
  return lines.join('\n');
}
