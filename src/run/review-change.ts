import { randomBytes } from 'node:crypto';
import { AGENT_REGISTRY } from '../agents/agent-registry.js';
import type { AgentBrief } from '../agents/agent.js';
import { buildCachedPrefix } from '../agents/build-prompt.js';
import { detectPromptInjection } from '../agents/detect-prompt-injection.js';
import { fence } from '../agents/fence-untrusted.js';
import type { RiskModel } from '../calibrate/risk-model-file.js';
import type { RiskgateConfig } from '../config/config-schema.js';
import type { Diff } from '../diff/diff-file.js';
import type { GitAttributes } from '../diff/match-git-attributes.js';
import { anchorFindings } from '../findings/anchor-findings.js';
import { modelFindingsSchema, PULL_REQUEST_TEXT, type Finding } from '../findings/finding.js';
import { quietFindings } from '../findings/quiet-findings.js';
import { ZERO_USAGE, type StructuredModel, type Usage } from '../model/model-port.js';
import { cacheHitRatio, callCostUsd, tokensForChars } from '../plan/estimate-cost.js';
import { costAgents, EXPECTED_OUTPUT_SHARE, type Plan } from '../plan/plan-tier.js';
import { modelPrices } from '../plan/model-prices.js';
import { AGENTS, TIERS, tierRank, type AgentName, type Tier } from '../plan/tier.js';
import { compileGlobs } from '../risk/match-paths.js';
import { visibleExcerpt } from '../risk/factors/dangerous-patterns.js';
import type { UntrustedText } from '../risk/risk-factor.js';
import type { ResultStore } from '../store/result-store.js';
import type { CallLimiter } from './call-limiter.js';
import type { CallRecorder } from './record-call.js';
import type { StructureSummary } from '../code/structure-summary.js';
import { packContext, type ContextBlock, type LeftOutContext, type PackedContext } from './pack-context.js';
import { MAX_VERIFY_CODE_CHARS, NO_VERIFICATION, verifyFindings, type VerificationResult } from './verify-findings.js';
import type { EnclosingCode } from '../context/enclosing-code.js';
import { packFiles, rankFiles, type NotReviewed, type PackedFiles, type RankedFiles } from './pack-files.js';
import { resultKeyOf, type KeyedRequest } from './result-key.js';
import { runAgents, type AgentJob, type AgentRun } from './run-agents.js';
import { RunBudget } from './run-budget.js';
import { notifyProgress, type ProgressListener } from './review-progress.js';
import { createChangeScorer, type ChangeScorer, type ScoreResult } from './score-change.js';

export interface ReviewInput {
  diff: Diff;
  text?: UntrustedText;
  /** A tier asked for by a maintainer or `--tier`: raises, never lowers. */
  forced?: Tier;
  /**
   * The highest tier the budgets allow, and why: the operator's limit, the one thing that lowers
   * a tier. `none`: not even the lowest tier fits, so no agent runs and the run is budget-limited.
   */
  ceiling?: { tier: Tier | 'none'; reason: string };
  /**
   * Targeted context the adapters gathered for this change (enclosing functions, callers,
   * guidelines read at the base, open blockers): packed into what the files leave of the tier's
   * budget, dropped before any file is, and listed in the prompt when left out.
   */
  context?: readonly ContextBlock[];
  /** Context the adapter could not look up (callers without a clone): listed in the prompt as left out. */
  unavailable?: readonly LeftOutContext[];
  /** The code-structure layer's summary of the change, for the `structure` risk factors (no I/O in scoring). */
  structure?: StructureSummary;
}

/** The most a run at each tier may cost (every call at its output cap), highest tier first. */
export interface WorstCase {
  wanted: Tier;
  byTier: Array<{ tier: Tier; usd: number }>;
}

/** What the models will be shown and what it should cost, before any call: `--dry-run`. */
export interface ReviewPreparation {
  score: ScoreResult;
  plan: Plan;
  packed: PackedFiles;
  context: PackedContext;
  /** Tokens of the cached prefix every agent is sent. */
  prefixTokens: number;
  injection: { attempted: boolean; findings: Finding[] };
}

/** What a run's models are shown at one tier: its plan, the files packed, the cached prefix. */
export interface TierView {
  plan: Plan;
  packed: PackedFiles;
  /** The context blocks shown beside the files, and those left out. */
  context: PackedContext;
  prefix: string[];
}

/**
 * Everything a run needs before any model call, computed from the change alone: the CPU-heavy part
 * of a gate (diff, riskgate's own checks, the score, packing per tier). Plain data, so a worker
 * thread can compute it and hand it over; the budget and the calls come after.
 */
export interface PreparedChange {
  diff: Diff;
  text?: UntrustedText;
  /** The run's fence boundary: the prefixes below are fenced with it. */
  boundary: string;
  injection: { attempted: boolean; findings: Finding[] };
  /** The score and the plan the change's risk calls for (forced tier and injection applied), before any budget. */
  score: ScoreResult;
  /** Per tier up to the wanted one (a budget may lower the tier), and full (a model that reports an injection sends the run there). */
  views: Partial<Record<Tier, TierView>>;
  worstCase: WorstCase;
}

export interface ReviewReport {
  score: ScoreResult;
  tier: Tier;
  tierReasons: string[];
  /** One entry per agent riskgate knows, `skipped` when the tier does not call for it. */
  agents: AgentRun[];
  /** The strong model's verification of the findings that could block or warn, when there was one. */
  verification: Omit<VerificationResult, 'findings'>;
  /** What the gate reports: anchored, verified, quieted, deduplicated. */
  findings: Finding[];
  dropped: {
    unknownFile: number;
    outsideChanges: number;
    belowConfidence: number;
    overCap: number;
    duplicates: number;
    rejectedOnCheck: number;
  };
  notReviewed: NotReviewed[];
  injectionAttempted: boolean;
  /** A call was refused by the run's budget: findings are partial. */
  budgetLimited: boolean;
  /** The operator's budgets lowered the tier; why. The verdict cannot be a pass. */
  budgetLowered?: string;
  usage: Usage;
  usd: number;
  /** Dollars the result cache saved this run. */
  savedUsd: number;
  /** Cache-read share of the prompt tokens sent this run (0 when nothing was sent). */
  cacheHitRatio: number;
  warnings: string[];
  wallMs: number;
}

export interface ReviewDependencies {
  model: StructuredModel;
  store: ResultStore;
  limiter: CallLimiter;
  signal?: AbortSignal;
  /** How long agents wait for the first call to write the shared prefix (default 20 s). */
  maxWaitForWriterMs?: number;
  /** Every call and cache hit, for the spend ledger. */
  recordCall?: CallRecorder;
  /** Lowers `run.max_usd` for this run: what the budget hold set aside. */
  maxUsd?: number;
  /** A budget over many runs (an eval's `--max-usd`): every call is reserved in it too. */
  outerBudget?: RunBudget;
  /** The code around a finding at the head, for its verification (git in the CLI, the contents API in the App). */
  enclosing?: EnclosingCode;
  /** Told the score and plan at once, then each agent's start and outcome as they happen. */
  onProgress?: ProgressListener;
}

export interface Reviewer {
  parse(diffText: string): Diff;
  fromPullFiles: ChangeScorer['fromPullFiles'];
  prepare(input: ReviewInput): ReviewPreparation;
  /** What a run could cost at the tier it calls for and each tier below: what budgets are checked against. */
  worstCase(input: ReviewInput): WorstCase;
  /** The CPU-heavy part of a run, with no call and no I/O: what the App computes on a worker thread. */
  prepareChange(input: Omit<ReviewInput, 'ceiling'>, boundary?: string): PreparedChange;
  review(input: ReviewInput, deps: ReviewDependencies): Promise<ReviewReport>;
  /** `review` on a change prepared already, under the budget's ceiling when there is one. */
  reviewPrepared(prepared: PreparedChange, ceiling: ReviewInput['ceiling'], deps: ReviewDependencies): Promise<ReviewReport>;
  /**
   * The report without any model call: the score, the tier and riskgate's own checks, with each
   * agent the tier calls for marked `unavailable` and why (no key, a fork PR without secrets).
   */
  assess(input: ReviewInput, unavailableBecause: string): ReviewReport;
  assessPrepared(prepared: PreparedChange, ceiling: ReviewInput['ceiling'], unavailableBecause: string): ReviewReport;
}

const addUsage = (a: Usage, b: Usage): Usage => ({
  inputTokens: a.inputTokens + b.inputTokens,
  outputTokens: a.outputTokens + b.outputTokens,
  cacheWrite5mTokens: a.cacheWrite5mTokens + b.cacheWrite5mTokens,
  cacheWrite1hTokens: a.cacheWrite1hTokens + b.cacheWrite1hTokens,
  cacheReadTokens: a.cacheReadTokens + b.cacheReadTokens,
});

// The list of files not shown: its heading and fence, then per file "- path: reason" (the longest
// reason, "combined-merge-diff", and the punctuation fit in this many characters besides the path).
const FILE_LIST_FRAME_CHARS = 200;
const NOT_SHOWN_LINE_CHARS = 24;
// The list of context left out (heading and fence), and per block its kind's heading; each kind
// of context shown takes a heading, a note and a fence.
const CONTEXT_LIST_FRAME_CHARS = 200;
const CONTEXT_HEADING_CHARS = 60;
const CONTEXT_SECTION_CHARS = 400;

const skippedRun = (agent: AgentName, tier: Tier): AgentRun => ({
  agent,
  outcome: 'skipped',
  reason: `the ${tier} tier does not run the ${agent} agent`,
  fromCache: false,
  savedUsd: 0,
  usage: ZERO_USAGE,
  usd: 0,
  latencyMs: 0,
  retries: 0,
  findings: [],
});

const NO_DROPS: ReviewReport['dropped'] = { unknownFile: 0, outsideChanges: 0, belowConfidence: 0, overCap: 0, duplicates: 0, rejectedOnCheck: 0 };

/**
 * The full pipeline for one config: score, plan, pack, run the agents, check and quiet the findings.
 * `model`: a calibrated risk model (`.github/riskgate-model.json`) that scores in place of the default weights.
 * `attributes`: the base branch's .gitattributes (which files are vendored or generated).
 */
export function createReviewer(config: RiskgateConfig, model?: RiskModel, attributes?: GitAttributes): Reviewer {
  const scorer = createChangeScorer(config, model, attributes);
  const sensitive = compileGlobs(Object.values(config.risk.sensitive_paths).flat());
  const prices = modelPrices(config);

  const packAndPrefix = (text: UntrustedText | undefined, diff: Diff, ranked: RankedFiles, score: ScoreResult, plan: Plan, boundary: string, blocks: readonly ContextBlock[], unavailable: readonly LeftOutContext[]) => {
    const fenceRun = (label: string, body: string) => fence(label, body, boundary);
    const context = { ...(text ? { text } : {}), score: score.score, tier: plan.tier, fence: fenceRun, minConfidence: config.findings.min_confidence, exclude: config.findings.exclude };
    // The diff gets what the rest of the prefix leaves of the tier's budget: the instructions, the
    // PR text (a description can run to 65,536 characters) and, at most, every path listed as not
    // shown and every context block listed as left out.
    const frameChars = buildCachedPrefix({ ...context, files: [], notReviewed: [] }).join('').length + FILE_LIST_FRAME_CHARS;
    const listChars = diff.files.reduce((n, f) => n + f.path.length + NOT_SHOWN_LINE_CHARS, 0);
    const listed = [...blocks, ...unavailable];
    const leftOutChars = listed.length > 0 ? CONTEXT_LIST_FRAME_CHARS + listed.reduce((n, b) => n + b.label.length + NOT_SHOWN_LINE_CHARS + CONTEXT_HEADING_CHARS, 0) : 0;
    const diffBudget = Math.max(0, plan.tokenBudget - tokensForChars(frameChars + listChars + leftOutChars));
    // Files first: context goes in what they leave, so it is dropped before any file is.
    const packed = packFiles(ranked, diffBudget);
    const kinds = new Set(blocks.map((b) => b.kind)).size;
    const contextBudget = Math.max(0, diffBudget - packed.tokens - tokensForChars(kinds * CONTEXT_SECTION_CHARS));
    const fitted = packContext(blocks, contextBudget);
    // What the adapter could not look up (the App has no clone to grep for callers) is listed with what did not fit.
    const packedContext: PackedContext = { ...fitted, leftOut: [...fitted.leftOut, ...unavailable] };
    const prefix = buildCachedPrefix({ ...context, files: packed.files, notReviewed: packed.notReviewed, context: packedContext.blocks, leftOut: packedContext.leftOut });
    return { packed, context: packedContext, prefix };
  };

  const prepareChange = (input: Omit<ReviewInput, 'ceiling'>, boundary: string = randomBytes(8).toString('hex')): PreparedChange => {
    const { diff, text } = input;
    const blocks = input.context ?? [];
    const unavailable = input.unavailable ?? [];
    const injection = detectPromptInjection(diff, text);
    // A detected attempt sends the change to the full tier: content can raise a tier, never lower it.
    let score = scorer.scoreDiff(diff, text, injection.attempted ? 'full' : input.forced, undefined, input.structure);
    if (injection.attempted) {
      score = { ...score, plan: { ...score.plan, reasons: [...score.plan.reasons, 'content addressed to the reviewing model was found (prompt injection)'] } };
    }
    const wanted = score.plan.tier;
    // Rendered and ranked once; each tier's view packs from it to its own budget.
    const ranked = rankFiles(diff, score.factors, sensitive);
    const views: Partial<Record<Tier, TierView>> = {};
    const byTier: WorstCase['byTier'] = [];
    for (const tier of TIERS.slice(0, tierRank(wanted) + 1).reverse()) {
      const plan = tier === wanted ? score.plan : scorer.planAt(diff, tier);
      const view = { plan, ...packAndPrefix(text, diff, ranked, score, plan, boundary, blocks, unavailable) };
      views[tier] = view;
      // The most the run may cost at this tier: every call at its output cap.
      const prefixTokens = tokensForChars(view.prefix.join('').length);
      const agents = costAgents(plan.agents, prefixTokens, plan.maxOutputTokens, prices);
      // The findings that could block or warn are verified by the strong model on the same prefix,
      // with the code around them: one more call.
      const verify = config.findings.verify !== 'off'
        ? callCostUsd(prices[config.models.strong]!, { input: tokensForChars(MAX_VERIFY_CODE_CHARS), cacheWrite: prefixTokens, cacheRead: 0, output: plan.maxOutputTokens })
        : 0;
      byTier.push({ tier, usd: agents.reduce((sum, a) => sum + a.estimatedUsd, 0) + verify });
    }
    if (!views.full) {
      // Raised to full as a forced tier raises it: the score's reasons stand, the raise is added.
      const plan = { ...scorer.planAt(diff, 'full'), reasons: [...score.plan.reasons, 'forced to full'] };
      views.full = { plan, ...packAndPrefix(text, diff, ranked, score, plan, boundary, blocks, unavailable) };
    }
    return { diff, ...(text ? { text } : {}), boundary, injection, score, views, worstCase: { wanted, byTier } };
  };

  /** The score and view a run uses: the wanted tier, or the budget's lower ceiling, saying why. */
  const underCeiling = (prepared: PreparedChange, ceiling: ReviewInput['ceiling']): { score: ScoreResult; view: TierView } => {
    const score = prepared.score;
    const view = prepared.views[score.plan.tier]!;
    if (!ceiling || ceiling.tier === 'none' || tierRank(ceiling.tier) >= tierRank(score.plan.tier)) return { score, view };
    const lowered = prepared.views[ceiling.tier]!;
    const plan = { ...lowered.plan, reasons: [...score.plan.reasons, `lowered from ${score.plan.tier} to ${ceiling.tier}: ${ceiling.reason}`] };
    return { score: { ...score, plan }, view: { ...lowered, plan } };
  };

  const worstCase = (input: ReviewInput): WorstCase => prepareChange(input, 'x'.repeat(16)).worstCase;

  const prepare = (input: ReviewInput): ReviewPreparation => {
    const prepared = prepareChange(input);
    const { score, view } = underCeiling(prepared, input.ceiling);
    // The estimate from the prompt that would really be sent, not from the diff's raw size.
    const prefixTokens = tokensForChars(view.prefix.join('').length);
    const agents = costAgents(view.plan.agents, prefixTokens, Math.ceil(view.plan.maxOutputTokens * EXPECTED_OUTPUT_SHARE), prices);
    const plan: Plan = { ...view.plan, agents, contextTokens: prefixTokens, estimatedUsd: agents.reduce((sum, a) => sum + a.estimatedUsd, 0) };
    return { score, plan, packed: view.packed, context: view.context, prefixTokens, injection: prepared.injection };
  };

  const reviewPrepared = async (prepared: PreparedChange, ceiling: ReviewInput['ceiling'], deps: ReviewDependencies): Promise<ReviewReport> => {
    const started = performance.now();
    const input = { diff: prepared.diff, ...(prepared.text ? { text: prepared.text } : {}), ceiling };
    const fenceRun = (label: string, text: string) => fence(label, text, prepared.boundary);
    const warnings: string[] = [];
    if (ceiling?.tier === 'none') return withoutAgents(prepared, undefined, 'budget_limited', ceiling.reason, started);
    const budget = new RunBudget({ maxUsd: Math.min(config.run.max_usd, deps.maxUsd ?? Infinity), maxTokens: config.run.max_tokens }, deps.outerBudget);
    const { injection } = prepared;
    const chosen = underCeiling(prepared, ceiling);
    let score = chosen.score;
    let { packed, prefix } = chosen.view;
    let plan = score.plan;
    const deterministic = [...injection.findings];

    // A cached answer is reused only for the same request, the run's fence boundary aside.
    const resultKey = (request: KeyedRequest) => resultKeyOf(request, prepared.boundary);

    const runPlan = async (current: Plan, prefixBlocks: readonly string[]) => {
      const brief: AgentBrief = { factors: score.factors, fence: fenceRun };
      const jobs: AgentJob[] = current.agents.map((planned) => {
        const agent = AGENT_REGISTRY[planned.agent];
        const instructions = agent.brief(brief);
        // The call runAgents makes for this job, as it will be sent.
        const cacheKey = resultKey({ model: planned.model, cachedPrefix: prefixBlocks, instructions, schema: modelFindingsSchema, maxOutputTokens: current.maxOutputTokens });
        return { planned, agent, brief: instructions, cacheKey };
      });
      const runDeps = {
        ...deps,
        prices,
        budget,
        timeoutMs: config.run.agent_timeout_seconds * 1000,
        maxOutputTokens: current.maxOutputTokens,
        warnings,
        tier: current.tier,
        strongModel: config.models.strong,
      };
      return { runs: await runAgents(jobs, prefixBlocks, runDeps), runDeps };
    };

    const announce = (current: Plan, rerun?: boolean) =>
      notifyProgress(deps.onProgress, { kind: 'planned', score: score.score, tier: current.tier, reasons: current.reasons, agents: current.agents.map((a) => ({ agent: a.agent, model: a.model })), ...(rerun ? { rerun } : {}) });
    announce(plan);
    let { runs, runDeps } = await runPlan(plan, prefix);
    const spent: AgentRun[] = [...runs];

    // A model that reports an attempt to instruct it sends the run to the full tier, once. Its
    // report becomes one finding: on the line it names when that is an added line, else on the PR.
    const reported = runs.filter((r) => r.injection);
    if (reported.length > 0) {
      const where = reported[0]!.injection!;
      const onLine = where.path !== undefined && where.line !== undefined;
      const claimed: Finding = {
        agent: 'security',
        severity: 'warning',
        confidence: 1,
        path: onLine ? where.path! : PULL_REQUEST_TEXT,
        startLine: onLine ? where.line! : 1,
        endLine: onLine ? where.line! : 1,
        title: 'Content tried to instruct the reviewing model',
        explanation: `The ${reported.map((r) => r.agent).join(' and ')} agent${reported.length > 1 ? 's' : ''} reported text addressed to the model${where.quote ? `: "${visibleExcerpt(where.quote)}"` : ''}. riskgate reviewed this change at the full tier and treated the text as data; a human should confirm why it is here.`,
        deterministic: true,
      };
      const anchored = onLine ? anchorFindings(input.diff, [claimed]).findings[0] : undefined;
      const finding = anchored ?? { ...claimed, path: PULL_REQUEST_TEXT, startLine: 1, endLine: 1 };
      // riskgate's own check may have found the same line already.
      if (!deterministic.some((f) => f.path === finding.path && f.startLine === finding.startLine)) deterministic.push(finding);
    }
    // Under a budget ceiling the re-run at full cannot be paid for; the finding above still says why.
    const fullAllowed = !input.ceiling || input.ceiling.tier === 'full';
    if (reported.length > 0 && plan.tier !== 'full' && fullAllowed) {
      const full = prepared.views.full!;
      plan = { ...full.plan, reasons: [...full.plan.reasons, `the ${reported[0]!.agent} agent reported content addressed to it (prompt injection)`] };
      score = { ...prepared.score, tier: 'full', plan };
      ({ packed, prefix } = full);
      announce(plan, true);
      ({ runs, runDeps } = await runPlan(plan, prefix));
      spent.push(...runs);
    }

    const anchored = anchorFindings(input.diff, runs.flatMap((r) => r.findings));
    const verification = await verifyFindings(
      anchored.findings,
      prefix,
      {
        mode: config.findings.verify,
        minConfidence: config.findings.min_confidence,
        sensitive,
        strongModel: config.models.strong,
        fence: fenceRun,
        resultKey,
        ...(deps.enclosing ? { enclosing: deps.enclosing } : {}),
      },
      runDeps,
    );
    if (verification.run) {
      spent.push(verification.run);
      notifyProgress(deps.onProgress, { kind: 'verified', run: verification.run, checked: verification.checked, confirmed: verification.confirmed, rejected: verification.rejected });
    }
    const quiet = quietFindings(verification.findings, { minConfidence: config.findings.min_confidence, maxPerAgent: config.findings.max_per_agent });

    const planned = new Set(plan.agents.map((a) => a.agent));
    const agents: AgentRun[] = AGENTS.map((name: AgentName) => (planned.has(name) ? runs.find((r) => r.agent === name)! : skippedRun(name, plan.tier)));
    const usage = spent.reduce((sum, r) => addUsage(sum, r.usage), ZERO_USAGE);
    const { findings: _findings, ...verificationSummary } = verification;
    return {
      score,
      tier: plan.tier,
      tierReasons: plan.reasons,
      agents,
      verification: verificationSummary,
      findings: [...deterministic, ...quiet.findings],
      dropped: {
        unknownFile: anchored.dropped['unknown-file'],
        outsideChanges: anchored.dropped['outside-changes'],
        belowConfidence: quiet.belowConfidence,
        overCap: Object.values(quiet.overCap).reduce((n, c) => n + (c ?? 0), 0),
        duplicates: quiet.duplicates,
        rejectedOnCheck: verification.rejected,
      },
      notReviewed: packed.notReviewed,
      injectionAttempted: injection.attempted || reported.length > 0,
      budgetLimited: budget.limited,
      ...(ceiling && tierRank(ceiling.tier) < tierRank(score.tier) ? { budgetLowered: ceiling.reason } : {}),
      usage,
      usd: spent.reduce((sum, r) => sum + r.usd, 0),
      savedUsd: spent.reduce((sum, r) => sum + r.savedUsd, 0),
      cacheHitRatio: cacheHitRatio(usage),
      warnings: [...score.warnings, ...warnings],
      wallMs: performance.now() - started,
    };
  };

  /** The report of a run whose agents could not be called: `unavailable` (no key) or `budget_limited`. */
  const withoutAgents = (prepared: PreparedChange, ceiling: ReviewInput['ceiling'], outcome: 'unavailable' | 'budget_limited', why: string, started: number): ReviewReport => {
    const { score, view } = underCeiling(prepared, ceiling);
    const { injection } = prepared;
    const planned = new Set(score.plan.agents.map((a) => a.agent));
    const agents = AGENTS.map((name): AgentRun => (planned.has(name) ? { ...skippedRun(name, score.plan.tier), outcome, reason: why } : skippedRun(name, score.plan.tier)));
    return {
      score,
      tier: score.plan.tier,
      tierReasons: score.plan.reasons,
      agents,
      verification: NO_VERIFICATION,
      findings: injection.findings,
      dropped: NO_DROPS,
      notReviewed: view.packed.notReviewed,
      injectionAttempted: injection.attempted,
      budgetLimited: outcome === 'budget_limited',
      usage: ZERO_USAGE,
      usd: 0,
      savedUsd: 0,
      cacheHitRatio: 0,
      warnings: score.warnings,
      wallMs: performance.now() - started,
    };
  };

  const assessPrepared = (prepared: PreparedChange, ceiling: ReviewInput['ceiling'], unavailableBecause: string) =>
    withoutAgents(prepared, ceiling, 'unavailable', unavailableBecause, performance.now());
  const assess = (input: ReviewInput, unavailableBecause: string) => assessPrepared(prepareChange(input), input.ceiling, unavailableBecause);
  const review = (input: ReviewInput, deps: ReviewDependencies) => reviewPrepared(prepareChange(input), input.ceiling, deps);

  return { parse: scorer.parse, fromPullFiles: scorer.fromPullFiles, prepare, worstCase, prepareChange, review, reviewPrepared, assess, assessPrepared };
}
