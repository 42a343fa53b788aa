import { describe, expect, it } from 'vitest';
import { bootstrapDifference, comparePaired, mcnemarExactP, type PairedOutcome } from '../../src/evaluation/paired-comparison.js';

const outcomes = (counts: { both: number; onlyA: number; onlyB: number; neither: number }): PairedOutcome[] => [
  ...Array.from({ length: counts.both }, (): PairedOutcome => [true, true]),
  ...Array.from({ length: counts.onlyA }, (): PairedOutcome => [true, false]),
  ...Array.from({ length: counts.onlyB }, (): PairedOutcome => [false, true]),
  ...Array.from({ length: counts.neither }, (): PairedOutcome => [false, false]),
];

describe('the exact McNemar test', () => {
  it('is the two-sided binomial tail of the discordant pairs', () => {
    // Reference values from exact integer arithmetic (Python: 2 * sum(comb(n, i) for i <= min) / 2**n).
    expect(mcnemarExactP(1, 6)).toBeCloseTo(0.125, 12);
    expect(mcnemarExactP(6, 1)).toBeCloseTo(0.125, 12);
    expect(mcnemarExactP(0, 5)).toBeCloseTo(0.0625, 12);
    expect(mcnemarExactP(2, 9)).toBeCloseTo(0.0654296875, 12);
    expect(mcnemarExactP(3, 3)).toBe(1);
    expect(mcnemarExactP(0, 1)).toBe(1);
    expect(mcnemarExactP(0, 0)).toBe(1);
  });

  it('stays exact where 2^-n underflows a double', () => {
    expect(mcnemarExactP(120, 170)).toBeCloseTo(0.003933336512825177, 12);
    expect(mcnemarExactP(700, 800)).toBeCloseTo(0.010559255466711544, 10);
  });
});

describe('the bootstrap interval of the recall difference', () => {
  it('resamples introducers as pairs: its width is that of the paired difference, not of two independent recalls', () => {
    // d = 0.2; per-introducer differences +1 (30), -1 (10), 0 (60): sd 0.6, standard error 0.06.
    // Resampling the two arms independently would give a standard error of about 0.069.
    const [low, high] = bootstrapDifference(outcomes({ both: 30, onlyA: 30, onlyB: 10, neither: 30 }), 7)!;
    expect((low + high) / 2).toBeCloseTo(0.2, 1);
    expect(high - low).toBeGreaterThan(2 * 1.96 * 0.06 - 0.02);
    expect(high - low).toBeLessThan(2 * 1.96 * 0.06 + 0.02);
  });

  it('is the same for the same seed, another for another, a point when every pair agrees, and absent with no pair', () => {
    const mixed = outcomes({ both: 3, onlyA: 4, onlyB: 2, neither: 6 });
    expect(bootstrapDifference(mixed, 1)).toEqual(bootstrapDifference(mixed, 1));
    // Few resamples, so that the seed shows in the percentiles.
    const bySeed = new Set([1, 2, 3, 4, 5].map((seed) => JSON.stringify(bootstrapDifference(mixed, seed, 40))));
    expect(bySeed.size).toBeGreaterThan(1);
    expect(bootstrapDifference(outcomes({ both: 5, onlyA: 0, onlyB: 0, neither: 5 }), 1)).toEqual([0, 0]);
    expect(bootstrapDifference([], 1)).toBeNull();
  });

  it('compares two arms: recalls, discordant counts, difference, p and interval', () => {
    const result = comparePaired(outcomes({ both: 2, onlyA: 6, onlyB: 1, neither: 1 }), 3);
    expect(result).toMatchObject({ introducers: 10, recallA: 0.8, recallB: 0.3, onlyA: 6, onlyB: 1, mcnemarP: mcnemarExactP(6, 1) });
    expect(result.difference).toBeCloseTo(0.5, 12);
    expect(result.interval95![0]).toBeLessThan(0.5);
    expect(result.interval95![1]).toBeGreaterThan(0.5);
    expect(comparePaired([], 3)).toMatchObject({ introducers: 0, recallA: null, recallB: null, difference: null, mcnemarP: 1, interval95: null });
  });
});
