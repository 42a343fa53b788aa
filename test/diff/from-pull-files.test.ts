import { describe, expect, it } from 'vitest';
import { createFileClassifier } from '../../src/diff/classify-file.js';
import { diffFromPullFiles, type PullFileRow } from '../../src/diff/from-pull-files.js';
import { parse } from '../support/parse.js';

const options = { classify: createFileClassifier(), maxFileLines: 20_000 };

describe('diffFromPullFiles', () => {
  it('builds the same files and hunks as git text, taking the path from the row', () => {
    const patch = '@@ -1,2 +1,3 @@\n context\n-old\n+new\n+more';
    const rows: PullFileRow[] = [{ filename: 'src/a b.ts', status: 'modified', additions: 2, deletions: 1, changes: 3, patch }];
    const fromApi = diffFromPullFiles(rows, options);
    const fromGit = parse(`diff --git a/src/a b.ts b/src/a b.ts\n--- a/src/a b.ts\n+++ b/src/a b.ts\n${patch}\n`);
    expect(fromApi.files).toEqual(fromGit.files);
    expect(fromApi.files[0]!.hunks[0]!.lines.filter((l) => l.type === 'add').map((l) => l.newLine)).toEqual([2, 3]);
  });

  it('reads a patch by the rules of git text: lines split on "\\n" only, CRLF as LF, look-alikes inside the hunk', () => {
    const patch = '@@ -1,2 +1,4 @@\n ctx\n-a\u2028--- x\n+++ y\n+ok\rdiff --git a/e b/e\n+@@ -9 +9 @@\u2029eval(x)';
    const rows: PullFileRow[] = [{ filename: 'src/a.ts', status: 'modified', additions: 3, deletions: 1, changes: 4, patch }];
    const fromGit = parse(`diff --git a/src/a.ts b/src/a.ts\n--- a/src/a.ts\n+++ b/src/a.ts\n${patch}\n`);
    const fromApi = diffFromPullFiles(rows, options);
    expect(fromApi.files).toEqual(fromGit.files);
    expect(fromApi.files[0]!.unseen).toBeUndefined();
    expect(fromApi.files[0]!.hunks[0]!.lines.filter((l) => l.type === 'add').map((l) => l.text)).toEqual(['++ y', 'ok\rdiff --git a/e b/e', '@@ -9 +9 @@\u2029eval(x)']);
    const crlf = diffFromPullFiles([{ ...rows[0]!, patch: patch.replaceAll('\n', '\r\n') }], options);
    expect(crlf.files).toEqual(fromApi.files);
  });

  it('marks a patch with lines beyond its hunk counts as unseen, even when the row counts agree', () => {
    const rows: PullFileRow[] = [{ filename: 'a.ts', status: 'modified', additions: 1, deletions: 1, changes: 2, patch: '@@ -1 +1 @@\n-a\n+b\n+hidden()' }];
    expect(diffFromPullFiles(rows, options).files[0]).toMatchObject({ unseen: 'truncated-patch', additions: 1 });
  });

  it('maps statuses and keeps the previous name of a rename', () => {
    const rows: PullFileRow[] = [
      { filename: 'new.ts', previous_filename: 'old.ts', status: 'renamed', additions: 0, deletions: 0, changes: 0 },
      { filename: 'gone.ts', status: 'removed', additions: 0, deletions: 1, changes: 1, patch: '@@ -1 +0,0 @@\n-x' },
      { filename: 'run.sh', status: 'changed', additions: 0, deletions: 0, changes: 0 },
    ];
    expect(diffFromPullFiles(rows, options).files.map((f) => [f.path, f.status, f.previousPath, f.unseen])).toEqual([
      ['new.ts', 'renamed', 'old.ts', undefined],
      ['gone.ts', 'deleted', undefined, undefined],
      ['run.sh', 'mode-changed', undefined, undefined],
    ]);
  });

  it('marks a row without a patch as unseen, including the 0/0 rows GitHub sends past its limit', () => {
    const rows: PullFileRow[] = [
      { filename: 'big.json', status: 'modified', additions: 30_000, deletions: 0, changes: 30_000 },
      { filename: 'src/late.ts', status: 'modified', additions: 0, deletions: 0, changes: 0 },
      { filename: 'logo.png', status: 'added', additions: 0, deletions: 0, changes: 0 },
    ];
    const diff = diffFromPullFiles(rows, options);
    expect(diff.files.map((f) => f.unseen)).toEqual(['missing-patch', 'missing-patch', 'missing-patch']);
    expect(diff.additions).toBe(30_000);
  });

  it('marks a patch that holds fewer lines than the row counts as truncated', () => {
    const rows: PullFileRow[] = [{ filename: 'a.ts', status: 'modified', additions: 5, deletions: 0, changes: 5, patch: '@@ -1 +1,2 @@\n x\n+y' }];
    expect(diffFromPullFiles(rows, options).files[0]).toMatchObject({ unseen: 'truncated-patch', additions: 5 });
  });
});
