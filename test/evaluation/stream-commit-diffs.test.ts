import { afterAll, describe, expect, it } from 'vitest';
import { defaultConfig } from '../../src/config/load-config.js';
import { streamCommitDiffs } from '../../src/evaluation/stream-commit-diffs.js';
import { EMPTY_TREE, GIT_DIFF_FLAGS } from '../../src/git/read-git-diff.js';
import { createChangeScorer } from '../../src/run/score-change.js';
import { ALICE, day, GitFixture } from '../support/git-fixture.js';

// Every commit's diff from one `git log -p` must be the diff `riskgate score <commit>` reads.

const fixture = new GitFixture('riskgate-commit-diffs-');
afterAll(() => fixture.cleanup());

const { parse } = createChangeScorer(defaultConfig());

describe('streamCommitDiffs', () => {
  const shas: string[] = [];
  fixture.write('src/a.py', ['a = 1', 'b = 2']).write('img.bin', Buffer.from([0, 1, 2, 3, 0, 255]));
  shas.push(fixture.commit('root', ALICE, day(0)));
  // A lone carriage return inside a line, and a line that looks like the record separator after its prefix.
  fixture.write('src/a.py', ['a = 1', 'b = "x\ry"', '\x1e not a header', 'c = 3']);
  shas.push(fixture.commit('carriage return', ALICE, day(1)));
  fixture.move('src/a.py', 'src/b.py');
  shas.push(fixture.commit('rename', ALICE, day(2)));
  shas.push(fixture.commit('empty', ALICE, day(3)));
  fixture.write('docs/ünïcode name.md', ['hello']).write('img.bin', Buffer.from([0, 9, 9, 9, 0]));
  shas.push(fixture.commit('quoted path and binary change', ALICE, day(4)));

  it('gives each commit, in the order asked, parsed exactly as `git diff` of the commit parses', async () => {
    const order = [shas[3]!, shas[1]!, shas[4]!, shas[0]!, shas[2]!];
    const got: Array<{ sha: string; diffText: string }> = [];
    for await (const d of streamCommitDiffs(fixture.dir, order)) got.push(d);
    expect(got.map((d) => d.sha)).toEqual(order);
    for (const { sha, diffText } of got) {
      const parent = sha === shas[0] ? EMPTY_TREE : `${sha}^`;
      const expected = fixture.git(['diff', ...GIT_DIFF_FLAGS, parent, sha, '--']);
      if (expected === '') {
        expect(diffText).toBe('');
        continue;
      }
      expect(parse(diffText), sha).toEqual(parse(expected));
    }
    const carriage = parse(got[1]!.diffText);
    expect(carriage.files[0]!.hunks[0]!.lines.filter((l) => l.type === 'add').map((l) => l.text)).toEqual(['b = "x\ry"', '\x1e not a header', 'c = 3']);
  });

  it('reads nothing for no commits, and names a commit git does not know', async () => {
    const none: unknown[] = [];
    for await (const d of streamCommitDiffs(fixture.dir, [])) none.push(d);
    expect(none).toEqual([]);
    const read = async () => {
      for await (const d of streamCommitDiffs(fixture.dir, ['0123456789012345678901234567890123456789'])) none.push(d);
    };
    await expect(read()).rejects.toThrow(/git log failed: fatal: bad object 0123456789012345678901234567890123456789/);
  });
});
