import type { OnErrorPolicy } from '../config/config-schema.js';
import { tierRank, type Tier } from '../plan/tier.js';
import type { Verdict } from './gate-verdict.js';

/** The conclusions riskgate sets (GitHub sets `stale` itself; `action_required` needs a details page). */
export type CheckConclusion = 'success' | 'failure' | 'neutral' | 'skipped' | 'cancelled';

/**
 * What "could not decide" concludes. By tier unless configured: a change risky enough for the
 * strong model must not merge unreviewed because a model was down; a small one may, visibly.
 */
export function errorConclusion(onError: OnErrorPolicy, tier: Tier): 'neutral' | 'failure' {
  if (onError !== 'by-tier') return onError;
  return tierRank(tier) >= tierRank('thorough') ? 'failure' : 'neutral';
}

/**
 * The one mapping from a gate verdict to a check run's conclusion. What the change itself caused
 * fails at every tier: `on_error` is the operator's tolerance of outages, and a pull request must
 * not be able to choose its way into it.
 */
export function checkConclusion(verdict: Verdict, tier: Tier, onError: OnErrorPolicy): CheckConclusion {
  if (verdict === 'pass') return 'success';
  if (verdict === 'fail' || verdict === 'unreviewable') return 'failure';
  return errorConclusion(onError, tier);
}
