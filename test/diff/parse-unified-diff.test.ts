import { execFileSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Diff, DiffFile } from '../../src/diff/diff-file.js';
import { EMPTY_TREE, GIT_DIFF_FLAGS } from '../../src/git/read-git-diff.js';
import { GitRepo, numstat, type NumstatRow } from '../support/git-repo.js';
import { parse } from '../support/parse.js';

function gitDiff(repo: GitRepo, base: string, head: string): string {
  return repo.git('diff', ...GIT_DIFF_FLAGS, base, head, '--');
}

function asNumstat(diff: Diff): NumstatRow[] {
  return diff.files.map((f) => ({
    ...(f.previousPath !== undefined ? { previousPath: f.previousPath } : {}),
    path: f.path,
    additions: f.binary ? '-' : f.additions,
    deletions: f.binary ? '-' : f.deletions,
  }));
}

function byPath(diff: Diff, path: string): DiffFile {
  const file = diff.files.find((f) => f.path === path);
  if (!file) throw new Error(`no file ${path} in ${diff.files.map((f) => f.path).join(', ')}`);
  return file;
}

describe('parseUnifiedDiff on real git output', () => {
  const repo = new GitRepo();
  let base = '';
  let head = '';
  let diff: Diff;

  beforeAll(() => {
    const longText = Array.from({ length: 40 }, (_, i) => `line ${i} of a file that is long enough to be renamed`).join('\n');
    repo
      .write('src/app.ts', 'export const a = 1;\nexport const b = 2;\n-- not a header\n')
      .write('src/old-name.ts', `${longText}\n`)
      .write('src/edited-rename.ts', `${longText.replace(/file/g, 'module')}\n`)
      .write('src/copied-source.ts', `${longText}\n`)
      .write('gone.txt', 'bye\n')
      .write('image.png', Buffer.from([0x89, 0x50, 0x4e, 0x47, 0, 1, 2, 3]))
      .write('scripts/run.sh', 'echo hi\n')
      .write('no-eol.txt', 'first\nlast')
      .write('crlf.txt', 'one\r\ntwo\r\n')
      .write('tést dir/naïve file.txt', 'café\n')
      .write('with space.md', 'hello\n');
    base = repo.commit('base');
    repo
      // `-- not a header` deleted becomes `--- not a header`: a hunk line, not a file header.
      .write('src/app.ts', 'export const a = 1;\nexport const b = 3;\n++ not a header either\n')
      .remove('src/old-name.ts')
      .write('src/new-name.ts', `${longText}\n`)
      .remove('src/edited-rename.ts')
      .write('src/renamed-and-edited.ts', `${longText.replace(/file/g, 'module').replace('line 3 ', 'line three ')}\n`)
      .write('src/copied-source.ts', `${longText}\nextra\n`)
      .write('src/the-copy.ts', `${longText}\n`)
      .remove('gone.txt')
      .write('image.png', Buffer.from([0x89, 0x50, 0x4e, 0x47, 0, 9, 9, 9]))
      .write('added.bin', Buffer.from([0, 0, 0, 1]))
      .chmod('scripts/run.sh', 0o755)
      .write('no-eol.txt', 'first\nlast changed')
      .write('crlf.txt', 'one\r\nTWO\r\nthree\r\n')
      .write('tést dir/naïve file.txt', 'café au lait\n')
      .write('with space.md', 'hello world\n')
      .write('empty-new.txt', '');
    head = repo.commit('head');
    diff = parse(gitDiff(repo, base, head));
  });
  afterAll(() => repo.cleanup());

  it('counts every file exactly as git diff --numstat does', () => {
    const expected = numstat(repo.dir, GIT_DIFF_FLAGS, base, head);
    expect(expected).toHaveLength(14);
    expect(sortRows(asNumstat(diff))).toEqual(sortRows(expected));
  });

  it('reads renames, copies and their similarity', () => {
    expect(byPath(diff, 'src/new-name.ts')).toMatchObject({ status: 'renamed', previousPath: 'src/old-name.ts', similarity: 100, hunks: [] });
    const edited = byPath(diff, 'src/renamed-and-edited.ts');
    expect(edited).toMatchObject({ status: 'renamed', previousPath: 'src/edited-rename.ts', additions: 1, deletions: 1 });
    expect(edited.similarity).toBeGreaterThan(50);
    expect(edited.similarity).toBeLessThan(100);
    expect(byPath(diff, 'src/the-copy.ts')).toMatchObject({ status: 'copied', previousPath: 'src/copied-source.ts' });
  });

  it('marks binary changes as binary and unseen, whichever form git prints', () => {
    expect(byPath(diff, 'image.png')).toMatchObject({ binary: true, status: 'modified', unseen: 'binary' });
    expect(byPath(diff, 'added.bin')).toMatchObject({ binary: true, status: 'added', unseen: 'binary' });
    const withPatch = parse(repo.git('diff', '--binary', ...GIT_DIFF_FLAGS, base, head, '--', 'image.png'));
    expect(withPatch.files).toHaveLength(1);
    expect(withPatch.files[0]).toMatchObject({ path: 'image.png', binary: true, additions: 0, deletions: 0 });
  });

  it('tells mode-only changes, deletions and empty new files apart', () => {
    expect(byPath(diff, 'scripts/run.sh')).toMatchObject({ status: 'mode-changed', oldMode: '100644', newMode: '100755', additions: 0 });
    expect(byPath(diff, 'gone.txt')).toMatchObject({ status: 'deleted', deletions: 1, additions: 0 });
    expect(byPath(diff, 'empty-new.txt')).toMatchObject({ status: 'added', additions: 0, deletions: 0, binary: false });
  });

  it('reads "\\ No newline at end of file" as a marker, not as a line', () => {
    const file = byPath(diff, 'no-eol.txt');
    const texts = file.hunks.flatMap((h) => h.lines.map((l) => `${l.type}:${l.text}`));
    expect(texts).toEqual(['context:first', 'del:last', 'add:last changed']);
  });

  it('decodes C-quoted non-ASCII paths and keeps paths with spaces whole', () => {
    expect(diff.files.map((f) => f.path)).toContain('tést dir/naïve file.txt');
    expect(byPath(diff, 'with space.md')).toMatchObject({ kind: 'docs', additions: 1, deletions: 1 });
  });

  it('gives new-side line numbers to added lines', () => {
    const app = byPath(diff, 'src/app.ts');
    const added = app.hunks.flatMap((h) => h.lines.filter((l) => l.type === 'add'));
    expect(added.map((l) => [l.newLine, l.text])).toEqual([
      [2, 'export const b = 3;'],
      [3, '++ not a header either'],
    ]);
    expect(app.hunks[0]!.lines.find((l) => l.type === 'del' && l.text === '-- not a header')).toBeDefined();
  });

  it('reads the same diff saved with CRLF line endings', () => {
    const lf = gitDiff(repo, base, head);
    const crlf = parse(lf.replace(/\n/g, '\r\n'));
    expect(asNumstat(crlf)).toEqual(asNumstat(diff));
  });

  it('reads git show output, skipping the commit header and message', () => {
    const shown = parse(repo.git('show', ...GIT_DIFF_FLAGS, '--format=commit %H%nAuthor: x%n%n    diff --git a/fake b/fake%n', head));
    expect(sortRows(asNumstat(shown))).toEqual(sortRows(asNumstat(diff)));
  });
});

describe('parseUnifiedDiff on diffs git cannot produce the normal way', () => {
  it('detects a combined merge diff and reports it instead of returning nothing', () => {
    const repo = new GitRepo();
    try {
      repo.write('f.txt', 'a\nb\nc\n');
      repo.commit('base');
      repo.git('checkout', '-q', '-b', 'side');
      repo.write('f.txt', 'a\nside\nc\n');
      repo.commit('side');
      repo.git('checkout', '-q', 'main');
      repo.write('f.txt', 'a\nmain\nc\n');
      repo.commit('main');
      try {
        repo.git('merge', '-q', 'side');
      } catch {
        // conflict expected
      }
      repo.write('f.txt', 'a\nresolved\nc\n');
      repo.commit('merge');
      const combined = parse(repo.git('show', '--format=', 'HEAD'));
      expect(combined.files).toEqual([expect.objectContaining({ path: 'f.txt', unseen: 'combined-merge-diff' })]);
      expect(combined.warnings.join('\n')).toMatch(/combined merge diff/);
    } finally {
      repo.cleanup();
    }
  });

  it('marks a patch cut off mid-hunk as truncated and keeps what it has', () => {
    const text = ['diff --git a/x.ts b/x.ts', 'index 1..2 100644', '--- a/x.ts', '+++ b/x.ts', '@@ -1,2 +1,5 @@', ' keep', '+one', '+two'].join('\n');
    const file = parse(text).files[0]!;
    expect(file).toMatchObject({ unseen: 'truncated-patch', additions: 2, deletions: 0 });
  });

  it('reads a plain diff -u with timestamps', () => {
    const text = ['--- a.txt\t2026-01-01 00:00:00.000000000 +0000', '+++ b.txt\t2026-01-02 00:00:00.000000000 +0000', '@@ -1 +1,2 @@', ' x', '+y', ''].join('\n');
    expect(parse(text).files).toEqual([expect.objectContaining({ path: 'b.txt', status: 'modified', additions: 1 })]);
  });

  it('keeps the counts of an oversized file but not its lines', () => {
    const lines = Array.from({ length: 30 }, (_, i) => `+l${i}`);
    const text = ['diff --git a/big.ts b/big.ts', 'new file mode 100644', '--- /dev/null', '+++ b/big.ts', '@@ -0,0 +1,30 @@', ...lines, ''].join('\n');
    expect(parse(text, 10).files[0]).toMatchObject({ additions: 30, unseen: 'oversized', hunks: [] });
    expect(parse(text, 100).files[0]).toMatchObject({ additions: 30, hunks: [expect.anything()] });
    expect(parse(text, 100).files[0]!.unseen).toBeUndefined();
  });

  it.each([
    ['empty input', '', /empty/],
    ['whitespace', '  \n\n', /empty/],
    ['binary garbage', '\u0000\u0001PNG\u0000', /binary data/],
    ['prose', 'hello, this is not a diff\n', /not a unified diff/],
  ])('rejects %s with a clear error', (_name, input, message) => {
    expect(() => parse(input)).toThrow(message);
  });
});

describe("parseUnifiedDiff on this repository's own history", () => {
  it('matches git diff --numstat for every commit', () => {
    const root = execFileSync('git', ['rev-parse', '--show-toplevel'], { encoding: 'utf8' }).trim();
    const shas = execFileSync('git', ['rev-list', '--no-merges', '--max-count=200', 'HEAD'], { cwd: root, encoding: 'utf8' })
      .split('\n')
      .filter(Boolean);
    expect(shas.length).toBeGreaterThan(0);
    for (const sha of shas) {
      const parents = execFileSync('git', ['rev-list', '--parents', '-n', '1', sha], { cwd: root, encoding: 'utf8' }).trim().split(' ');
      const parent = parents[1] ?? EMPTY_TREE;
      const text = execFileSync('git', ['diff', ...GIT_DIFF_FLAGS, parent, sha, '--'], { cwd: root, encoding: 'utf8', maxBuffer: 512 * 1024 * 1024 });
      const expected = numstat(root, GIT_DIFF_FLAGS, parent, sha);
      const actual = text.trim() === '' ? [] : asNumstat(parse(text, Number.MAX_SAFE_INTEGER));
      expect(sortRows(actual), `commit ${sha}`).toEqual(sortRows(expected));
    }
  });
});

function sortRows(rows: NumstatRow[]): NumstatRow[] {
  return [...rows].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}
