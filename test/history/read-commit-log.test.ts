import { symlinkSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { NULL_BLOB, type HistoryCommit } from '../../src/history/history-commit.js';
import { commitLogArgs, parseRawLine, readCommitLog } from '../../src/history/read-commit-log.js';
import { streamGitLines } from '../../src/history/stream-git.js';
import { ALICE, BOB, CAROL, day, GitFixture, type Person } from '../support/git-fixture.js';

const TRICKY_MESSAGE = [
  'Subject: parse ":" and tabs',
  '',
  ':100644 100644 1111111111111111111111111111111111111111 2222222222222222222222222222222222222222 M\tfake.txt',
  '12\t3\tfake-numstat.txt',
  '-\t-\tfake-binary.bin',
  '',
  '',
  '# not a comment here',
  '    indented line',
].join('\n');

const SPACED = 'dir with space/file name.txt';
const UNICODE = 'ünï/файл.py';
const TABBED = 'tab\there.txt';
const QUOTED = 'say "hi".txt';
const BINARY = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x00, 0x01, 0x02, 0x00, 0xff]);

let r: GitFixture;
const shas: Record<string, string> = {};
let commits: HistoryCommit[];

function commitVerbatim(message: string, who: Person, when: number): string {
  r.git(['add', '-A']);
  r.git(['commit', '-q', '--allow-empty', '--cleanup=verbatim', '-F', '-'], { who, when, input: message });
  return r.head();
}

const blobAt = (rev: string, path: string) => r.git(['rev-parse', `${rev}:${path}`]).trim();

beforeAll(async () => {
  r = new GitFixture();
  // Whatever the user's global config says, git C-quotes these paths here.
  r.git(['config', 'core.quotePath', 'true']);
  r.write(SPACED, ['one', 'two', 'three']).write(UNICODE, ['x = 1', 'y = 2']).write(TABBED, ['t']).write(QUOTED, ['q']);
  r.write('plain.py', ['a = 1', 'b = 2', 'c = 3', 'd = 4', 'e = 5', 'f = 6']).write('blob.bin', BINARY).write('link-target.txt', ['target']);
  shas.first = commitVerbatim(TRICKY_MESSAGE, { name: 'Alice Smith', email: 'Alice.Smith@Example.COM' }, day(1));

  r.move('plain.py', 'renamed dir/plain renamed.py');
  r.write('renamed dir/plain renamed.py', [...r.read('renamed dir/plain renamed.py'), 'g = 7']);
  shas.rename = r.commit('Move plain.py', BOB, day(2));

  r.write(SPACED, ['one', 'TWO', 'three', 'four']).write('blob.bin', Buffer.concat([BINARY, BINARY])).remove(QUOTED);
  unlinkSync(join(r.dir, 'link-target.txt'));
  symlinkSync('plain.py', join(r.dir, 'link-target.txt'));
  shas.mixed = r.commit('Edit, delete, binary, type change', CAROL, day(3));

  r.git(['checkout', '-q', '-b', 'side']);
  r.write(UNICODE, ['x = 1', 'y = 3']);
  shas.side = r.commit('side change', BOB, day(4));
  r.git(['checkout', '-q', 'main']);
  r.write(TABBED, ['t', 'u']);
  shas.main = r.commit('main change', ALICE, day(5));
  r.git(['merge', '--no-ff', '-q', '-m', 'Merge side', 'side'], { who: ALICE, when: day(6) });
  shas.merge = r.head();
  shas.empty = r.commit('nothing changed', ALICE, day(7));

  commits = [];
  for await (const c of readCommitLog(streamGitLines(r.dir, commitLogArgs('HEAD')))) commits.push(c);
});
afterAll(() => r.cleanup());

const commitOf = (name: string) => {
  const found = commits.find((c) => c.sha === shas[name]);
  if (!found) throw new Error(`commit ${name} not read`);
  return found;
};

describe('readCommitLog on real git log output', () => {
  it('reads every non-merge commit once, parents before children', () => {
    expect(commits.map((c) => c.sha).sort()).toEqual([shas.first, shas.rename, shas.mixed, shas.side, shas.main, shas.empty].sort());
    expect(commits.map((c) => c.sha)).not.toContain(shas.merge);
    const position = (name: string) => commits.findIndex((c) => c.sha === shas[name]);
    expect(position('first')).toBe(0);
    expect(position('rename')).toBe(1);
    expect(position('mixed')).toBe(2);
    expect(position('empty')).toBe(5);
    expect(commitOf('empty').parents).toEqual([shas.merge]);
    expect(commitOf('rename').parents).toEqual([shas.first]);
    expect(commitOf('first').parents).toEqual([]);
  });

  it('keeps a message\'s blank lines and its lines that look like raw or numstat output, and nothing leaks into files', () => {
    const first = commitOf('first');
    expect(first.message).toBe(TRICKY_MESSAGE);
    expect(first.files.map((f) => f.path).sort()).toEqual(['blob.bin', 'link-target.txt', 'plain.py', QUOTED, SPACED, TABBED, UNICODE].sort());
    expect(commitOf('empty')).toMatchObject({ message: 'nothing changed', files: [] });
  });

  it('author time in seconds, email lower-cased, name as written', () => {
    expect(commitOf('first')).toMatchObject({ time: day(1), authorEmail: 'alice.smith@example.com', authorName: 'Alice Smith' });
    expect(commitOf('side')).toMatchObject({ time: day(4), authorEmail: BOB.email, authorName: BOB.name });
  });

  it('unquotes paths git quotes (spaces left alone; unicode, tabs and quotes C-quoted)', () => {
    const raw = r.git(['log', '--raw', '--format=', '--no-abbrev', shas.first!]);
    expect(raw).toContain('"\\303\\274n\\303\\257/');
    expect(raw).toContain('"tab\\there.txt"');
    expect(raw).toContain('"say \\"hi\\".txt"');
    const first = commitOf('first');
    for (const path of [SPACED, UNICODE, TABBED, QUOTED]) {
      expect(first.files.find((f) => f.path === path), path).toMatchObject({ status: 'added', oldBlob: NULL_BLOB, newBlob: blobAt(shas.first!, path) });
    }
    expect(first.files.find((f) => f.path === UNICODE)).toMatchObject({ additions: 2, deletions: 0, binary: false });
  });

  it('a rename has the old path and status renamed, with the rename\'s own line counts', () => {
    expect(commitOf('rename').files).toEqual([
      {
        path: 'renamed dir/plain renamed.py',
        previousPath: 'plain.py',
        status: 'renamed',
        oldBlob: blobAt(shas.first!, 'plain.py'),
        newBlob: blobAt(shas.rename!, 'renamed dir/plain renamed.py'),
        binary: false,
        additions: 1,
        deletions: 0,
      },
    ]);
  });

  it('numstat counts land on the right files, binary files are binary, deletions and type changes are read', () => {
    const mixed = commitOf('mixed');
    const byPath = new Map(mixed.files.map((f) => [f.path, f]));
    expect(byPath.get(SPACED)).toMatchObject({ status: 'modified', additions: 2, deletions: 1, binary: false });
    expect(byPath.get('blob.bin')).toMatchObject({ status: 'modified', additions: 0, deletions: 0, binary: true, newBlob: blobAt(shas.mixed!, 'blob.bin') });
    expect(byPath.get(QUOTED)).toMatchObject({ status: 'deleted', newBlob: NULL_BLOB, additions: 0, deletions: 1, binary: false });
    expect(byPath.get('link-target.txt')).toMatchObject({ status: 'mode-changed', additions: 1, deletions: 1 });
    expect(mixed.files).toHaveLength(4);
    // Checked against git's own per-file numstat for every commit read.
    for (const c of commits) {
      const numstat = r.git(['show', '--numstat', '--format=', '-z', '-M', c.sha]);
      const counts = numstat.split('\0').filter((s) => /^(\d+|-)\t(\d+|-)\t/.test(s)).map((s) => s.split('\t').slice(0, 2).join(' '));
      expect(c.files.map((f) => (f.binary ? '- -' : `${f.additions} ${f.deletions}`)), c.message).toEqual(counts);
    }
  });
});

describe('readCommitLog whatever the user\'s git config says', () => {
  it('reads the root commit\'s files under log.showRoot=false', async () => {
    const config = join(r.dir, '.git', 'user-gitconfig');
    writeFileSync(config, '[log]\n\tshowRoot = false\n');
    vi.stubEnv('GIT_CONFIG_GLOBAL', config);
    try {
      const read: HistoryCommit[] = [];
      for await (const c of readCommitLog(streamGitLines(r.dir, commitLogArgs('HEAD')))) read.push(c);
      expect(read.find((c) => c.sha === shas.first)!.files).toEqual(commitOf('first').files);
      expect(commitOf('first').files.length).toBeGreaterThan(0);
    } finally {
      vi.unstubAllEnvs();
    }
  });
});

describe('parseRawLine', () => {
  it('reads status, blobs and paths; refuses what is not a single-parent raw line', () => {
    const a = '1'.repeat(40);
    const b = '2'.repeat(40);
    expect(parseRawLine(`:100644 100644 ${a} ${b} R087\told name.py\t"n\\303\\251w.py"`)).toEqual({
      status: 'renamed',
      oldBlob: a,
      newBlob: b,
      path: 'néw.py',
      previousPath: 'old name.py',
    });
    expect(parseRawLine(`:100644 100755 ${a} ${a} M\tx.sh`)).toEqual({ status: 'modified', oldBlob: a, newBlob: a, path: 'x.sh' });
    expect(parseRawLine(`::100644 100644 100644 ${a} ${b} ${a} MM\tmerged.py`)).toBeUndefined();
    expect(parseRawLine(`:100644 100644 ${a} ${b} X\tweird.py`)).toBeUndefined();
    expect(parseRawLine(`:100644 100644 ${a} ${b} M`)).toBeUndefined();
  });
});
