import { describe, expect, it } from 'vitest';
import { popt, recallAtEffort } from '../../src/evaluation/effort-aware.js';

describe('popt', () => {
  // Changes A, B, C with efforts 1, 1, 2 (total 4); A and C buggy.
  const labels = [true, false, true];
  const efforts = [1, 1, 2];

  it('is 1 for the optimal order and 0 for the worst', () => {
    // Optimal A, C, B: (.25,.5) (.75,1) (1,1), area .6875. Worst B, C, A: (.25,0) (.75,.5) (1,1), area .3125.
    expect(popt([3, 1, 2], labels, efforts)).toBe(1);
    expect(popt([1, 3, 2], labels, efforts)).toBe(0);
  });

  it('scales a model between the two by area', () => {
    // C, A, B: (.5,.5) (.75,1) (1,1), area .5625 -> 1 - (.6875 - .5625) / (.6875 - .3125) = 2/3.
    expect(popt([2, 1, 3], labels, efforts)).toBeCloseTo(2 / 3, 12);
  });

  it('matches a hand-computed five-change case', () => {
    // Model (index order): x .1 .5 .7 .9 1, y 1/3 1/3 2/3 2/3 1 -> 28/60.
    // Optimal: buggy 10, 10, 20 then clean 20, 40 -> 50/60. Worst: clean 40, 20 then buggy 20, 10, 10 -> 10/60.
    // 1 - (50 - 28) / (50 - 10) = 0.45.
    expect(popt([5, 4, 3, 2, 1], [true, false, true, false, true], [10, 40, 20, 20, 10])).toBeCloseTo(0.45, 12);
  });

  it('breaks score ties by effort, cheaper first, then by index', () => {
    // Tied: the cheap buggy change (index 1) goes first, which is the optimal order; by index it would be the worst.
    expect(popt([5, 5], [false, true], [2, 1])).toBe(1);
    // Tied in score and effort: index order, clean first, the worst order.
    expect(popt([5, 5], [false, true], [1, 1])).toBe(0);
  });

  it('lets a zero-effort change move the curve up without moving it along', () => {
    // Buggy change of no effort first: (0,1) (1,1), area 1; the worst puts it last: area 0.
    expect(popt([1, 0], [true, false], [0, 1])).toBe(1);
    expect(popt([0, 1], [true, false], [0, 1])).toBe(0);
  });

  it('is undefined without both classes, without effort, or when every order has the same area', () => {
    expect(popt([1, 2], [true, true], [1, 2])).toBeNaN();
    expect(popt([1, 2], [false, false], [1, 2])).toBeNaN();
    expect(popt([1, 2], [true, false], [0, 0])).toBeNaN();
    // Clean changes cost nothing and buggy ones all the same: optimal and worst coincide.
    expect(popt([1, 2, 3], [false, true, true], [0, 1, 1])).toBeNaN();
  });

  it('refuses mismatched lengths, negative efforts and NaN scores', () => {
    expect(() => popt([1, 2], [true, false], [1])).toThrow(/differ in length/);
    expect(() => popt([1, 2], [true, false], [1, -1])).toThrow(/effort 1/);
    expect(() => popt([1, Number.NaN], [true, false], [1, 1])).toThrow(/score 1 is NaN/);
  });
});

describe('recallAtEffort', () => {
  // Efforts total 100; buggy changes are indices 0, 2 and 4; scores put them in index order.
  const scores = [5, 4, 3, 2, 1];
  const labels = [true, false, true, false, true];
  const efforts = [10, 40, 20, 20, 10];

  it('counts the buggy changes inspected within the budget, 20% by default', () => {
    expect(recallAtEffort(scores, labels, efforts)).toBeCloseTo(1 / 3, 12); // 10 fits, 10+40 does not
    expect(recallAtEffort(scores, labels, efforts, 0.7)).toBeCloseTo(2 / 3, 12); // 10+40+20 = 70 fits exactly
    expect(recallAtEffort(scores, labels, efforts, 1)).toBe(1);
    expect(recallAtEffort(scores, labels, efforts, 0)).toBe(0);
  });

  it('stops at the first change that does not fit rather than skipping ahead to cheaper ones', () => {
    // Budget 40: index 1 (cumulative 50) does not fit; index 2 (20) would, but inspection has stopped.
    expect(recallAtEffort(scores, labels, efforts, 0.4)).toBeCloseTo(1 / 3, 12);
  });

  it('does not lose a change that fills the budget exactly to rounding', () => {
    // 0.1 + 0.2 is 0.30000000000000004 in floating point; the budget is 0.3.
    expect(recallAtEffort([3, 2, 1], [true, true, false], [0.1, 0.2, 0.7], 0.3)).toBe(1);
  });

  it('breaks score ties by effort, cheaper first, then by index', () => {
    // Budget 1: the tie goes to the cheap buggy change at index 1; by index the 3-effort change would stop at once.
    expect(recallAtEffort([1, 1], [false, true], [3, 1], 0.25)).toBe(1);
    // Same score and effort: index 0 (clean) first, then index 1 no longer fits.
    expect(recallAtEffort([1, 1, 1], [false, true, true], [1, 1, 2], 0.25)).toBe(0);
  });

  it('counts zero-effort changes even with no budget', () => {
    expect(recallAtEffort([3, 2, 1], [true, true, false], [0, 5, 5], 0)).toBe(0.5);
  });

  it('is undefined without buggy changes or effort, but defined without clean ones', () => {
    expect(recallAtEffort([1, 2], [false, false], [1, 1])).toBeNaN();
    expect(recallAtEffort([1, 2], [true, false], [0, 0])).toBeNaN();
    expect(recallAtEffort([2, 1], [true, true], [1, 1], 0.5)).toBe(0.5);
  });

  it('refuses an effort share outside [0, 1]', () => {
    expect(() => recallAtEffort(scores, labels, efforts, 1.5)).toThrow(/effortShare/);
    expect(() => recallAtEffort(scores, labels, efforts, -0.1)).toThrow(/effortShare/);
  });
});
