import { describe, expect, it } from 'vitest';
import { linesAddedRouting } from '../../src/evaluation/lines-added-router.js';

const commit = (linesAdded: number, buggy = false) => ({ linesAdded, buggy });

describe('linesAddedRouting: the same tier shares, by lines added', () => {
  it('sends the smallest commits to minimal and the largest to full, whatever the input order', () => {
    const commits = [commit(500, true), commit(1), commit(40, true), commit(3, true), commit(90), commit(2000, true), commit(7)];
    const counts = { minimal: 3, standard: 2, thorough: 1, full: 1 };
    // Sorted: 1, 3*, 7 | 40*, 90 | 500* | 2000*
    expect(linesAddedRouting(commits, counts)).toEqual({ minimal: 1, standard: 1, thorough: 1, full: 1 });
    expect(linesAddedRouting([...commits].reverse(), counts)).toEqual({ minimal: 1, standard: 1, thorough: 1, full: 1 });
  });

  it('splits commits of equal size across a tier boundary by expectation', () => {
    // Four commits of 10 lines (two buggy) hold positions 1-4; minimal takes positions 0-2, so
    // two of the four places are in minimal: half of their two buggy ones on average.
    const commits = [commit(1), commit(10, true), commit(10), commit(10, true), commit(10), commit(50, true)];
    expect(linesAddedRouting(commits, { minimal: 3, standard: 2, thorough: 1, full: 0 })).toEqual({ minimal: 1, standard: 1, thorough: 1, full: 0 });
    expect(linesAddedRouting(commits, { minimal: 2, standard: 2, thorough: 2, full: 0 })).toEqual({ minimal: 0.5, standard: 1, thorough: 1.5, full: 0 });
  });

  it('refuses tier counts that are not the commits given', () => {
    expect(() => linesAddedRouting([commit(1)], { minimal: 2, standard: 0, thorough: 0, full: 0 })).toThrow(/add up to 2, not the 1 commits/);
  });
});
