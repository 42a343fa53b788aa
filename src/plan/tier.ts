// Tiers in rising order of scrutiny. The order is the domain rule "may raise, never lower".
export const TIERS = ['minimal', 'standard', 'thorough', 'full'] as const;
export type Tier = (typeof TIERS)[number];

export const AGENTS = ['review', 'security', 'tests'] as const;
export type AgentName = (typeof AGENTS)[number];

/**
 * `fast` = a Haiku-class model, `strong` = a Sonnet-class model, `local` = a model the operator
 * serves (usually at $0) that any tier's agents may be put on; concrete names come from config.
 */
export const MODEL_CLASSES = ['fast', 'strong', 'local'] as const;
export type ModelClass = (typeof MODEL_CLASSES)[number];

export function tierRank(tier: Tier): number {
  return TIERS.indexOf(tier);
}

/** The higher of two tiers: every input that can change a tier goes through this. */
export function raiseTier(current: Tier, candidate: Tier): Tier {
  return tierRank(candidate) > tierRank(current) ? candidate : current;
}
