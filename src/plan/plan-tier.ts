import type { RiskgateConfig } from '../config/config-schema.js';
import { isAuthored, type Diff } from '../diff/diff-file.js';
import { compileGlobs } from '../risk/match-paths.js';
import type { RiskFactor } from '../risk/risk-factor.js';
import { callCostUsd, tokensForChars, type TokenEstimate } from './estimate-cost.js';
import { modelPrices } from './model-prices.js';
import type { ModelPrice } from './prices.js';
import { createFloorFinder, type TierFloor } from './tier-floors.js';
import { AGENTS, raiseTier, tierRank, type AgentName, type ModelClass, type Tier } from './tier.js';

/** Why the tier is what it is: the score, a config glob, a tier floor, or a forced tier. */
export interface TierDecision {
  tier: Tier;
  reasons: string[];
  /** The tier floors that hold on the change, highest first (whether or not they raised the tier). */
  floors: TierFloor[];
}

/** What the planner reads of a scored change. */
export interface ScoredRisk {
  score: number;
  factors: readonly RiskFactor[];
}

export interface PlannedAgent {
  agent: AgentName;
  modelClass: ModelClass;
  model: string;
  estimate: TokenEstimate;
  estimatedUsd: number;
}

export interface Plan {
  tier: Tier;
  reasons: string[];
  /** The tier floors that hold on the change; empty for a plan of a tier asked for by name. */
  floors: TierFloor[];
  agents: PlannedAgent[];
  /** Prompt tokens the whole run may send (the tier's budget). */
  tokenBudget: number;
  maxOutputTokens: number;
  /** Prompt tokens of the shared prefix: instructions plus the part of the diff that fits. */
  contextTokens: number;
  estimatedUsd: number;
}

// Before the prompt is rendered (`riskgate plan`, the tier decision) the plan estimates it: shared
// instructions (about 640 tokens) with the PR text, then each agent's own brief (150-200 tokens,
// more with the security agent's leads), both rounded up. `review --dry-run` and the run's budget
// checks use the rendered prompt instead.
export const SHARED_INSTRUCTION_TOKENS = 1_500;
export const AGENT_INSTRUCTION_TOKENS = 600;
// Most answers are far below the cap; an estimate at the cap would overstate every plan.
export const EXPECTED_OUTPUT_SHARE = 0.5;

/**
 * Tokens and dollars of each agent's call when they share one cached prefix of `contextTokens`:
 * the first agent on a model writes it to the cache, the others read it.
 */
export function costAgents(
  chosen: ReadonlyArray<Pick<PlannedAgent, 'agent' | 'modelClass' | 'model'>>,
  contextTokens: number,
  outputTokens: number,
  prices: Readonly<Record<string, ModelPrice>>,
  agentTokens = AGENT_INSTRUCTION_TOKENS,
): PlannedAgent[] {
  const writtenByModel = new Set<string>();
  return chosen.map(({ agent, modelClass, model }): PlannedAgent => {
    const first = !writtenByModel.has(model);
    writtenByModel.add(model);
    const estimate: TokenEstimate = {
      input: agentTokens,
      cacheWrite: first ? contextTokens : 0,
      cacheRead: first ? 0 : contextTokens,
      output: outputTokens,
    };
    const price = prices[model];
    if (!price) throw new Error(`no price for model "${model}": add it under prices in the config`);
    return { agent, modelClass, model, estimate, estimatedUsd: callCostUsd(price, estimate) };
  });
}

export interface TierPlanner {
  /**
   * The tier the score calls for, raised by `always_full`, the tier floors the factors set and a
   * forced tier, and its plan. Nothing here lowers a tier.
   */
  choose(diff: Diff, risk: ScoredRisk, forced?: Tier): Plan;
  /** The plan of exactly this tier, for showing what each tier would cost. */
  at(diff: Diff, tier: Tier): Plan;
}

/** The tier a score's band calls for under the configured thresholds. */
export function tierOfScore(score: number, thresholds: RiskgateConfig['tiers']['thresholds']): Tier {
  const t = thresholds;
  return score >= t.full ? 'full' : score >= t.thorough ? 'thorough' : score >= t.standard ? 'standard' : 'minimal';
}

/** Builds a planner for one config: which agents run at which tier, on which model, for how much. */
export function createTierPlanner(config: RiskgateConfig): TierPlanner {
  const alwaysFull = compileGlobs(config.tiers.always_full);
  const floorsOf = createFloorFinder(config.tiers.floors, compileGlobs(Object.values(config.risk.sensitive_paths).flat()));
  const prices: Record<string, ModelPrice> = modelPrices(config);

  const decide = (diff: Diff, { score, factors }: ScoredRisk, forced?: Tier): TierDecision => {
    const byScore = tierOfScore(score, config.tiers.thresholds);
    let tier = byScore;
    const reasons = [`score ${score} is in the ${byScore} band`];
    const pinned = diff.files.filter((f) => alwaysFull(f.path) || (f.previousPath !== undefined && alwaysFull(f.previousPath)));
    if (pinned.length > 0) {
      tier = raiseTier(tier, 'full');
      reasons.push(`${pinned[0]!.path}${pinned.length > 1 ? ` and ${pinned.length - 1} more` : ''} match tiers.always_full`);
    }
    // Every floor above the tier so far is named, the highest (the one that decides) first.
    const floors = floorsOf(factors, diff);
    const beforeFloors = tier;
    for (const floor of floors.filter((f) => tierRank(f.tier) > tierRank(beforeFloors))) {
      tier = raiseTier(tier, floor.tier);
      reasons.push(`tier floor ${floor.tier} on ${floor.factor} (tiers.floors): ${floor.reason}`);
    }
    if (forced !== undefined && raiseTier(tier, forced) !== tier) {
      tier = forced;
      reasons.push(`forced to ${forced}`);
    }
    return { tier, reasons, floors };
  };

  // Counted once per diff: `riskgate plan` plans every tier of the same diff.
  const charsByDiff = new WeakMap<Diff, number>();
  const reviewedCharsOf = (diff: Diff): number => {
    let chars = charsByDiff.get(diff);
    if (chars === undefined) {
      chars = diff.files
        .filter((f) => isAuthored(f.kind))
        .reduce((sum, f) => sum + f.hunks.reduce((h, hunk) => h + hunk.lines.reduce((l, line) => l + line.text.length + 2, 0), 0), 0);
      charsByDiff.set(diff, chars);
    }
    return chars;
  };

  const planAt = (diff: Diff, { tier, reasons, floors }: TierDecision): Plan => {
    const tierConfig = config.tiers[tier];
    const contextTokens = Math.min(SHARED_INSTRUCTION_TOKENS + tokensForChars(reviewedCharsOf(diff)), tierConfig.token_budget);
    const outputTokens = Math.ceil(tierConfig.max_output_tokens * EXPECTED_OUTPUT_SHARE);

    const chosen = AGENTS.flatMap((agent) => {
      const modelClass = tierConfig.agents[agent];
      return modelClass ? [{ agent, modelClass }] : [];
    });
    // The schema holds a tier to the local class only when models.local names a model.
    const agents = costAgents(chosen.map(({ agent, modelClass }) => ({ agent, modelClass, model: config.models[modelClass] ?? config.models.fast })), contextTokens, outputTokens, prices);
    return {
      tier,
      reasons,
      floors,
      agents,
      tokenBudget: tierConfig.token_budget,
      maxOutputTokens: tierConfig.max_output_tokens,
      contextTokens,
      estimatedUsd: agents.reduce((sum, a) => sum + a.estimatedUsd, 0),
    };
  };

  return {
    choose: (diff, risk, forced) => planAt(diff, decide(diff, risk, forced)),
    at: (diff, tier) => planAt(diff, { tier, reasons: [`${tier} shown on request`], floors: [] }),
  };
}

