import { mulberry32 } from './seeded-random.js';

// Two arms on the same introducers: did one find bugs the other missed more often than chance
// would say? Pure.

/** Resamples for the bootstrap interval: enough for stable 2.5 % and 97.5 % points. */
export const BOOTSTRAP_RESAMPLES = 2_000;

/** One introducer as two arms did on it: hit (true) or not, at the same window. */
export type PairedOutcome = readonly [a: boolean, b: boolean];

export interface PairedComparison {
  /** Introducers both arms reviewed. */
  introducers: number;
  recallA: number | null;
  recallB: number | null;
  /** recallA - recallB. */
  difference: number | null;
  /** Introducers only A hit, only B hit: McNemar's discordant pairs. */
  onlyA: number;
  onlyB: number;
  /** Exact (binomial) two-sided McNemar p-value; 1 when no pair is discordant. */
  mcnemarP: number;
  /** 95 % percentile bootstrap interval of the difference, resampling introducers; null without any. */
  interval95: [number, number] | null;
}

/** log(n choose i), summed so large n neither overflows nor underflows. */
function logChoose(n: number, i: number): number {
  let sum = 0;
  for (let j = 1; j <= i; j++) sum += Math.log(n - i + j) - Math.log(j);
  return sum;
}

/** Exact two-sided McNemar test: under "no difference" each discordant pair goes either way with probability 1/2. */
export function mcnemarExactP(onlyA: number, onlyB: number): number {
  const n = onlyA + onlyB;
  if (n === 0) return 1;
  const low = Math.min(onlyA, onlyB);
  let tail = 0;
  for (let i = 0; i <= low; i++) tail += Math.exp(logChoose(n, i) - n * Math.LN2);
  return Math.min(1, 2 * tail);
}

/** The q-quantile of sorted values, interpolated between neighbours (R's type 7). */
function quantile(sorted: readonly number[], q: number): number {
  const at = (sorted.length - 1) * q;
  const below = Math.floor(at);
  const above = Math.min(sorted.length - 1, below + 1);
  return sorted[below]! + (sorted[above]! - sorted[below]!) * (at - below);
}

/** Percentile bootstrap of recall(A) - recall(B), resampling introducers (pairs kept together), seeded. */
export function bootstrapDifference(outcomes: readonly PairedOutcome[], seed: number, resamples = BOOTSTRAP_RESAMPLES): [number, number] | null {
  const n = outcomes.length;
  if (n === 0) return null;
  const random = mulberry32(seed);
  const differences: number[] = [];
  for (let r = 0; r < resamples; r++) {
    let delta = 0;
    for (let i = 0; i < n; i++) {
      const [a, b] = outcomes[Math.floor(random() * n)]!;
      delta += Number(a) - Number(b);
    }
    differences.push(delta / n);
  }
  differences.sort((x, y) => x - y);
  return [quantile(differences, 0.025), quantile(differences, 0.975)];
}

export function comparePaired(outcomes: readonly PairedOutcome[], seed: number): PairedComparison {
  const n = outcomes.length;
  const onlyA = outcomes.filter(([a, b]) => a && !b).length;
  const onlyB = outcomes.filter(([a, b]) => !a && b).length;
  const recallA = n === 0 ? null : outcomes.filter(([a]) => a).length / n;
  const recallB = n === 0 ? null : outcomes.filter(([, b]) => b).length / n;
  return {
    introducers: n,
    recallA,
    recallB,
    difference: recallA === null || recallB === null ? null : recallA - recallB,
    onlyA,
    onlyB,
    mcnemarP: mcnemarExactP(onlyA, onlyB),
    interval95: bootstrapDifference(outcomes, seed),
  };
}
