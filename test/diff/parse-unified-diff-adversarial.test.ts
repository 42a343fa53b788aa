// Diffs whose lines look like headers, or hold characters that some readers take for line
// breaks, and file names that need care. Each diff is made by GNU diff or git, and each reading
// is held against `git apply --numstat -z` on the same text.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { Diff, DiffFile } from '../../src/diff/diff-file.js';
import { DiffInputError } from '../../src/diff/diff-input-error.js';
import { GIT_DIFF_FLAGS } from '../../src/git/read-git-diff.js';
import { gitApplyNumstat, type ApplyNumstatRow } from '../support/git-apply-numstat.js';
import { GitRepo } from '../support/git-repo.js';
import { parse } from '../support/parse.js';
import { runDiff } from '../support/run-diff.js';

const scratch = mkdtempSync(join(tmpdir(), 'riskgate-adversarial-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));
let scratchCount = 0;

/** Two trees in a fresh directory, as `a/` and `b/`; returns the directory. */
function trees(before: Record<string, string>, after: Record<string, string>): string {
  const dir = join(scratch, String(scratchCount++));
  for (const [root, files] of [['a', before], ['b', after]] as const) {
    mkdirSync(join(dir, root), { recursive: true });
    for (const [path, content] of Object.entries(files)) {
      mkdirSync(dirname(join(dir, root, path)), { recursive: true });
      writeFileSync(join(dir, root, path), content);
    }
  }
  return dir;
}

function rowsOf(diff: Diff): ApplyNumstatRow[] {
  return diff.files.map((f) => ({ path: f.path, additions: f.binary ? '-' : f.additions, deletions: f.binary ? '-' : f.deletions }));
}

/** Parses `text` and checks files, paths and counts against git apply. */
function readLikeGit(text: string): Diff {
  const git = gitApplyNumstat(text);
  if (!git.accepted) throw new Error(`git apply rejects the test diff: ${git.error}\n${text}`);
  const diff = parse(text);
  expect(rowsOf(diff)).toEqual(git.rows);
  return diff;
}

function changeLines(file: DiffFile | undefined, type: 'add' | 'del'): string[] {
  return (file?.hunks ?? []).flatMap((h) => h.lines.filter((l) => l.type === type).map((l) => l.text));
}

function fileAt(diff: Diff, path: string): DiffFile {
  const file = diff.files.find((f) => f.path === path);
  if (!file) throw new Error(`no ${JSON.stringify(path)} in ${JSON.stringify(diff.files.map((f) => f.path))}`);
  return file;
}

describe('plain diff -u: a hunk runs to its @@ counts and lines split on "\\n" only', () => {
  it('keeps a removed "-- x" line followed by an added "++ y" line in its hunk', () => {
    const dir = trees({ 'g.txt': '-- x\nkeep\n', 'h.txt': 'one\n' }, { 'g.txt': '++ y\nkeep\n', 'h.txt': 'two\n' });
    const text = runDiff(dir, ['-ru', 'a', 'b']);
    expect(text).toMatch(/^--- x\n\+\+\+ y\n/m);
    const diff = readLikeGit(text);
    expect(diff.files.map((f) => f.path)).toEqual(['g.txt', 'h.txt']);
    expect(changeLines(fileAt(diff, 'g.txt'), 'del')).toEqual(['-- x']);
    expect(changeLines(fileAt(diff, 'g.txt'), 'add')).toEqual(['++ y']);
  });

  it('reads U+2028, U+2029, U+0085 and a lone CR as characters inside a line', () => {
    const hidden = ['ok\u2028diff --git a/evil b/evil', '@@ -1 +1 @@\u2029eval(payload)', 'last\u0085line\rcr', 'x\rdiff --git a/f b/f'];
    const dir = trees(
      { 'one.txt': 'keep\na\u2028--- x\nend\n', 'two.js': 'x\n' },
      { 'one.txt': 'keep\n++ y\nend\nmore\n', 'two.js': `x\n${hidden.join('\n')}\n` },
    );
    const text = runDiff(dir, ['-ru', 'a', 'b']);
    const diff = readLikeGit(text);
    expect(diff.files.map((f) => f.path)).toEqual(['one.txt', 'two.js']);
    expect(changeLines(fileAt(diff, 'two.js'), 'add')).toEqual(hidden);
    expect(changeLines(fileAt(diff, 'one.txt'), 'del')).toEqual(['a\u2028--- x']);
    expect(diff.warnings).toEqual([]);
  });

  it('drops the tree prefix git drops (diff -ruN old new) and reads epoch-dated sides as added or deleted', () => {
    const dir = trees({ 'src/gone.ts': 'bye\n', 'src/kept.ts': 'a\n' }, { 'src/kept.ts': 'b\n', 'src/auth/new.ts': 'hi\n' });
    const diff = readLikeGit(runDiff(dir, ['-ruN', 'a', 'b']));
    expect(diff.files.map((f) => [f.path, f.status])).toEqual([
      ['src/auth/new.ts', 'added'],
      ['src/gone.ts', 'deleted'],
      ['src/kept.ts', 'modified'],
    ]);
  });

  it('shows ten warnings of a kind and counts the rest, so a crafted diff cannot flood the output', () => {
    const text = `${Array.from({ length: 15 }, (_, i) => `Binary files a/${i}.png and b/${i}.png differ`).join('\n')}\n--- a/x\n+++ b/x\n@@ -1 +1 @@\n-a\n+b\n`;
    const diff = readLikeGit(text);
    expect(diff.warnings).toHaveLength(11);
    expect(diff.warnings.at(-1)).toBe('5 more lines name binary files of a plain diff');
  });

  it('names a binary file of a plain diff in a warning, since git apply does not count it', () => {
    const dir = trees({ 'logo.png': '\u0000png', 'a.txt': 'x\n' }, { 'logo.png': '\u0000PNG', 'a.txt': 'y\n' });
    const diff = readLikeGit(runDiff(dir, ['-ru', 'a', 'b']));
    expect(diff.files.map((f) => f.path)).toEqual(['a.txt']);
    expect(diff.warnings.join('\n')).toMatch(/Binary files a\/logo\.png and b\/logo\.png differ.*not counted/);
  });
});

describe('plain diff -u: file names as git apply reads them', () => {
  const header = (name: string, stamp: string) => `${name}${stamp}`;
  const cases: Array<[string, string, string, string]> = [
    // [what, old label, new label, the path git reads]
    ['a space before the timestamp', header('x/a b.txt', ' 2026-01-01 00:00:00.000000000 +0000'), header('y/a b.txt', ' 2026-01-02 00:00:00 +0100'), 'a b.txt'],
    ['several spaces before a POSIX timestamp', header('x/notes.md', '   2026-01-01 00:00:00'), header('y/notes.md', '  2026-01-02 10:11:12'), 'notes.md'],
    ['a tab inside the name, then a tab before the timestamp', header('x/tab\tname', '\t2026-01-01 00:00:00.000000000 +0000'), header('y/tab\tname', '\t2026-01-02 00:00:00.000000000 +0000'), 'tab\tname'],
    ['a quoted name with trailing spaces and a space before the timestamp', header('"x/trail  "', ' 2026-01-01 00:00:00.000000000 +0000'), header('"y/trail  "', ' 2026-01-02 00:00:00.000000000 +0000'), 'trail  '],
    ['a quoted name with an octal escape and a tab before the timestamp', header('"x/t\\303\\251st "', '\t2026-01-01 00:00:00 +0000'), header('"y/t\\303\\251st "', '\t2026-01-02 00:00:00 +0000'), 'tést '],
    ['a timestamp with a colon in its zone', header('x/z.txt', ' 2026-01-01 00:00:00.5 +05:30'), header('y/z.txt', ' 2026-01-02 00:00:00.5 -08:00'), 'z.txt'],
    ['one name that only adds a suffix to the other', header('old/x.c', '\t2026-01-01 00:00:00'), header('new/x.c.orig', '\t2026-01-02 00:00:00'), 'x.c'],
  ];
  it.each(cases)('%s', (_what, oldLabel, newLabel, path) => {
    const dir = trees({ f: 'one\n' }, { f: 'one\ntwo\n' });
    const diff = readLikeGit(runDiff(dir, ['-u', '--label', oldLabel, '--label', newLabel, 'a/f', 'b/f']));
    expect(diff.files).toEqual([expect.objectContaining({ path, status: 'modified', additions: 1, deletions: 0 })]);
  });
});

describe('plain diff -u: names under one directory on both sides', () => {
  it('keeps that directory, where git apply would drop it (svn, hg, diff -u x.c.orig x.c)', () => {
    const dir = trees({ f: 'one\n' }, { f: 'one\ntwo\n' });
    const text = runDiff(dir, ['-u', '--label', 'src/auth/x.c.orig\t2026-01-01 00:00:00', '--label', 'src/auth/x.c\t2026-01-02 00:00:00', 'a/f', 'b/f']);
    expect(parse(text).files).toEqual([expect.objectContaining({ path: 'src/auth/x.c', additions: 1 })]);
    const git = gitApplyNumstat(text);
    expect(git.accepted && git.rows[0]!.path).toBe('auth/x.c');
  });
});

describe('git diff: header look-alikes inside hunks', () => {
  const repo = new GitRepo();
  afterAll(() => repo.cleanup());

  it('keeps diff --git, ---/+++ and @@ look-alikes (after U+2028, U+2029 or CR) in their hunks', () => {
    const lines = [
      'ok\u2028diff --git a/evil b/evil',
      'x\rdiff --git a/f b/f',
      '\u2029@@ -1 +1 @@',
      '\u2028--- a/evil',
      '\u0085+++ b/evil',
      '\\ No newline at end of file',
      'eval(payload)',
    ];
    repo.write('src/app.ts', '-- gone\nkeep\n').write('src/z.ts', 'z\n');
    const base = repo.commit('base');
    repo.write('src/app.ts', `++ added\nkeep\n${lines.join('\n')}\n`).write('src/z.ts', 'zz\n');
    const head = repo.commit('head');
    const diff = readLikeGit(repo.git('diff', ...GIT_DIFF_FLAGS, base, head, '--'));
    expect(diff.files.map((f) => f.path)).toEqual(['src/app.ts', 'src/z.ts']);
    expect(changeLines(fileAt(diff, 'src/app.ts'), 'add')).toEqual(['++ added', ...lines]);
    expect(changeLines(fileAt(diff, 'src/app.ts'), 'del')).toEqual(['-- gone']);
  });

  it('keeps the whole path of a diff made with diff.noprefix, where git apply would drop a directory', () => {
    repo.write('.github/workflows/ci.yml', 'on: push\n').write('src/old-name.ts', Array.from({ length: 20 }, (_, i) => `line ${i}`).join('\n'));
    const base = repo.commit('noprefix base');
    repo.write('.github/workflows/ci.yml', 'on: pull_request_target\n').remove('src/old-name.ts');
    repo.write('lib/new-name.ts', Array.from({ length: 20 }, (_, i) => `line ${i}`).join('\n'));
    const head = repo.commit('noprefix head');
    const text = repo.git('-c', 'diff.noprefix=true', 'diff', '--find-renames', base, head, '--');
    expect(text).toContain('diff --git .github/workflows/ci.yml .github/workflows/ci.yml');
    expect(parse(text).files.map((f) => [f.path, f.previousPath, f.additions, f.deletions])).toEqual([
      ['.github/workflows/ci.yml', undefined, 1, 1],
      ['lib/new-name.ts', 'src/old-name.ts', 0, 0],
    ]);
    const git = gitApplyNumstat(text);
    expect(git.accepted && git.rows[0]!.path).toBe('workflows/ci.yml');
  });
});

describe('diffs git rejects: a clear error or git reading, never an invented file', () => {
  it('rejects a hunk that belongs to no file', () => {
    const text = '@@ -1 +1 @@\n-a\n+b\n';
    expect(gitApplyNumstat(text).accepted).toBe(false);
    expect(() => parse(text)).toThrow(/line 1: a hunk outside any file section/);
  });

  it('rejects a hunk whose counts run into the next file header', () => {
    const text = ['diff --git a/x b/x', 'index 1..2 100644', '--- a/x', '+++ b/x', '@@ -1 +1,3 @@', '-a', '+b', 'diff --git a/evil b/evil', 'index 1..2 100644', '--- a/evil', '+++ b/evil', '@@ -1 +1 @@', '-c', '+d', ''].join('\n');
    expect(gitApplyNumstat(text).accepted).toBe(false);
    expect(() => parse(text)).toThrow(DiffInputError);
    expect(() => parse(text)).toThrow(/line 8: corrupt patch of "x"/);
  });

  it('does not read lines beyond a hunk\'s counts, as git apply does not, and says so', () => {
    const text = ['--- a/x.ts', '+++ b/x.ts', '@@ -1 +1 @@', '-a', '+b', '+hidden()', ''].join('\n');
    const diff = readLikeGit(text);
    expect(diff.files).toEqual([expect.objectContaining({ path: 'x.ts', additions: 1, deletions: 1 })]);
    expect(diff.warnings).toEqual([expect.stringMatching(/^"x\.ts": line 6 follows the last hunk but is outside its @@ counts/)]);
  });

  it('keeps a patch cut off mid-hunk as a truncated file (git calls it corrupt)', () => {
    const text = ['--- a/x.ts', '+++ b/x.ts', '@@ -1,2 +1,3 @@', ' keep', '+one'].join('\n');
    expect(gitApplyNumstat(text).accepted).toBe(false);
    expect(parse(text).files).toEqual([expect.objectContaining({ path: 'x.ts', additions: 1, unseen: 'truncated-patch' })]);
  });

  // Five commits of the labelled development set end so (their diffs were cut at a size limit).
  describe('a diff cut off mid-line inside its last header', () => {
    const first = ['diff --git a/src/a.ts b/src/a.ts', 'index 1111111..2222222 100644', '--- a/src/a.ts', '+++ b/src/a.ts', '@@ -1 +1,2 @@', ' keep', '+eval(input);'];

    it('keeps the files before the cut and counts the cut one as a truncated patch, with a warning', () => {
      for (const tail of [
        ['diff --git a/src/b.ts b/src/b.ts', 'index 3333333..4444444 100644', '--- a/src/b'],
        ['diff --git a/src/b.ts b/src/b.ts', 'new file mode 100644', 'index 0000000..4444444', '--- /dev/null', '+++ b/src/b'],
        ['diff --git a/src/b.ts b/src/b.ts', 'index 3333333..4444444 100644', '--- a/src/b.ts', '+++ b/src/b.ts', '@@ -1,2 +1,2 @@', ' x', '-y', '+z', '@@ -40,'],
      ]) {
        const text = [...first, ...tail].join('\n');
        const diff = parse(text);
        // git reads a header cut after its names as an empty change, and rejects a cut hunk header.
        const git = gitApplyNumstat(text);
        if (git.accepted) expect(git.rows.map((r) => [r.path, r.additions, r.deletions])).toEqual(diff.files.map((f) => [f.path, f.additions, f.deletions]));
        expect(diff.files.map((f) => [f.path, f.unseen])).toEqual([['src/a.ts', undefined], ['src/b.ts', 'truncated-patch']]);
        expect(diff.files[0]!.additions).toBe(1);
        expect(diff.warnings).toEqual([expect.stringMatching(/^the input ends inside "src\/b\.ts" \(line \d+: .*\); its change is counted as a truncated patch$/)]);
      }
    });

    it('still refuses it when the broken lines end with a newline, or hold a whole hunk header', () => {
      const cutHeader = [...first, 'diff --git a/src/b.ts b/src/b.ts', 'index 3333333..4444444 100644', '--- a/src/b'];
      expect(() => parse(`${cutHeader.join('\n')}\n`)).toThrow(DiffInputError);
      // The hunk of a.ts claims more lines than it has: the next file's complete hunk is never dropped to make it fit.
      const overrun = ['--- a/x.ts', '+++ b/x.ts', '@@ -1 +1,3 @@', '-a', '+b', '--- a/evil.ts', '+++ b/evil.ts', '@@ -1 +1 @@', '-c', '+d'].join('\n');
      expect(() => parse(overrun)).toThrow(DiffInputError);
    });
  });
});
