import type { RiskModel } from '../calibrate/risk-model-file.js';
import type { RiskgateConfig } from '../config/config-schema.js';
import type { GitAttributes } from '../diff/match-git-attributes.js';
import type { Diff } from '../diff/diff-file.js';
import { createTierPlanner } from '../plan/plan-tier.js';
import { TIERS, tierRank, type Tier } from '../plan/tier.js';
import type { UntrustedText } from '../risk/risk-factor.js';
import { createChangeScorer } from '../run/score-change.js';
import { linesAddedRouting } from './lines-added-router.js';

/** Where one commit of the history would have gone. */
export interface CommitRoute {
  tier: Tier;
  /** The tier without the tier floors: the score's band, raised by `always_full`. */
  unflooredTier: Tier;
  /** Every tier floor that held, and its tier. */
  floors: Array<{ factor: string; tier: Tier }>;
  /** The plan's estimate for the tier, in dollars. */
  estimatedUsd: number;
}

export type HistoryRouter = (diff: Diff, text: UntrustedText) => CommitRoute;

/**
 * Routes a change exactly as `riskgate score` and the gate do: the same scorer and planner for
 * the config (and calibrated model, whose diff-only variant applies: no history is given, as in
 * the gate). A second planner without floors tells which floors raised the tier.
 */
export function createHistoryRouter(config: RiskgateConfig, model?: RiskModel, attributes?: GitAttributes): HistoryRouter {
  const scorer = createChangeScorer(config, model, attributes);
  const unfloored = createTierPlanner({ ...config, tiers: { ...config.tiers, floors: {} } });
  return (diff, text) => {
    const result = scorer.scoreDiff(diff, text);
    return {
      tier: result.tier,
      unflooredTier: unfloored.choose(diff, result).tier,
      floors: result.floors.map((f) => ({ factor: f.factor, tier: f.tier })),
      estimatedUsd: result.plan.estimatedUsd,
    };
  };
}

/** A commit's message as the PR text: the first line is the title, the rest the body (as `riskgate score <commit>`). */
export function messageAsText(message: string): UntrustedText {
  const [title = '', ...rest] = message.trim().split('\n');
  const body = rest.join('\n').trim();
  return { ...(title ? { title } : {}), ...(body ? { body } : {}) };
}

export interface RoutedCommit extends CommitRoute {
  linesAdded: number;
  buggy: boolean;
}

export interface TierRow {
  tier: Tier;
  commits: number;
  /** Share of all commits. */
  share: number;
  /** Commits a later fix traced lines to. */
  buggy: number;
  /** Share of all bug-introducing commits that this tier received. */
  buggyShare: number;
  /** Bug-introducing commits a router by lines added would have sent here, sending the same number of commits. */
  laBuggy: number;
  laBuggyShare: number;
  /** Sum of the plans' estimates. */
  estimatedUsd: number;
}

export interface FloorRow {
  factor: string;
  /** The floor's tier in the config. */
  tier: Tier;
  /** Commits the floor held on (whether or not it raised them). */
  holds: number;
  /** Commits it raised above the tier they would have had without floors. */
  raised: number;
  /** Bug-introducing commits among those raised. */
  buggy: number;
}

export interface RoutingReport {
  tiers: TierRow[];
  floors: {
    /** Commits some floor raised. */
    raised: number;
    buggy: number;
    factors: FloorRow[];
  };
  estimatedUsd: number;
}

const ratio = (n: number, of: number) => (of === 0 ? 0 : n / of);

/** Per tier and per floor, how the commits were routed, beside the lines-added router. */
export function tallyRouting(commits: readonly RoutedCommit[], floorSettings: RiskgateConfig['tiers']['floors']): RoutingReport {
  const totalBuggy = commits.filter((c) => c.buggy).length;
  const counts = Object.fromEntries(TIERS.map((t) => [t, 0])) as Record<Tier, number>;
  for (const c of commits) counts[c.tier]++;
  const la = linesAddedRouting(commits, counts);
  const tiers = TIERS.map((tier): TierRow => {
    const here = commits.filter((c) => c.tier === tier);
    const buggy = here.filter((c) => c.buggy).length;
    return {
      tier,
      commits: here.length,
      share: ratio(here.length, commits.length),
      buggy,
      buggyShare: ratio(buggy, totalBuggy),
      laBuggy: la[tier],
      laBuggyShare: ratio(la[tier], totalBuggy),
      estimatedUsd: here.reduce((sum, c) => sum + c.estimatedUsd, 0),
    };
  });
  const factors = new Map<string, FloorRow>();
  for (const [factor, setting] of Object.entries(floorSettings)) {
    if (setting !== 'none') factors.set(factor, { factor, tier: setting.tier, holds: 0, raised: 0, buggy: 0 });
  }
  let raised = 0;
  let raisedBuggy = 0;
  for (const c of commits) {
    if (c.tier !== c.unflooredTier) {
      raised++;
      if (c.buggy) raisedBuggy++;
    }
    for (const floor of c.floors) {
      const row = factors.get(floor.factor) ?? { factor: floor.factor, tier: floor.tier, holds: 0, raised: 0, buggy: 0 };
      factors.set(floor.factor, row);
      row.holds++;
      if (tierRank(floor.tier) > tierRank(c.unflooredTier)) {
        row.raised++;
        if (c.buggy) row.buggy++;
      }
    }
  }
  return {
    tiers,
    floors: { raised, buggy: raisedBuggy, factors: [...factors.values()] },
    estimatedUsd: commits.reduce((sum, c) => sum + c.estimatedUsd, 0),
  };
}
