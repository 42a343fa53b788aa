// The diff-reading bypasses as a pull request author meets them: `riskgate score --diff FILE
// --json` on the real CLI, held against `git apply --numstat -z` on the same file.
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { gitApplyNumstat } from '../support/git-apply-numstat.js';
import { runCli } from '../support/run-cli.js';
import { runDiff } from '../support/run-diff.js';

interface ScoreJson {
  score: number;
  files: Array<{ path: string; additions: number; deletions: number; binary: boolean }>;
  factors: Array<{ id: string }>;
  warnings: string[];
}

const dir = mkdtempSync(join(tmpdir(), 'riskgate-diff-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function tree(root: string, files: Record<string, string>): void {
  mkdirSync(join(dir, root), { recursive: true });
  for (const [path, content] of Object.entries(files)) writeFileSync(join(dir, root, path), content);
}

async function scoreFile(name: string): Promise<ScoreJson> {
  const run = await runCli(['score', '--diff', name, '--json'], { cwd: dir });
  expect(run.stderr).toBe('');
  expect(run.code).toBe(0);
  return JSON.parse(run.stdout) as ScoreJson;
}

function expectGitReading(json: ScoreJson, name: string): void {
  const git = gitApplyNumstat(readFileSync(join(dir, name)));
  if (!git.accepted) throw new Error(`git apply rejects ${name}: ${git.error}`);
  expect(json.files.map((f) => ({ path: f.path, additions: f.binary ? '-' : f.additions, deletions: f.binary ? '-' : f.deletions }))).toEqual(git.rows);
}

describe('riskgate score --diff FILE reads a plain diff as git apply does', () => {
  it('scores code hidden behind U+2028 and a "-- "/"++ " pair instead of inventing a file', async () => {
    tree('a', { 'one.txt': 'keep\n-- x\na\u2028--- y\nend\n', 'two.js': 'x\n' });
    tree('b', { 'one.txt': 'keep\n++ z\n++ w\nend\n', 'two.js': 'x\nok\u2028diff --git a/evil b/evil\n@@ -1 +1 @@\u2029eval(payload)\nlast\u0085line\rcr\n' });
    writeFileSync(join(dir, 'hidden.diff'), runDiff(dir, ['-ru', 'a', 'b']));
    const json = await scoreFile('hidden.diff');
    expectGitReading(json, 'hidden.diff');
    expect(json.files.map((f) => f.path)).toEqual(['one.txt', 'two.js']);
    expect(json.factors.map((f) => f.id)).toContain('pattern.dynamic-code');
  });

  it('reads names with tabs, trailing spaces and space-separated timestamps', async () => {
    tree('c', { f: 'one\n' });
    tree('d', { f: 'one\neval(input)\n' });
    const labelled = (oldLabel: string, newLabel: string) => runDiff(dir, ['-u', '--label', oldLabel, '--label', newLabel, 'c/f', 'd/f']);
    writeFileSync(
      join(dir, 'names.diff'),
      [
        labelled('a/src/api handler.ts 2026-01-01 00:00:00.000000000 +0000', 'b/src/api handler.ts 2026-01-02 00:00:00.000000000 +0000'),
        labelled('a/src/tab\tname.ts\t2026-01-01 00:00:00.000000000 +0000', 'b/src/tab\tname.ts\t2026-01-02 00:00:00.000000000 +0000'),
        labelled('"a/src/trail.ts  " 2026-01-01 00:00:00 +0000', '"b/src/trail.ts  " 2026-01-02 00:00:00 +0000'),
      ].join(''),
    );
    const json = await scoreFile('names.diff');
    expectGitReading(json, 'names.diff');
    expect(json.files.map((f) => f.path)).toEqual(['src/api handler.ts', 'src/tab\tname.ts', 'src/trail.ts  ']);
  });

  it('refuses a corrupt diff with one clear line and exit 2', async () => {
    writeFileSync(join(dir, 'corrupt.diff'), '--- a/x.ts\n+++ b/x.ts\n@@ -1,1 +1,3 @@\n-a\n+b\ndiff --git a/evil b/evil\n');
    const run = await runCli(['score', '--diff', 'corrupt.diff', '--json'], { cwd: dir });
    expect(run).toMatchObject({ code: 2, stdout: '' });
    expect(run.stderr).toMatch(/^riskgate: line 6: corrupt patch of "x\.ts": the hunk at line 3 needs 0 more old and 2 more new lines, but this line is not a hunk line \(git apply rejects it too\)\n$/);
  });
});
