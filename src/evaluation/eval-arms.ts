import type { RiskgateConfig } from '../config/config-schema.js';
import type { ContextBlock } from '../run/pack-context.js';
import { TIERS, type ModelClass, type Tier } from '../plan/tier.js';

/**
 * One way of reviewing that `riskgate eval findings` measures: data, so a new arm is one more
 * entry here. Every arm reviews the same commits through the same pipeline (score, plan, pack,
 * agents, anchoring, verification, quieting); an arm only changes what the pipeline is configured with.
 */
export interface EvalArm {
  name: string;
  /** One line for the report: what the arm does. */
  summary: string;
  /** Every change is reviewed at least at this tier (as `--tier`); absent: the score picks, as deployed. */
  tier?: Tier;
  /**
   * Every agent of every tier, and the strong model's verification, on this
   * class's model; absent: as the config says.
   */
  model?: ModelClass;
  /**
   * What the arm changes in the config besides the model: context shown, verification. The
   * context a change gathered is then filtered by that config (armContext).
   */
  configure?: (config: RiskgateConfig) => RiskgateConfig;
  /** Not run unless `--arms` names it (the additions of issue 16, measured one at a time). */
  optIn?: boolean;
}

// The additions measured one at a time: each arm is the routed review with one addition and
// none of the others, so that its effect is its own.
type Addition = 'guidelines' | 'functions' | 'callers' | 'verify';
const withAdditions = (config: RiskgateConfig, on: Partial<Record<Addition, true>>): RiskgateConfig => ({
  ...config,
  review: { ...config.review, guidelines: on.guidelines === true, context: { functions: on.functions === true, callers: on.callers === true } },
  findings: { ...config.findings, verify: on.verify ? 'all' : 'off' },
});

export const EVAL_ARMS: readonly EvalArm[] = [
  { name: 'routed', summary: 'as deployed: the score picks the tier, the tier its agents and models' },
  { name: 'fast', summary: 'every change at the full tier (all agents, its token budget and output cap), every call on the fast model', tier: 'full', model: 'fast' },
  { name: 'strong', summary: 'every change at the full tier (all agents, its token budget and output cap), every call on the strong model', tier: 'full', model: 'strong' },
  { name: 'bare', summary: 'as routed, with no added context and no verification: the baseline of the arms below', optIn: true, configure: (c) => withAdditions(c, {}) },
  { name: 'guidelines', summary: "as routed, with the repository's review guidelines read at the parent, and nothing else added", optIn: true, configure: (c) => withAdditions(c, { guidelines: true }) },
  { name: 'function-context', summary: 'as routed, with each hunk grown to its enclosing function (a small class whole) read at the commit, and nothing else added', optIn: true, configure: (c) => withAdditions(c, { functions: true }) },
  { name: 'callers', summary: 'as routed, with up to 10 call sites of each changed or removed exported symbol (git grep at the commit), and nothing else added', optIn: true, configure: (c) => withAdditions(c, { callers: true }) },
  { name: 'verification', summary: 'as routed, every blocker and warning verified by the strong model with the code around it, and nothing else added', optIn: true, configure: (c) => withAdditions(c, { verify: true }) },
];

/** What `--arms` runs when not given: the arms that are not opt-in. */
export const DEFAULT_ARMS = EVAL_ARMS.filter((arm) => !arm.optIn).map((arm) => arm.name);

/** `--arms a,b`: the arms named, in the registry's order; unknown or repeated names are refused with what is allowed. */
export function pickArms(names: readonly string[]): { arms: EvalArm[] } | { unknown: string[] } {
  const unknown = names.filter((name) => !EVAL_ARMS.some((arm) => arm.name === name));
  if (unknown.length > 0) return { unknown };
  return { arms: EVAL_ARMS.filter((arm) => names.includes(arm.name)) };
}

/** The config an arm's reviews run with: the user's, with the arm's changes and model override applied. */
export function armConfig(user: RiskgateConfig, arm: EvalArm): RiskgateConfig {
  const config = arm.configure ? arm.configure(user) : user;
  if (!arm.model) return config;
  const model = config.models[arm.model] ?? config.models.strong;
  const tiers = { ...config.tiers };
  for (const tier of TIERS) {
    const agents = Object.fromEntries(Object.keys(tiers[tier].agents).map((agent) => [agent, arm.model]));
    tiers[tier] = { ...tiers[tier], agents };
  }
  // Both classes name the one model, so the verification goes there too.
  return { ...config, tiers, models: { ...config.models, fast: model, strong: model } };
}

/** The context a change gathered, as far as an arm's config shows it (one line per kind of context). */
export function armContext<T extends Pick<ContextBlock, 'kind'>>(config: RiskgateConfig, blocks: readonly T[]): T[] {
  return blocks.filter((block) => {
    if (block.kind === 'guidelines') return config.review.guidelines;
    if (block.kind === 'function') return config.review.context.functions;
    if (block.kind === 'callers') return config.review.context.callers;
    return true;
  });
}

/** The code context an arm's config asks for, so a change is read once for every arm. */
export function codeContextWanted(config: RiskgateConfig, arms: readonly EvalArm[]): { functions: boolean; callers: boolean } {
  const configs = arms.map((arm) => armConfig(config, arm));
  return { functions: configs.some((c) => c.review.context.functions), callers: configs.some((c) => c.review.context.callers) };
}
