import pLimit from 'p-limit';
import type { RiskgateConfig } from '../config/config-schema.js';
import { isAuthored, type Diff } from '../diff/diff-file.js';
import type { GitAttributes } from '../diff/match-git-attributes.js';
import type { Finding } from '../findings/finding.js';
import { ZERO_USAGE, type StructuredModel, type Usage } from '../model/model-port.js';
import { addUsage } from '../plan/estimate-cost.js';
import type { Tier } from '../plan/tier.js';
import type { UntrustedText } from '../risk/risk-factor.js';
import { cachedReviewer } from '../run/cached-reviewer.js';
import type { CallLimiter } from '../run/call-limiter.js';
import type { CallRecorder } from '../run/record-call.js';
import type { AgentRun } from '../run/run-agents.js';
import type { RunBudget } from '../run/run-budget.js';
import type { ResultStore, StoredResult } from '../store/result-store.js';
import { scopedResultStore } from '../store/scoped-result-store.js';
import { armConfig, armContext, type EvalArm } from './eval-arms.js';
import type { EnclosingCode } from '../context/enclosing-code.js';
import type { CodeContext } from '../code/gather-code-context.js';
import type { ContextBlock } from '../run/pack-context.js';
import type { ReviewInput } from '../run/review-change.js';

/** One sampled commit, read at itself: its diff against its parent, its own message as the PR text. */
export interface EvalChange {
  sha: string;
  kind: 'introducer' | 'clean';
  diffText: string;
  text: UntrustedText;
  /** The root .gitattributes at the commit's parent, as a gate on that change reads the base's. */
  attributes: GitAttributes;
  /** Context gathered for the change (guidelines at the parent); each arm shows what its config asks for. */
  context?: ContextBlock[];
  /** The code-structure layer at the commit, when an arm shows code context. */
  code?: CodeContext;
  /** The code around a finding at the commit, for verification. */
  enclosing?: EnclosingCode;
}

/** The context blocks an arm shows for a change: what its config turns on, of what was gathered. */
export function armInputContext(config: RiskgateConfig, change: Pick<EvalChange, 'context' | 'code'>): Pick<ReviewInput, 'context' | 'unavailable'> {
  const context = armContext(config, [...(change.context ?? []), ...(change.code?.blocks ?? [])]);
  const unavailable = armContext(config, change.code?.unavailable ?? []);
  return { ...(context.length > 0 ? { context } : {}), ...(unavailable.length > 0 ? { unavailable } : {}) };
}

/** What one arm made of one commit. */
export interface ArmReview {
  arm: string;
  sha: string;
  /** `reviewed`: every call the plan made was allowed; `budget_limited`: a budget refused one, so findings are partial; `not_run`: the eval stopped first. */
  status: 'reviewed' | 'budget_limited' | 'not_run';
  tier?: Tier;
  findings: Finding[];
  /** Tokens of every answer the review used: sent now, or kept in the store from an earlier run. */
  usage: Usage;
  /** Dollars of those answers, whenever they were paid. */
  costUsd: number;
  /** Dollars paid by this run. */
  spentUsd: number;
  /** Calls sent by this run, and answers taken from the store instead. */
  calls: number;
  reused: number;
  agentsFailed: number;
  agentsBudgetLimited: number;
  /** Why agents failed or were refused, one line each. */
  problems: string[];
  /** What went wrong around the review without stopping it (a result-cache write that failed: that answer would be paid again). */
  warnings: string[];
}

export interface EvalReviewProgress {
  /** Reviews run (in full or cut short by a budget), of all there are. */
  done: number;
  total: number;
  byArm: Record<string, { done: number; total: number }>;
  spentUsd: number;
  reused: number;
  elapsedMs: number;
  /** Set once the eval's budget refused a call: no further review starts. */
  stopped: boolean;
  last: ArmReview;
}

export interface EvalReviewOptions {
  changes: readonly EvalChange[];
  arms: readonly EvalArm[];
  config: RiskgateConfig;
  model: StructuredModel;
  /** The result store; each (arm, commit) sees its own scope of it, under `scope` (the repository). */
  store: ResultStore;
  scope: string;
  limiter: CallLimiter;
  /** `--max-usd` over every call of every arm. */
  budget: RunBudget;
  /** The spend ledger for one arm's review of one commit. */
  recorder?: (arm: EvalArm, sha: string) => CallRecorder;
  /** Reviews in flight at once. */
  concurrency: number;
  progress?: (progress: EvalReviewProgress) => void;
}

const FAILED_OUTCOMES: ReadonlySet<AgentRun['outcome']> = new Set(['failed', 'timed_out', 'unreviewable']);


/** Every answer an arm's commit keeps under its own key: arms and commits never answer from each other's store. */
export function evalResultScope(scope: string, arm: EvalArm, sha: string): string {
  return JSON.stringify(['eval findings', scope, arm.name, arm.tier ?? null, arm.model ?? null, sha]);
}

/** A store that remembers the answers it gave: what a review took from an earlier run, and what they had cost. */
function watched(store: ResultStore): { store: ResultStore; hits: StoredResult[] } {
  const hits: StoredResult[] = [];
  return {
    hits,
    store: {
      get: async (key) => {
        const found = await store.get(key);
        if (found) hits.push(found);
        return found;
      },
      put: (key, result) => store.put(key, result),
    },
  };
}

/** Added lines of the files a model could be shown (authored, not binary), by path: where a random finding may land. */
export function addedLinesOf(diff: Diff): Record<string, number[]> {
  const added: Record<string, number[]> = {};
  for (const file of diff.files) {
    if (file.binary || !isAuthored(file.kind)) continue;
    const lines = file.hunks.flatMap((h) => h.lines.filter((l) => l.type === 'add' && l.newLine !== undefined).map((l) => l.newLine!));
    if (lines.length > 0) added[file.path] = lines;
  }
  return added;
}

const notRun = (arm: EvalArm, sha: string): ArmReview => ({
  arm: arm.name,
  sha,
  status: 'not_run',
  findings: [],
  usage: ZERO_USAGE,
  costUsd: 0,
  spentUsd: 0,
  calls: 0,
  reused: 0,
  agentsFailed: 0,
  agentsBudgetLimited: 0,
  problems: [],
  warnings: [],
});

/**
 * Reviews every change under every arm, commit by commit (the arms of one commit side by side),
 * so that a budget that runs out leaves the arms with the same commits done. Each review is the
 * gate's own pipeline (`reviewPrepared`) with the arm's config; each call is reserved in the
 * run's budget and in `budget`, and once `budget` refuses one, no further review starts.
 */
export async function reviewEvalCommits(options: EvalReviewOptions): Promise<ArmReview[]> {
  const started = performance.now();
  const limit = pLimit(options.concurrency);
  const total = options.changes.length * options.arms.length;
  const byArm = Object.fromEntries(options.arms.map((arm) => [arm.name, { done: 0, total: options.changes.length }]));
  let done = 0;
  let reused = 0;
  let spentUsd = 0;

  const reviewOne = async (change: EvalChange, arm: EvalArm): Promise<ArmReview> => {
    if (options.budget.limited) return notRun(arm, change.sha);
    const config = armConfig(options.config, arm);
    const reviewer = cachedReviewer(config, undefined, change.attributes);
    const diff = reviewer.parse(change.diffText);
    const prepared = reviewer.prepareChange({ diff, text: change.text, ...(arm.tier ? { forced: arm.tier } : {}), ...armInputContext(config, change) });
    const answers = watched(scopedResultStore(options.store, evalResultScope(options.scope, arm, change.sha)));
    const report = await reviewer.reviewPrepared(prepared, undefined, {
      model: options.model,
      store: answers.store,
      limiter: options.limiter,
      outerBudget: options.budget,
      ...(change.enclosing ? { enclosing: change.enclosing } : {}),
      ...(options.recorder ? { recordCall: options.recorder(arm, change.sha) } : {}),
    });
    const runs = [...report.agents, ...(report.verification.run ? [report.verification.run] : [])].filter((r) => r.outcome !== 'skipped');
    const fromStore = answers.hits.reduce((sum, hit) => addUsage(sum, hit.usage), ZERO_USAGE);
    return {
      arm: arm.name,
      sha: change.sha,
      status: report.budgetLimited ? 'budget_limited' : 'reviewed',
      tier: report.tier,
      findings: report.findings,
      usage: addUsage(report.usage, fromStore),
      costUsd: report.usd + answers.hits.reduce((sum, hit) => sum + hit.usd, 0),
      spentUsd: report.usd,
      calls: runs.filter((r) => !r.fromCache && r.outcome !== 'budget_limited').length,
      reused: answers.hits.length,
      agentsFailed: runs.filter((r) => FAILED_OUTCOMES.has(r.outcome)).length,
      agentsBudgetLimited: runs.filter((r) => r.outcome === 'budget_limited').length,
      problems: runs.filter((r) => r.outcome !== 'ok').map((r) => `${r.agent}: ${r.outcome}${r.reason ? `: ${r.reason}` : ''}`),
      warnings: report.warnings,
    };
  };

  const tasks = options.changes.flatMap((change) =>
    options.arms.map((arm) =>
      limit(async () => {
        const review = await reviewOne(change, arm);
        // Reviews the stop left undone are told once, by the caller, not one by one.
        if (review.status === 'not_run') return review;
        done++;
        byArm[arm.name]!.done++;
        reused += review.reused;
        spentUsd += review.spentUsd;
        options.progress?.({ done, total, byArm, spentUsd, reused, elapsedMs: performance.now() - started, stopped: options.budget.limited, last: review });
        return review;
      }),
    ),
  );
  return Promise.all(tasks);
}
