import { ConfigError } from '../config/config-error.js';
import type { RiskgateConfig } from '../config/config-schema.js';
import { CONFIG_PATH, defaultConfig, parseConfig } from '../config/load-config.js';
import { carryOverBlockers, recordOpenBlockers } from '../findings/carry-over-blockers.js';
import type { Severity } from '../findings/finding.js';
import type { StructuredModel } from '../model/model-port.js';
import { raiseTier, type Tier } from '../plan/tier.js';
import { errorConclusion } from '../report/check-conclusion.js';
import { decideGate, type GateDecision } from '../report/decide-gate.js';
import { decodeGateState, type GateState } from '../report/gate-state.js';
import { renderChecks, UMBRELLA_CHECK } from '../report/render-checks.js';
import type { CallLimiter } from '../run/call-limiter.js';
import { createReviewer, type ReviewReport } from '../run/review-change.js';
import type { ResultStore } from '../store/result-store.js';
import type { CheckSink, OpenedChecks } from './check-sink.js';
import type { GitHubPort, PullRequest, PullRequestRef } from './github-port.js';

/** One request to gate a pull request's head, from a webhook, a command or a workflow run. */
export interface GateRequest {
  pull: PullRequestRef;
  /** The head the event was about: if the PR has moved on, the event is outdated. */
  expectedHeadSha?: string;
  /** The head before this push, where the previous run's state lives. */
  previousHeadSha?: string;
  /** A tier asked for by a maintainer or the Action's input: raises, never lowers. */
  forced?: Tier;
  /** Asked for explicitly (a command, a button): runs on a draft too. */
  explicit?: boolean;
}

export interface GateLog {
  info(message: string): void;
  warn(message: string): void;
}

export interface GateServices {
  github: GitHubPort;
  checks: CheckSink;
  /** Absent when no model may be called; `modelUnavailable` says why on the check runs. */
  model?: StructuredModel;
  modelUnavailable?: string;
  store: ResultStore;
  limiter: CallLimiter;
  /** Where the config lives on the base branch. */
  configPath?: string;
  /** Settings that win over the repository's config (the Action's inputs). */
  overrides?: { failOn?: Severity; maxUsd?: number };
  offerFullRun: boolean;
  log: GateLog;
  signal?: AbortSignal;
}

export type GateOutcome =
  | { status: 'completed'; headSha: string; report: ReviewReport; decision: GateDecision }
  | { status: 'superseded'; headSha: string; currentHeadSha: string }
  | { status: 'skipped'; reason: string }
  | { status: 'invalid-config'; headSha: string; message: string }
  | { status: 'errored'; headSha: string; message: string };

const short = (sha: string) => sha.slice(0, 7);

/** The base branch's config: the PR's own copy could switch its gate off. */
async function readBaseConfig(github: GitHubPort, request: GateRequest, pull: PullRequest, path: string): Promise<{ config: RiskgateConfig; source: string }> {
  const text = await github.readFile(request.pull, path, pull.baseSha);
  const source = `${path} at ${pull.baseRef} (${short(pull.baseSha)})`;
  if (text === undefined) return { config: defaultConfig(), source: `built-in defaults (no ${path} on ${pull.baseRef})` };
  return { config: parseConfig(text, source), source };
}

/** The previous run's state: from this head (a rerun) or the head before this push. */
async function readPreviousState(github: GitHubPort, request: GateRequest, headSha: string): Promise<GateState | undefined> {
  for (const sha of [headSha, request.previousHeadSha]) {
    if (!sha) continue;
    const prior = await github.findOwnCheckRun(request.pull, sha, UMBRELLA_CHECK);
    const state = decodeGateState(prior?.text);
    if (state) return state;
  }
  return undefined;
}

function withOverrides(config: RiskgateConfig, overrides: GateServices['overrides']): RiskgateConfig {
  if (!overrides) return config;
  return {
    ...config,
    gate: { ...config.gate, ...(overrides.failOn ? { fail_on: overrides.failOn } : {}) },
    run: { ...config.run, ...(overrides.maxUsd !== undefined ? { max_usd: overrides.maxUsd } : {}) },
  };
}

/**
 * Gates one pull request head: config from the base branch, the diff from listFiles, the agents
 * the tier calls for, blockers carried from earlier heads, and the checks published, unless the
 * PR moved on meanwhile. Whatever goes wrong after the checks open, they end with an explanation.
 */
export async function gatePullRequest(request: GateRequest, services: GateServices): Promise<GateOutcome> {
  const { github, checks, log } = services;
  const pull = await github.getPull(request.pull);
  if (request.expectedHeadSha && pull.headSha !== request.expectedHeadSha) {
    log.info(`PR #${pull.number}: event for ${short(request.expectedHeadSha)}, head is now ${short(pull.headSha)}; skipped`);
    return { status: 'superseded', headSha: request.expectedHeadSha, currentHeadSha: pull.headSha };
  }

  let loaded: { config: RiskgateConfig; source: string } | undefined;
  let configError: ConfigError | undefined;
  try {
    loaded = await readBaseConfig(github, request, pull, services.configPath ?? CONFIG_PATH);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    configError = error;
  }
  if (loaded && pull.draft && !request.explicit && !loaded.config.gate.review_drafts) {
    return { status: 'skipped', reason: `PR #${pull.number} is a draft (gate.review_drafts is off); it is gated when marked ready for review` };
  }

  const previous = await readPreviousState(github, request, pull.headSha);
  const opened = await checks.open(request.pull, pull.headSha);
  if (!loaded) {
    const message = configError!.message;
    await checks.close(opened, 'failure', 'Invalid riskgate config on the base branch', `riskgate cannot gate this change until its config is fixed:\n\n\`\`\`\n${message}\n\`\`\``);
    return { status: 'invalid-config', headSha: pull.headSha, message };
  }

  const config = withOverrides(loaded.config, services.overrides);
  let tier: Tier | undefined;
  try {
    const outcome = await runGate(request, services, { pull, config, configSource: loaded.source, previous, opened }, (t) => (tier = t));
    return outcome;
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    log.warn(`PR #${pull.number} at ${short(pull.headSha)}: ${message}`);
    // Model trouble comes back as outcomes, not here: this is GitHub or riskgate itself failing.
    // Before the tier is known, assume the scrutiny that fails closed by default.
    const conclusion = errorConclusion(config.gate.on_error, tier ?? 'thorough');
    await checks.close(opened, conclusion, 'riskgate could not finish', `riskgate could not finish this run, so it cannot vouch for the change:\n\n> ${message.replace(/\n/g, '\n> ')}\n\nRe-run the check, or comment \`/gates rerun\`.`);
    return { status: 'errored', headSha: pull.headSha, message };
  }
}

interface GateContext {
  pull: PullRequest;
  config: RiskgateConfig;
  configSource: string;
  previous: GateState | undefined;
  opened: OpenedChecks;
}

async function runGate(request: GateRequest, services: GateServices, context: GateContext, onTier: (tier: Tier) => void): Promise<GateOutcome> {
  const { github, checks } = services;
  const { pull, config, previous, opened } = context;
  const reviewer = createReviewer(config);
  const diff = reviewer.fromPullFiles(await github.listPullFiles(request.pull), pull.changedFiles);

  // A tier forced on this head earlier stays forced: a rerun never lowers it.
  const kept = previous?.headSha === pull.headSha ? previous.forcedTier : undefined;
  const forced = request.forced && kept ? raiseTier(request.forced, kept) : (request.forced ?? kept);
  const input = { diff, text: { title: pull.title, body: pull.body }, ...(forced ? { forced } : {}) };

  const report = services.model
    ? await reviewer.review(input, { model: services.model, store: services.store, limiter: services.limiter, ...(services.signal ? { signal: services.signal } : {}) })
    : reviewer.assess(input, services.modelUnavailable ?? 'no model is configured');
  onTier(report.tier);

  const { carried, resolved } = carryOverBlockers(previous?.openBlockers ?? [], diff, report.findings);
  const decision = decideGate(report, carried, { failOn: config.gate.fail_on, onError: config.gate.on_error });

  // Results for a head that is no longer the PR's are dropped, not published over the new one.
  const current = await github.getPull(request.pull);
  if (current.headSha !== pull.headSha) {
    await checks.close(opened, 'cancelled', `Superseded by ${short(current.headSha)}`, `The pull request moved to ${current.headSha} while this run was working; its results were dropped. The new head gets its own run.`);
    return { status: 'superseded', headSha: pull.headSha, currentHeadSha: current.headSha };
  }

  const state: GateState = {
    v: 1,
    headSha: pull.headSha,
    tier: report.tier,
    ...(forced ? { forcedTier: forced } : {}),
    openBlockers: recordOpenBlockers(decision.findings, diff, config.gate.fail_on, pull.headSha),
  };
  const rendered = renderChecks(report, decision, { headSha: pull.headSha, configSource: context.configSource, resolvedBlockers: resolved, offerFullRun: services.offerFullRun, state });
  await checks.publish(opened, rendered);
  services.log.info(`PR #${pull.number} at ${short(pull.headSha)}: ${report.tier} tier, ${decision.conclusion}, ${decision.findings.length} finding(s), $${report.usd.toFixed(4)}`);
  return { status: 'completed', headSha: pull.headSha, report, decision };
}
