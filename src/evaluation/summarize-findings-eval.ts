import { ZERO_USAGE, type Usage } from '../model/model-port.js';
import { addUsage, cacheHitRatio, usageTokens } from '../plan/estimate-cost.js';
import { TIERS, type Tier } from '../plan/tier.js';
import type { EvalArm } from './eval-arms.js';
import { comparePaired, type PairedComparison } from './paired-comparison.js';
import type { ArmReview } from './review-eval-commits.js';
import { HEADLINE_WINDOW, scoreFindings, type FindingScores, type LinesByPath, type ReviewedCommit } from './score-findings.js';

// The report of `riskgate eval findings`: per arm, the scores over the commits it reviewed in
// full, what that cost, and each pair of arms compared on the introducers both reviewed. Pure.

/** Said with every table: what the figures cannot tell. */
export const FINDINGS_EVAL_CAVEATS = [
  'SZZ labels are noisy: a "fix" may change lines that were not the bug, and some bugs are fixed without a fix message, so some target lines are not bugs and some clean commits are not clean.',
  'Bugs of omission (a missing check, a missing case) have no target line: a fix that only adds code changes no line of the commit that caused it, so SZZ cannot trace such bugs, they are not in the sample, and recall says nothing about them.',
  'The models may have seen this public history, its fixes included, in training: on a public repository recall may be higher than on code they never saw.',
];

export interface SampledCommit {
  sha: string;
  kind: 'introducer' | 'clean';
  targetLines?: LinesByPath;
  addedLines: LinesByPath;
}

/** One arm's figures: the findings' scores (FindingScores: recall, random baseline, hit share, noise) and what the arm cost. */
export interface ArmSummary extends Omit<FindingScores, 'hits'> {
  name: string;
  summary: string;
  /** Sampled commits reviewed in full by this arm; `sampled` were drawn. */
  commits: number;
  sampled: number;
  /** What the answers of its full reviews cost, whenever paid; and per commit. */
  costUsd: number;
  usdPerCommit: number | null;
  /** Prompt and output tokens of those answers, per commit. */
  tokensPerCommit: number | null;
  usage: Usage;
  /** Cache-read share of the prompt tokens of those answers. */
  cacheHitRatio: number;
  /** Dollars this run paid for the arm (partial reviews included). */
  spentUsd: number;
  calls: number;
  reusedAnswers: number;
  agentsFailed: number;
  agentsBudgetLimited: number;
  /** Some sampled commit was not reviewed in full because a budget refused a call or the eval stopped. */
  budgetLimited: boolean;
  /** Commits left partial or not run, by why. */
  partial: number;
  notRun: number;
  /** The tier each full review ran at. */
  tiers: Record<Tier, number>;
}

export interface PairSummary extends PairedComparison {
  a: string;
  b: string;
  /** The window the hits are counted at. */
  k: number;
}

export interface FindingsEvalSummary {
  arms: ArmSummary[];
  pairs: PairSummary[];
  spentUsd: number;
  /** `max-usd`: the eval's budget refused a call, and reviews were left undone. */
  stoppedBy: 'max-usd' | null;
  caveats: string[];
}


/** The scores, costs and paired comparisons of the reviews; `stopped`: the eval's budget ran out. */
export function summarizeFindingsEval(sample: readonly SampledCommit[], arms: readonly EvalArm[], reviews: readonly ArmReview[], seed: number, stopped: boolean): FindingsEvalSummary {
  const bySha = new Map(sample.map((c) => [c.sha, c]));
  const scored = new Map<string, ReturnType<typeof scoreFindings>>();
  const summaries = arms.map((arm): ArmSummary => {
    const mine = reviews.filter((r) => r.arm === arm.name);
    const full = mine.filter((r) => r.status === 'reviewed');
    const commits: ReviewedCommit[] = full.map((r) => {
      const c = bySha.get(r.sha)!;
      return { sha: c.sha, kind: c.kind, ...(c.targetLines ? { targetLines: c.targetLines } : {}), addedLines: c.addedLines, findings: r.findings };
    });
    const scores = scoreFindings(commits);
    scored.set(arm.name, scores);
    const usage = full.reduce((sum, r) => addUsage(sum, r.usage), ZERO_USAGE);
    const costUsd = full.reduce((sum, r) => sum + r.costUsd, 0);
    const tiers = Object.fromEntries(TIERS.map((t) => [t, 0])) as Record<Tier, number>;
    for (const r of full) if (r.tier) tiers[r.tier]++;
    const { hits: _hits, ...figures } = scores;
    return {
      name: arm.name,
      summary: arm.summary,
      commits: full.length,
      sampled: sample.length,
      ...figures,
      costUsd,
      usdPerCommit: full.length === 0 ? null : costUsd / full.length,
      tokensPerCommit: full.length === 0 ? null : usageTokens(usage) / full.length,
      usage,
      cacheHitRatio: cacheHitRatio(usage),
      spentUsd: mine.reduce((sum, r) => sum + r.spentUsd, 0),
      calls: mine.reduce((n, r) => n + r.calls, 0),
      reusedAnswers: mine.reduce((n, r) => n + r.reused, 0),
      agentsFailed: mine.reduce((n, r) => n + r.agentsFailed, 0),
      agentsBudgetLimited: mine.reduce((n, r) => n + r.agentsBudgetLimited, 0),
      budgetLimited: full.length < sample.length,
      partial: mine.filter((r) => r.status === 'budget_limited').length,
      notRun: mine.filter((r) => r.status === 'not_run').length,
      tiers,
    };
  });

  const key = `k${HEADLINE_WINDOW}` as const;
  const pairs: PairSummary[] = [];
  arms.forEach((a, i) => {
    for (const b of arms.slice(i + 1)) {
      const hitsB = new Map(scored.get(b.name)!.hits.map((h) => [h.sha, h[key]]));
      const outcomes = scored
        .get(a.name)!
        .hits.filter((h) => hitsB.has(h.sha))
        .map((h) => [h[key], hitsB.get(h.sha)!] as const);
      pairs.push({ a: a.name, b: b.name, k: HEADLINE_WINDOW, ...comparePaired(outcomes, seed) });
    }
  });

  return {
    arms: summaries,
    pairs,
    spentUsd: reviews.reduce((sum, r) => sum + r.spentUsd, 0),
    stoppedBy: stopped ? 'max-usd' : null,
    caveats: [...FINDINGS_EVAL_CAVEATS],
  };
}
