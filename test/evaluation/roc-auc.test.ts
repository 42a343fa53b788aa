import { describe, expect, it } from 'vitest';
import { rocAuc } from '../../src/evaluation/roc-auc.js';

describe('rocAuc', () => {
  it('is 1 for a perfect ranking, 0 for an inverted one, 0.5 for all ties', () => {
    expect(rocAuc([1, 2, 3, 4], [false, false, true, true])).toBe(1);
    expect(rocAuc([4, 3, 2, 1], [false, false, true, true])).toBe(0);
    expect(rocAuc([7, 7, 7, 7], [false, true, false, true])).toBe(0.5);
  });

  it('counts ties as half, as the Mann-Whitney statistic does', () => {
    // positives 2 and 3; negatives 1 and 2: pairs (2>1) (2=2) (3>1) (3>2) -> 3.5 / 4
    expect(rocAuc([2, 3, 1, 2], [true, true, false, false])).toBe(0.875);
  });

  it('is undefined without both classes', () => {
    expect(rocAuc([1, 2], [true, true])).toBeNaN();
  });
});
