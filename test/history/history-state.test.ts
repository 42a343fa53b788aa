import { describe, expect, it } from 'vitest';
import { HistoryState, type TouchedFile } from '../../src/history/history-state.js';

const DAY = 86_400;
const T0 = 1_700_000_000;
const at = (days: number) => T0 + days * DAY;

const added = (path: string, additions: number): TouchedFile => ({ path, status: 'added', additions, deletions: 0 });
const modified = (path: string, additions: number, deletions = 0): TouchedFile => ({ path, status: 'modified', additions, deletions });
const renamed = (previousPath: string, path: string, additions = 0, deletions = 0): TouchedFile => ({ path, previousPath, status: 'renamed', additions, deletions });
const copied = (previousPath: string, path: string, additions = 0, deletions = 0): TouchedFile => ({ path, previousPath, status: 'copied', additions, deletions });
const deleted = (path: string, deletions: number): TouchedFile => ({ path, status: 'deleted', additions: 0, deletions });

/** Measures then records, as build-dataset does; returns what was measured. */
function commit(state: HistoryState, author: string, time: number, files: TouchedFile[]) {
  const measured = state.measure(author, time, files);
  state.record(author, time, files);
  return measured;
}

describe('HistoryState', () => {
  it('a first commit has no history at all', () => {
    const state = new HistoryState();
    expect(state.measure('alice', at(0), [added('src/a.ts', 10)])).toEqual({ lt: 0, ndev: 0, nuc: 0, age: 0, exp: 0, sexp: 0 });
  });

  it('lt, ndev, nuc and age come from the files\' earlier changes; measure changes nothing', () => {
    const state = new HistoryState();
    commit(state, 'alice', at(0), [added('src/a.ts', 10)]);
    const second = commit(state, 'bob', at(2), [modified('src/a.ts', 3, 1)]);
    expect(second).toEqual({ lt: 10, ndev: 1, nuc: 1, age: 2, exp: 0, sexp: 0 });
    const probe = [modified('src/a.ts', 1)];
    const third = state.measure('alice', at(5), probe);
    // 10 + 3 - 1 lines, two developers, two earlier changes, three days since the last.
    expect(third).toEqual({ lt: 12, ndev: 2, nuc: 2, age: 3, exp: 1, sexp: 1 });
    expect(state.measure('alice', at(5), probe)).toEqual(third);
  });

  it('the same developer twice is one developer; an author\'s experience counts commits, not files', () => {
    const state = new HistoryState();
    commit(state, 'alice', at(0), [added('src/a.ts', 5), added('src/b.ts', 5)]);
    commit(state, 'alice', at(1), [modified('src/a.ts', 1)]);
    commit(state, 'carol', at(1), [modified('src/b.ts', 1)]);
    expect(state.measure('alice', at(2), [modified('src/a.ts', 1), modified('src/b.ts', 1)])).toMatchObject({ ndev: 2, exp: 2 });
    expect(state.measure('carol', at(2), [modified('src/a.ts', 1)])).toMatchObject({ ndev: 1, exp: 1 });
  });

  it('nuc counts a commit that changed two of the touched files together once', () => {
    const state = new HistoryState();
    commit(state, 'alice', at(0), [added('src/a.ts', 5), added('src/b.ts', 5)]); // both
    commit(state, 'bob', at(1), [modified('src/a.ts', 1)]); // a only
    commit(state, 'bob', at(2), [added('src/c.ts', 1)]); // neither
    commit(state, 'bob', at(3), [modified('src/b.ts', 1), modified('src/a.ts', 1)]); // both again
    // a: changes 0, 1, 3; b: changes 0, 3 -> distinct {0, 1, 3}.
    expect(state.measure('carol', at(4), [modified('src/a.ts', 1), modified('src/b.ts', 1)]).nuc).toBe(3);
    expect(state.measure('carol', at(4), [modified('src/b.ts', 1)]).nuc).toBe(2);
    // And again in a later call: counting marks from an earlier call must not leak.
    expect(state.measure('carol', at(4), [modified('src/b.ts', 1), modified('src/a.ts', 1), modified('src/c.ts', 1)]).nuc).toBe(4);
  });

  it('nuc stays right past a thousand commits (the marks grow with the history)', () => {
    const state = new HistoryState();
    commit(state, 'alice', at(0), [added('x/one.ts', 1), added('x/two.ts', 1)]);
    for (let i = 1; i <= 1500; i++) {
      const files = i % 3 === 0 ? ['x/one.ts', 'x/two.ts'] : i % 3 === 1 ? ['x/one.ts'] : ['x/two.ts'];
      commit(state, 'alice', at(0), files.map((f) => modified(f, 1)));
    }
    // Each file: commit 0 plus 1,000 of the rest, 500 of them (every third) shared with the other.
    expect(state.measure('bob', at(1), [modified('x/one.ts', 1)]).nuc).toBe(1001);
    expect(state.measure('bob', at(1), [modified('x/one.ts', 1), modified('x/two.ts', 1)]).nuc).toBe(1501);
  });

  it('age is the mean over the touched files of the days since each last changed', () => {
    const state = new HistoryState();
    commit(state, 'alice', at(0), [added('a.ts', 1), added('b.ts', 1)]);
    commit(state, 'alice', at(1), [modified('a.ts', 1)]);
    commit(state, 'alice', at(3), [modified('b.ts', 1)]);
    // a: 4 days, b: 2 days; a new file has no age and does not count.
    expect(state.measure('bob', at(5), [modified('a.ts', 1), modified('b.ts', 1), added('new.ts', 9)]).age).toBe(3);
    // Half a day is half a day; a commit dated before the file's last change is age 0, not negative.
    expect(state.measure('bob', at(3.5), [modified('b.ts', 1)]).age).toBe(0.5);
    expect(state.measure('bob', at(2), [modified('b.ts', 1)]).age).toBe(0);
  });

  it('exp is the author\'s earlier commits; sexp the most in any of the touched subsystems', () => {
    const state = new HistoryState();
    for (let i = 0; i < 3; i++) commit(state, 'alice', at(i), [added(`src/f${i}.ts`, 1)]);
    commit(state, 'alice', at(3), [added('docs/guide.md', 1), added('src/g.ts', 1)]);
    commit(state, 'bob', at(4), [added('test/t.ts', 1)]);
    expect(state.measure('alice', at(5), [modified('docs/guide.md', 1), added('test/u.ts', 1)])).toMatchObject({ exp: 4, sexp: 1 });
    expect(state.measure('alice', at(5), [modified('docs/guide.md', 1), modified('src/g.ts', 1)])).toMatchObject({ exp: 4, sexp: 4 });
    expect(state.measure('alice', at(5), [added('README.md', 1)])).toMatchObject({ exp: 4, sexp: 0 });
    expect(state.measure('bob', at(5), [modified('src/g.ts', 1)])).toMatchObject({ exp: 1, sexp: 0 });
    expect(state.measure('dave', at(5), [modified('test/t.ts', 1)])).toMatchObject({ exp: 0, sexp: 0 });
  });

  it('a rename carries the file\'s history to the new path and leaves none at the old one', () => {
    const state = new HistoryState();
    commit(state, 'alice', at(0), [added('src/old.ts', 20)]);
    commit(state, 'bob', at(1), [modified('src/old.ts', 5, 2)]);
    const rename = commit(state, 'carol', at(2), [renamed('src/old.ts', 'lib/new.ts', 1, 1)]);
    // Measured under its old name: the rename commit itself sees the old file's history.
    expect(rename).toMatchObject({ lt: 23, ndev: 2, nuc: 2 });
    expect(state.measure('dave', at(4), [modified('lib/new.ts', 1)])).toEqual({ lt: 23, ndev: 3, nuc: 3, age: 2, exp: 0, sexp: 0 });
    expect(state.measure('dave', at(4), [modified('src/old.ts', 1)])).toMatchObject({ lt: 0, ndev: 0, nuc: 0, age: 0 });
  });

  it('a copy starts with the original\'s history but changes to either do not reach the other', () => {
    const state = new HistoryState();
    commit(state, 'alice', at(0), [added('a.ts', 10)]);
    commit(state, 'bob', at(1), [copied('a.ts', 'b.ts', 2, 0)]);
    commit(state, 'carol', at(2), [modified('b.ts', 5)]);
    expect(state.measure('dave', at(3), [modified('b.ts', 1)])).toMatchObject({ lt: 17, ndev: 3, nuc: 3 });
    expect(state.measure('dave', at(3), [modified('a.ts', 1)])).toMatchObject({ lt: 10, ndev: 1, nuc: 1, age: 3 });
  });

  it('a deletion drops the file\'s history: a file added again under the name starts afresh', () => {
    const state = new HistoryState();
    commit(state, 'alice', at(0), [added('src/a.ts', 30)]);
    commit(state, 'bob', at(1), [modified('src/a.ts', 5)]);
    commit(state, 'carol', at(2), [deleted('src/a.ts', 35)]);
    expect(state.measure('dave', at(3), [modified('src/a.ts', 1)])).toMatchObject({ lt: 0, ndev: 0, nuc: 0 });
    commit(state, 'dave', at(3), [added('src/a.ts', 4)]);
    expect(state.measure('erin', at(4), [modified('src/a.ts', 1)])).toEqual({ lt: 4, ndev: 1, nuc: 1, age: 1, exp: 0, sexp: 0 });
  });

  it('lt never goes below zero when numstat deletes more than the history saw', () => {
    const state = new HistoryState();
    commit(state, 'alice', at(0), [added('a.ts', 3)]);
    commit(state, 'alice', at(1), [modified('a.ts', 0, 10)]);
    commit(state, 'alice', at(2), [modified('a.ts', 2)]);
    expect(state.measure('bob', at(3), [modified('a.ts', 1)]).lt).toBe(2);
  });
});
