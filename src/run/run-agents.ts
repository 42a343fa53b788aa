import { plural } from '../report/format-amounts.js';
import type { Agent } from '../agents/agent.js';
import { modelFindingsSchema, toFindings, type Finding } from '../findings/finding.js';
import { readModelFindings } from '../findings/read-model-findings.js';
import { tokensForChars } from '../plan/estimate-cost.js';
import type { PlannedAgent } from '../plan/plan-tier.js';
import type { ModelPrice } from '../plan/prices.js';
import type { AgentName, ModelClass, Tier } from '../plan/tier.js';
import { parseModelRef, sameModel } from '../model/model-ref.js';
import { ZERO_USAGE, type StructuredModel, type Usage } from '../model/model-port.js';
import type { ResultStore, StoredResult } from '../store/result-store.js';
import { askWithinBudget } from './ask-within-budget.js';
import { readCached, writeCached } from './cached-results.js';
import type { CallLimiter } from './call-limiter.js';
import { recordCall, type CallRecorder } from './record-call.js';
import type { RunBudget } from './run-budget.js';
import { notifyProgress, type ProgressListener } from './review-progress.js';

// `skipped`: the tier does not call for the agent. `unavailable`: it should have run and could not
// be called at all (no API key, a fork PR without secrets): like an outage, that is not a pass.
// `unreviewable`: the change itself made the agent's answer unusable (refused, cut off at the
// output cap, steered out of the format, a prompt too long): the gate fails at every tier.
export const AGENT_OUTCOMES = ['ok', 'timed_out', 'failed', 'budget_limited', 'skipped', 'unavailable', 'unreviewable'] as const;
export type AgentOutcome = (typeof AGENT_OUTCOMES)[number];

// Below this many prompt tokens no Claude model caches a prefix (the lowest published minimum;
// Haiku 4.5 needs about 4,096): waiting for the first answer would cost time and save nothing.
export const MIN_CACHEABLE_PREFIX_TOKENS = 1_024;

// Followers wait at most this long for the first call's answer to begin. A writer that hangs must
// not hold the other agents back by its whole timeout: past this, they start and pay the write.
export const MAX_WAIT_FOR_CACHE_WRITER_MS = 20_000;

/** What one agent did in a run: the outcome, what it cost, and what it found (not yet anchored). */
export interface AgentRun {
  agent: AgentName;
  outcome: AgentOutcome;
  /** Why the agent was skipped or did not finish. */
  reason?: string;
  /** The model that answered, as the config names it (the planned one until an answer says otherwise). */
  model?: string;
  /** The provider that answered (or was to be asked). */
  provider?: string;
  /** The provider's own id of the model that answered. */
  answeredModel?: string;
  /** After a fallback: the chain's entries that were down or skipped first. */
  fellBackFrom?: string[];
  /**
   * A strong-class agent answered by another model after a fallback: its findings count, but its
   * silence is "could not decide", never a pass (decide-gate's withoutWeakerSilence).
   */
  weakerFallback?: string;
  /** A self-hosted model answered: reports say "local" instead of dollars. */
  local?: boolean;
  modelClass?: ModelClass;
  /** Answered from the result cache: no call, no cost. */
  fromCache: boolean;
  /** Dollars the cached answer cost when it was made: what the cache saved this run. */
  savedUsd: number;
  usage: Usage;
  usd: number;
  latencyMs: number;
  retries: number;
  findings: Finding[];
  /** Items of the model's answer that could not be used, and what was dropped or repaired and why. */
  dropped?: number;
  answerProblems?: string[];
  /** The model said the content tried to instruct it. */
  injection?: StoredResult['injection'];
  /** Milliseconds since the run began: when the call was sent and when it ended. */
  startedMs?: number;
  endedMs?: number;
}

/** One planned agent with everything its call needs. */
export interface AgentJob {
  planned: PlannedAgent;
  agent: Agent;
  /** The agent's own instructions, after the cached prefix. */
  brief: string;
  cacheKey: string;
}

export interface RunDependencies {
  model: StructuredModel;
  store: ResultStore;
  limiter: CallLimiter;
  prices: Readonly<Record<string, ModelPrice>>;
  budget: RunBudget;
  timeoutMs: number;
  maxOutputTokens: number;
  signal?: AbortSignal;
  /** Problems that did not stop the run (a result-cache write that failed). */
  warnings: string[];
  /** Overrides MAX_WAIT_FOR_CACHE_WRITER_MS (tests). */
  maxWaitForWriterMs?: number;
  /** The tier the calls are made at, for the ledger. */
  tier: Tier;
  /** Where every call and cache hit is recorded (the spend ledger); absent = nowhere. */
  recordCall?: CallRecorder;
  /** The strong model's id: the ledger prices each call on it too. */
  strongModel?: string;
  /** Told when each call starts and each agent finishes. */
  onProgress?: ProgressListener;
}

/** A promise with its resolver, for "start the others once the first answer begins". */
function signalOnce(): { promise: Promise<void>; fire: () => void } {
  let fire!: () => void;
  const promise = new Promise<void>((resolve) => (fire = resolve));
  return { promise, fire };
}

async function waitAtMost(promise: Promise<void>, ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([promise, new Promise<void>((resolve) => (timer = setTimeout(resolve, ms)))]);
  clearTimeout(timer);
}

/**
 * Runs a plan's agents on one cached prefix. Answers found in the result cache cost nothing. Per
 * model, one call goes first and writes the prefix to the prompt cache; the other agents on that
 * model start the moment its answer begins (the entry is readable from then on), so they read
 * the prefix instead of each paying to write it, and all agents still overlap in time. An agent
 * that fails, times out or finds the budget spent reports so; the others carry on.
 */
export async function runAgents(jobs: readonly AgentJob[], prefix: readonly string[], deps: RunDependencies): Promise<AgentRun[]> {
  const began = performance.now();
  const prefixTokens = tokensForChars(prefix.reduce((n, block) => n + block.length, 0));
  const cacheable = prefixTokens >= MIN_CACHEABLE_PREFIX_TOKENS;

  const cached = await Promise.all(jobs.map((job) => readCached(deps, job.cacheKey, job.planned.agent)));
  const leaders = new Map<string, Promise<void>>();

  const callOne = async (job: AgentJob, stored: StoredResult | undefined): Promise<AgentRun> => {
    const { planned } = job;
    const base = { agent: planned.agent, model: planned.model, provider: parseModelRef(planned.model).provider, modelClass: planned.modelClass, retries: 0, latencyMs: 0 };
    if (stored) {
      await recordCall(deps, { tier: deps.tier, agent: planned.agent, model: planned.model, outcome: 'cached', usage: ZERO_USAGE, usd: 0, savedUsd: stored.usd, latencyMs: 0 });
      return { ...base, outcome: 'ok', fromCache: true, savedUsd: stored.usd, usage: ZERO_USAGE, usd: 0, findings: stored.findings, ...(stored.injection ? { injection: stored.injection } : {}) };
    }
    const empty = { ...base, fromCache: false, savedUsd: 0, usage: ZERO_USAGE, usd: 0, findings: [] };

    // The first call per model writes the prefix; the others wait until its answer begins. A cache
    // hit above never takes this role: the writer must be a call that really sends the prefix.
    const leader = leaders.get(planned.model);
    const mine = signalOnce();
    if (!leader) leaders.set(planned.model, mine.promise);
    else if (cacheable) await waitAtMost(leader, Math.min(deps.maxWaitForWriterMs ?? MAX_WAIT_FOR_CACHE_WRITER_MS, deps.timeoutMs / 4));

    const startedMs = performance.now() - began;
    notifyProgress(deps.onProgress, { kind: 'agent-started', agent: planned.agent, model: planned.model });
    try {
      const result = await askWithinBudget(
        deps,
        planned.agent,
        // Followers read what the first call wrote, unless the prefix is too short to be cached.
        { input: tokensForChars(job.brief.length), cacheWrite: leader && cacheable ? 0 : prefixTokens, cacheRead: leader && cacheable ? prefixTokens : 0 },
        { model: planned.model, cachedPrefix: [...prefix], instructions: job.brief, schema: modelFindingsSchema, read: readModelFindings, onAnswerStarted: mine.fire },
      );
      if (result.kind === 'refused') return { ...empty, outcome: 'budget_limited', reason: result.reason };
      const endedMs = performance.now() - began;
      if (result.kind === 'failed') {
        const { outcome, reason, usage, usd, retries } = result;
        return { ...empty, outcome, reason, usage, usd, retries, latencyMs: endedMs - startedMs, startedMs, endedMs };
      }
      const { answer, usd } = result;
      const findings = toFindings(planned.agent, answer.output);
      const reported = answer.output.prompt_injection;
      const injection = reported.detected
        ? { ...(reported.path ? { path: reported.path } : {}), ...(reported.line ? { line: reported.line } : {}), ...(reported.quote ? { quote: reported.quote } : {}) }
        : undefined;
      const route = answer.route;
      const weaker = route?.fellBackFrom && planned.modelClass === 'strong' && !sameModel(planned.model, route.model);
      const answered = {
        ...empty,
        ...(route ? { model: route.model, provider: route.provider, ...(route.fellBackFrom ? { fellBackFrom: route.fellBackFrom } : {}) } : {}),
        answeredModel: answer.model,
        ...(deps.prices[route?.model ?? planned.model]?.local ? { local: true } : {}),
        ...(weaker ? { weakerFallback: `the strong model ${planned.model} was down; ${route.model} answered instead` } : {}),
        usage: answer.usage,
        usd,
        latencyMs: answer.latencyMs,
        retries: answer.retries,
        findings,
        ...(answer.dropped ? { dropped: answer.dropped } : {}),
        ...(answer.problems && answer.problems.length > 0 ? { answerProblems: answer.problems } : {}),
        startedMs,
        endedMs,
      };
      // Cut off at the output cap: what was complete before the cut is kept (a blocker found early
      // still counts), the answer is not cached, and the change made the agent unable to finish.
      if (answer.incomplete) return { ...answered, outcome: 'unreviewable', reason: `truncated: ${answer.incomplete}; ${plural(findings.length, 'finding')} complete before the cut kept` };
      // A weaker model's answer is not kept: the next run asks the strong model again.
      if (!weaker) await writeCached(deps, job.cacheKey, { findings, usage: answer.usage, usd, model: planned.model, ...(injection ? { injection } : {}) }, planned.agent);
      return { ...answered, outcome: 'ok', ...(injection ? { injection } : {}) };
    } finally {
      mine.fire();
    }
  };

  return Promise.all(
    jobs.map(async (job, i) => {
      const run = await callOne(job, cached[i]);
      notifyProgress(deps.onProgress, { kind: 'agent-finished', run });
      return run;
    }),
  );
}
