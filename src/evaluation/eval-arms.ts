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
  /**
   * The code-structure layer's additions the models are shown (src/code). Absent: none, as every
   * arm was before the layer, so the older arms keep their meaning and each new arm adds one thing.
   */
  context?: { functions: boolean; callers: boolean };
}

export const EVAL_ARMS: readonly EvalArm[] = [
  { name: 'routed', summary: 'as deployed: the score picks the tier, the tier its agents and models' },
  { name: 'fast', summary: 'every change at the full tier (all agents, its token budget and output cap), every call on the fast model', tier: 'full', model: 'fast' },
  { name: 'strong', summary: 'every change at the full tier (all agents, its token budget and output cap), every call on the strong model', tier: 'full', model: 'strong' },
  { name: 'function-context', summary: 'as routed, plus each hunk grown to its enclosing function (a small class whole), read at the commit', context: { functions: true, callers: false } },
  { name: 'callers', summary: 'as routed, plus up to 10 call sites of each changed or removed exported symbol (git grep at the commit)', context: { functions: false, callers: true } },
];

/** What an arm shows beyond the diff: nothing unless it says so. */
export const NO_CODE_CONTEXT = { functions: false, callers: false } as const;
export const armContext = (arm: EvalArm) => arm.context ?? NO_CODE_CONTEXT;

// The default run measures the three routing arms; the context arms are asked for by name.
export const DEFAULT_ARMS = EVAL_ARMS.filter((arm) => arm.context === undefined).map((arm) => arm.name);

/** `--arms a,b`: the arms named, in the registry's order; unknown or repeated names are refused with what is allowed. */
export function pickArms(names: readonly string[]): { arms: EvalArm[] } | { unknown: string[] } {
  const unknown = names.filter((name) => !EVAL_ARMS.some((arm) => arm.name === name));
  if (unknown.length > 0) return { unknown };
  return { arms: EVAL_ARMS.filter((arm) => names.includes(arm.name)) };
}

/** The config an arm's reviews run with: the user's, with the arm's model override applied. */
export function armConfig(config: RiskgateConfig, arm: EvalArm): RiskgateConfig {
  if (!arm.model) return config;
  const model = config.models[arm.model];
  const tiers = { ...config.tiers };
  for (const tier of TIERS) {
    const agents = Object.fromEntries(Object.keys(tiers[tier].agents).map((agent) => [agent, arm.model]));
    tiers[tier] = { ...tiers[tier], agents };
  }
  // Both classes name the one model, so the re-check of a fast agent's blocker goes there too.
  return { ...config, tiers, models: { fast: model, strong: model } };
}
