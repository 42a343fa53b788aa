import { describe, expect, it } from 'vitest';
import { fitLogistic, predictLogit, sigmoid } from '../../src/calibrate/logistic-regression.js';
import { mulberry32 } from '../support/mulberry32.js';

/** Rows of standard normals (plus `shared` times a common factor, to correlate them) and labels drawn from the true model. */
function synthetic(n: number, intercept: number, weights: readonly number[], seed: number, shared = 0) {
  const random = mulberry32(seed);
  const normal = () => Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
  const rows: number[][] = [];
  const labels: boolean[] = [];
  for (let i = 0; i < n; i++) {
    const common = normal();
    const row = weights.map(() => normal() + shared * common);
    rows.push(row);
    labels.push(random() < sigmoid(predictLogit({ intercept, weights: [...weights] }, row)));
  }
  return { rows, labels, random };
}

/** The objective written out independently: weighted mean log-loss + lambda/2 * ||w||^2. */
function penalisedLoss(
  rows: readonly number[][],
  labels: readonly boolean[],
  lambda: number,
  theta: readonly number[],
  rowWeights?: readonly number[],
): number {
  let total = 0;
  let weightSum = 0;
  rows.forEach((row, i) => {
    const z = theta[0]! + row.reduce((s, v, j) => s + v * theta[j + 1]!, 0);
    const p = sigmoid(z);
    const w = rowWeights?.[i] ?? 1;
    total += -w * Math.log(labels[i] ? p : 1 - p);
    weightSum += w;
  });
  const squares = theta.slice(1).reduce((s, v) => s + v * v, 0);
  return total / weightSum + (lambda / 2) * squares;
}

/** Central differences of the penalised loss at the fitted (intercept, weights). */
function numericGradient(
  rows: readonly number[][],
  labels: readonly boolean[],
  lambda: number,
  fit: { intercept: number; weights: number[] },
  rowWeights?: readonly number[],
): number[] {
  const theta = [fit.intercept, ...fit.weights];
  const h = 1e-5;
  return theta.map((_, j) => {
    const up = theta.map((v, k) => (k === j ? v + h : v));
    const down = theta.map((v, k) => (k === j ? v - h : v));
    return (penalisedLoss(rows, labels, lambda, up, rowWeights) - penalisedLoss(rows, labels, lambda, down, rowWeights)) / (2 * h);
  });
}

const norm = (weights: readonly number[]) => Math.hypot(...weights);

describe('fitLogistic', () => {
  it('recovers the coefficients that generated 20,000 rows', () => {
    const trueWeights = [1.2, -0.8, 0.5, 0];
    const { rows, labels } = synthetic(20_000, -0.5, trueWeights, 1);
    const fit = fitLogistic(rows, labels, { lambda: 0 });
    expect(fit.converged).toBe(true);
    // Standard errors here are about 0.02; 0.06 is three of them.
    expect(Math.abs(fit.intercept + 0.5)).toBeLessThan(0.06);
    fit.weights.forEach((w, j) => expect(Math.abs(w - trueWeights[j]!)).toBeLessThan(0.06));
    expect(fit.logLoss).toBeCloseTo(penalisedLoss(rows, labels, 0, [fit.intercept, ...fit.weights]), 12);
  });

  it('stops where the penalised gradient is zero, row weights included', () => {
    const { rows, labels, random } = synthetic(2_000, 0.3, [0.7, -1.1, 0.2], 2, 0.5);
    const rowWeights = rows.map(() => 0.5 + 2 * random());
    const lambda = 0.02;
    const fit = fitLogistic(rows, labels, { lambda, rowWeights });
    expect(fit.converged).toBe(true);
    for (const g of numericGradient(rows, labels, lambda, fit, rowWeights)) expect(Math.abs(g)).toBeLessThan(1e-7);
    // Moving any coordinate either way costs loss.
    const base = penalisedLoss(rows, labels, lambda, [fit.intercept, ...fit.weights], rowWeights);
    const theta = [fit.intercept, ...fit.weights];
    theta.forEach((_, j) => {
      for (const delta of [-1e-3, 1e-3]) {
        const moved = theta.map((v, k) => (k === j ? v + delta : v));
        expect(penalisedLoss(rows, labels, lambda, moved, rowWeights)).toBeGreaterThan(base);
      }
    });
  });

  it('treats an integer row weight like that many copies of the row', () => {
    const { rows, labels, random } = synthetic(500, 0.1, [0.9, -0.4], 3);
    const rowWeights = rows.map(() => 1 + Math.floor(3 * random()));
    const copies = rows.flatMap((row, i) => Array.from({ length: rowWeights[i]! }, () => row));
    const copyLabels = labels.flatMap((label, i) => Array.from({ length: rowWeights[i]! }, () => label));
    const weighted = fitLogistic(rows, labels, { lambda: 0.01, rowWeights });
    const copied = fitLogistic(copies, copyLabels, { lambda: 0.01 });
    expect(weighted.intercept).toBeCloseTo(copied.intercept, 8);
    weighted.weights.forEach((w, j) => expect(w).toBeCloseTo(copied.weights[j]!, 8));
    expect(weighted.logLoss).toBeCloseTo(copied.logLoss, 10);
  });

  it('shrinks the weights as lambda grows, but never the intercept', () => {
    const { rows, labels } = synthetic(3_000, 1, [1, -1, 0.5], 4);
    const norms = [0, 0.01, 0.1, 1].map((lambda) => norm(fitLogistic(rows, labels, { lambda }).weights));
    for (let i = 1; i < norms.length; i++) expect(norms[i]!).toBeLessThan(norms[i - 1]!);
    // With the weights forced to ~0 the intercept is the log-odds of the base rate, not 0.
    const flat = fitLogistic(rows, labels, { lambda: 1e6 });
    const rate = labels.filter(Boolean).length / labels.length;
    expect(norm(flat.weights)).toBeLessThan(1e-5);
    expect(flat.intercept).toBeCloseTo(Math.log(rate / (1 - rate)), 5);
  });

  it('clamps a weight that wants to be negative at exactly 0 and refits the others', () => {
    const { rows, labels } = synthetic(5_000, -0.2, [1.2, -0.8, 0.5], 5, 0.6);
    const lambda = 0.001;
    const free = fitLogistic(rows, labels, { lambda });
    expect(free.weights[1]!).toBeLessThan(0);
    const constrained = fitLogistic(rows, labels, { lambda, nonNegative: [true, true, true] });
    expect(constrained.converged).toBe(true);
    expect(constrained.weights[1]).toBe(0);
    expect(constrained.weights[0]!).toBeGreaterThan(0);
    expect(constrained.weights[2]!).toBeGreaterThan(0);
    // The constraint costs training loss...
    expect(constrained.logLoss).toBeGreaterThan(free.logLoss);
    // ...and the others are exactly the fit without that feature (the features are correlated, so they move).
    const without = fitLogistic(rows.map((r) => [r[0]!, r[2]!]), labels, { lambda });
    expect(constrained.intercept).toBeCloseTo(without.intercept, 6);
    expect(constrained.weights[0]!).toBeCloseTo(without.weights[0]!, 6);
    expect(constrained.weights[2]!).toBeCloseTo(without.weights[1]!, 6);
    expect(Math.abs(constrained.weights[0]! - free.weights[0]!)).toBeGreaterThan(0.05);
    // An unconstrained feature with a negative weight keeps it.
    const partly = fitLogistic(rows, labels, { lambda, nonNegative: [true, false, true] });
    partly.weights.forEach((w, j) => expect(w).toBeCloseTo(free.weights[j]!, 6));
  });

  it('meets the KKT conditions when many correlated weights are constrained', () => {
    for (const seed of [11, 12, 13, 14]) {
      const { rows, labels } = synthetic(2_000, 0, [0.8, -0.6, 0.3, -0.2, 0.5, -0.9, 0.1, 0.4], seed, 1.5);
      const lambda = 0.005;
      const fit = fitLogistic(rows, labels, { lambda, nonNegative: rows[0]!.map(() => true) });
      expect(fit.converged).toBe(true);
      const gradient = numericGradient(rows, labels, lambda, fit);
      expect(Math.abs(gradient[0]!)).toBeLessThan(1e-7);
      fit.weights.forEach((w, j) => {
        expect(w).toBeGreaterThanOrEqual(0);
        // A positive weight is at a stationary point; one at zero could only lower the loss by going negative.
        if (w > 0) expect(Math.abs(gradient[j + 1]!)).toBeLessThan(1e-7);
        else expect(gradient[j + 1]!).toBeGreaterThan(-1e-7);
      });
      expect(fit.weights.filter((w) => w === 0).length).toBeGreaterThan(0);
    }
  });

  it('frees a clamped weight again when the others move, matching the best of all support sets', () => {
    // These cases clamp a weight on the way (the first Newton steps push it negative) whose
    // constrained optimum is positive, so the fit must free it again.
    const cases = [
      { weights: [1.4, -1, 0.2, 0.2, 1.4], seed: 3, shared: 3 },
      { weights: [-0.1, -0.9, 1.2, 0.8, 0.4], seed: 35, shared: 3 },
      { weights: [0.3, -0.1, 0.9, -0.6, 0.2], seed: 154, shared: 2 },
    ];
    const lambda = 0.001;
    for (const { weights, seed, shared } of cases) {
      const { rows, labels } = synthetic(1_000, 0, weights, seed, shared);
      const fit = fitLogistic(rows, labels, { lambda, nonNegative: weights.map(() => true) });
      expect(fit.converged).toBe(true);
      // The constrained optimum is the unconstrained fit on its own support, so the best
      // non-negative fit over all 32 supports is the answer.
      let best = { loss: Infinity, intercept: 0, weights: [] as number[] };
      for (let mask = 0; mask < 1 << weights.length; mask++) {
        const kept = weights.map((_, j) => j).filter((j) => mask & (1 << j));
        const sub = fitLogistic(rows.map((r) => kept.map((j) => r[j]!)), labels, { lambda });
        if (sub.weights.some((w) => w < 0)) continue;
        const loss = sub.logLoss + (lambda / 2) * norm(sub.weights) ** 2;
        const full = weights.map((_, j) => (kept.includes(j) ? sub.weights[kept.indexOf(j)]! : 0));
        if (loss < best.loss) best = { loss, intercept: sub.intercept, weights: full };
      }
      expect(fit.logLoss + (lambda / 2) * norm(fit.weights) ** 2).toBeCloseTo(best.loss, 10);
      expect(fit.intercept).toBeCloseTo(best.intercept, 5);
      fit.weights.forEach((w, j) => {
        expect(w).toBeCloseTo(best.weights[j]!, 5);
        if (best.weights[j] === 0) expect(w).toBe(0);
      });
    }
  });

  it('converges to finite weights on perfectly separable data when lambda > 0', () => {
    const rows = [[-3], [-2], [-1], [1], [2], [3]];
    const labels = [false, false, false, true, true, true];
    const fit = fitLogistic(rows, labels, { lambda: 0.01 });
    expect(fit.converged).toBe(true);
    expect(Number.isFinite(fit.weights[0]!)).toBe(true);
    expect(fit.weights[0]!).toBeGreaterThan(0);
    expect(Math.abs(numericGradient(rows, labels, 0.01, fit)[1]!)).toBeLessThan(1e-7);
  });

  it('keeps the loss finite when features push the logit to several hundred', () => {
    const rows = [[-800], [-400], [-1], [1], [400], [800]];
    const labels = [false, true, false, true, false, true];
    const fit = fitLogistic(rows, labels, { lambda: 0.1 });
    expect(fit.converged).toBe(true);
    expect(Number.isFinite(fit.logLoss)).toBe(true);
    expect(Number.isFinite(fit.intercept)).toBe(true);
  });

  // Its speed (goal: under a second) is a row of `npm run bench`, not a timed test.
  it('fits 20,000 rows x 30 features, half of them constrained to raise only', () => {
    const trueWeights = Array.from({ length: 30 }, (_, j) => ((j % 7) - 3) / 10);
    const { rows, labels } = synthetic(20_000, -1, trueWeights, 6, 0.3);
    const nonNegative = trueWeights.map((_, j) => j % 2 === 0);
    const fit = fitLogistic(rows, labels, { lambda: 1e-4, nonNegative });
    expect(fit.converged).toBe(true);
    fit.weights.forEach((w, j) => (nonNegative[j] ? expect(w).toBeGreaterThanOrEqual(0) : undefined));
  });

  it('refuses inputs it cannot fit, saying why', () => {
    expect(() => fitLogistic([], [], { lambda: 0 })).toThrow(/no rows/);
    expect(() => fitLogistic([[1], [2]], [true, true], { lambda: 0.1 })).toThrow(/all one class/);
    expect(() => fitLogistic([[1], [2]], [false, false], { lambda: 0.1 })).toThrow(/all one class/);
    expect(() => fitLogistic([[1, 2], [3]], [true, false], { lambda: 0.1 })).toThrow(/row 1 has 1 features, row 0 has 2/);
    expect(() => fitLogistic([[1], [2]], [true], { lambda: 0.1 })).toThrow(/1 labels for 2 rows/);
    expect(() => fitLogistic([[1], [2]], [true, false], { lambda: 0.1, nonNegative: [true, true] })).toThrow(/nonNegative/);
    // A class present only in zero-weight rows does not count.
    expect(() => fitLogistic([[1], [2]], [true, false], { lambda: 0.1, rowWeights: [1, 0] })).toThrow(/all one class/);
  });
});

describe('sigmoid and predictLogit', () => {
  it('stay finite and exact at +-800', () => {
    expect(sigmoid(800)).toBe(1);
    expect(sigmoid(-800)).toBe(0);
    expect(sigmoid(0)).toBe(0.5);
    expect(sigmoid(-30)).toBeCloseTo(Math.exp(-30), 25);
    expect(sigmoid(2) + sigmoid(-2)).toBeCloseTo(1, 15);
    const fit = { intercept: -10, weights: [1, -2] };
    expect(predictLogit(fit, [810, 0])).toBe(800);
    expect(predictLogit(fit, [0, 395])).toBe(-800);
    expect(sigmoid(predictLogit(fit, [810, 0]))).toBe(1);
    expect(sigmoid(predictLogit(fit, [0, 395]))).toBe(0);
  });

  it('refuses a row of the wrong width', () => {
    expect(() => predictLogit({ intercept: 0, weights: [1, 2] }, [1])).toThrow(/1 features; the fit has 2/);
  });
});
