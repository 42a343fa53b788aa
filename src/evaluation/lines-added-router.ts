import { TIERS, type Tier } from '../plan/tier.js';

export interface SizedCommit {
  linesAdded: number;
  buggy: boolean;
}

/**
 * The baseline a risk score has to beat: a router that knows only lines added and sends each
 * tier as many commits as the score did, the smallest commits to the lowest tier. Returns, per
 * tier, the bug-introducing commits it would have sent there. Commits with equal lines added
 * that straddle two tiers are split by expectation (as a random order among them would on
 * average), so the counts may be fractional and no order of the input favours either router.
 */
export function linesAddedRouting(commits: readonly SizedCommit[], tierCounts: Readonly<Record<Tier, number>>): Record<Tier, number> {
  const total = TIERS.reduce((n, t) => n + tierCounts[t], 0);
  if (total !== commits.length) throw new Error(`tier counts add up to ${total}, not the ${commits.length} commits`);
  const sorted = [...commits].sort((a, b) => a.linesAdded - b.linesAdded);
  const bounds: Array<{ tier: Tier; from: number; to: number }> = [];
  let from = 0;
  for (const tier of TIERS) {
    bounds.push({ tier, from, to: from + tierCounts[tier] });
    from += tierCounts[tier];
  }
  const buggy = Object.fromEntries(TIERS.map((t) => [t, 0])) as Record<Tier, number>;
  for (let a = 0; a < sorted.length; ) {
    let b = a;
    let group = 0;
    while (b < sorted.length && sorted[b]!.linesAdded === sorted[a]!.linesAdded) {
      if (sorted[b]!.buggy) group++;
      b++;
    }
    if (group > 0) {
      for (const { tier, from: lo, to: hi } of bounds) {
        const overlap = Math.min(b, hi) - Math.max(a, lo);
        if (overlap > 0) buggy[tier] += (group * overlap) / (b - a);
      }
    }
    a = b;
  }
  return buggy;
}
