// The calibration fit's speed: a speed goal belongs here, not in a test that a loaded machine fails.
import { fitLogistic, predictLogit, sigmoid } from '../src/calibrate/logistic-regression.js';
import { mulberry32 } from '../src/evaluation/seeded-random.js';


/** Median time to fit 20,000 rows x 30 features, half of them constrained to raise only (goal: under a second). */
export function benchLogisticFit(runs = 5): string[] {
  const weights = Array.from({ length: 30 }, (_, j) => ((j % 7) - 3) / 10);
  const random = mulberry32(6);
  const normal = () => Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
  const rows: number[][] = [];
  const labels: boolean[] = [];
  for (let i = 0; i < 20_000; i++) {
    const common = normal();
    const row = weights.map(() => normal() + 0.3 * common);
    rows.push(row);
    labels.push(random() < sigmoid(predictLogit({ intercept: -1, weights }, row)));
  }
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const started = performance.now();
    fitLogistic(rows, labels, { lambda: 1e-4, nonNegative: weights.map((_, j) => j % 2 === 0) });
    times.push(performance.now() - started);
  }
  times.sort((a, b) => a - b);
  return [`| calibrate's fit: 20,000 rows x 30 features, half raise-only (median of ${runs}) | ${times[Math.floor(runs / 2)]!.toFixed(1)} ms | |`];
}
