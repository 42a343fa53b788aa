import type { Tier } from '../plan/tier.js';
import type { WorstCase } from '../run/review-change.js';
import { describeCap, type BudgetCap } from './budget-cap.js';

export interface BudgetChoice {
  /** The tier to run at; `none` when not even the lowest tier fits. */
  tier: Tier | 'none';
  /** Dollars to set aside while the run works; the run may spend no more. */
  holdUsd: number;
  /** What the tightest cap has left, and which cap that is (absent with no caps). */
  remainingUsd: number;
  binding?: BudgetCap;
  /** Why the tier is lower than the change calls for; absent when it is not. */
  reason?: string;
}

const usd = (n: number) => `$${n.toFixed(2)}`;

/**
 * The highest tier, at or below the one the change calls for, whose worst-case cost fits in what
 * every cap has left. Pure: the store calls it inside the transaction that holds the money.
 */
export function chooseWithinBudget(caps: readonly BudgetCap[], used: readonly number[], worst: WorstCase, runMaxUsd: number): BudgetChoice {
  const top = worst.byTier[0]?.usd ?? 0;
  if (caps.length === 0) return { tier: worst.wanted, holdUsd: 0, remainingUsd: Infinity };
  let binding = caps[0]!;
  let remainingUsd = Infinity;
  caps.forEach((cap, i) => {
    const left = Math.max(0, cap.limitUsd - (used[i] ?? 0));
    if (left < remainingUsd) {
      remainingUsd = left;
      binding = cap;
    }
  });
  const fits = worst.byTier.find((option) => Math.min(option.usd, runMaxUsd) <= remainingUsd);
  const left = `${describeCap(binding)} has ${usd(remainingUsd)} left`;
  if (!fits) {
    return { tier: 'none', holdUsd: 0, remainingUsd, binding, reason: `${left}, and even a minimal run may cost up to ${usd(Math.min(worst.byTier.at(-1)?.usd ?? top, runMaxUsd))}; no agent ran` };
  }
  const holdUsd = Math.min(fits.usd, runMaxUsd);
  if (fits.tier === worst.wanted) return { tier: fits.tier, holdUsd, remainingUsd, binding };
  return { tier: fits.tier, holdUsd, remainingUsd, binding, reason: `${left}, and a ${worst.wanted} run may cost up to ${usd(Math.min(top, runMaxUsd))}` };
}
