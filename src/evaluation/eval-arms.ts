import type { RiskgateConfig } from '../config/config-schema.js';
import { TIERS, type ModelClass, type Tier } from '../plan/tier.js';

/**
 * One way of reviewing that `riskgate eval findings` measures: data, so a new arm is one more
 * entry here. Every arm reviews the same commits through the same pipeline (score, plan, pack,
 * agents, anchoring, re-check, quieting); an arm only changes what the pipeline is configured with.
 */
export interface EvalArm {
  name: string;
  /** One line for the report: what the arm does. */
  summary: string;
  /** Every change is reviewed at least at this tier (as `--tier`); absent: the score picks, as deployed. */
  tier?: Tier;
  /**
   * Every agent of every tier, and the strong model's re-check of fast-model blockers, on this
   * class's model; absent: as the config says.
   */
  model?: ModelClass;
  // Context switches (what the models are shown) come here as further optional fields, applied in
  // armConfig or where the change is prepared.
}

export const EVAL_ARMS: readonly EvalArm[] = [
  { name: 'routed', summary: 'as deployed: the score picks the tier, the tier its agents and models' },
  { name: 'fast', summary: 'every change at the full tier (all agents, its token budget and output cap), every call on the fast model', tier: 'full', model: 'fast' },
  { name: 'strong', summary: 'every change at the full tier (all agents, its token budget and output cap), every call on the strong model', tier: 'full', model: 'strong' },
];

export const DEFAULT_ARMS = EVAL_ARMS.map((arm) => arm.name);

/** `--arms a,b`: the arms named, in the registry's order; unknown or repeated names are refused with what is allowed. */
export function pickArms(names: readonly string[]): { arms: EvalArm[] } | { unknown: string[] } {
  const unknown = names.filter((name) => !EVAL_ARMS.some((arm) => arm.name === name));
  if (unknown.length > 0) return { unknown };
  return { arms: EVAL_ARMS.filter((arm) => names.includes(arm.name)) };
}

/** The config an arm's reviews run with: the user's, with the arm's model override applied. */
export function armConfig(config: RiskgateConfig, arm: EvalArm): RiskgateConfig {
  if (!arm.model) return config;
  const model = config.models[arm.model] ?? config.models.strong;
  const tiers = { ...config.tiers };
  for (const tier of TIERS) {
    const agents = Object.fromEntries(Object.keys(tiers[tier].agents).map((agent) => [agent, arm.model]));
    tiers[tier] = { ...tiers[tier], agents };
  }
  // Both classes name the one model, so the re-check of a fast agent's blocker goes there too.
  return { ...config, tiers, models: { ...config.models, fast: model, strong: model } };
}
