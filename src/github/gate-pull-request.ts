import type { RiskModel } from '../calibrate/risk-model-file.js';
import { ConfigError } from '../config/config-error.js';
import type { RiskgateConfig } from '../config/config-schema.js';
import { CONFIG_PATH, defaultConfig, parseConfig } from '../config/load-config.js';
import { carryOverBlockers, recordOpenBlockers } from '../findings/carry-over-blockers.js';
import type { Severity } from '../findings/finding.js';
import type { GitAttributes } from '../diff/match-git-attributes.js';
import type { StructuredModel } from '../model/model-port.js';
import { raiseTier, type Tier } from '../plan/tier.js';
import { checkConclusion, errorConclusion, type CheckConclusion } from '../report/check-conclusion.js';
import { decideGate, type GateDecision } from '../report/decide-gate.js';
import type { GateState, StateSeal } from '../report/gate-state.js';
import { renderChecks, renderRunning, UNREVIEWABLE_EXPLAINED } from '../report/render-checks.js';
import { DEFAULT_PRICES } from '../plan/prices.js';
import { formatUsd, plural } from '../report/format-amounts.js';
import { holdRunBudget } from '../budget/hold-run-budget.js';
import type { BudgetLimits } from '../budget/budget-limits.js';
import type { Metrics } from '../metrics/metrics.js';
import { WRITE_ROLES } from './write-roles.js';
import type { CallLimiter } from '../run/call-limiter.js';
import { cachedReviewer } from '../run/cached-reviewer.js';
import { ChangeProcessingError, prepareInProcess, type ChangePreparer } from '../run/change-preparer.js';
import type { CodeContext } from '../code/gather-code-context.js';
import { githubSourceReader } from '../code/github-source-reader.js';
import { gatherPullCodeContext } from '../code/pull-code-context.js';
import type { PreparedChange, ReviewReport } from '../run/review-change.js';
import { runKeyOf } from '../run/run-key.js';
import type { BudgetStore } from '../store/budget-store.js';
import type { ClaimResult, GateRunResult, GateRunStore } from '../store/gate-runs.js';
import { runQualityOf } from '../store/run-quality.js';
import type { Ledger, RunIdentity } from '../store/ledger.js';
import { ledgerRecorder, type CallRecorder } from '../run/record-call.js';
import type { ResultStore } from '../store/result-store.js';
import { scopedResultStore } from '../store/scoped-result-store.js';
import type { CheckSink } from './check-sink.js';
import type { GitHubPort, PullRequest, PullRequestRef, RepoRef } from './github-port.js';
import type { PullFileRow } from '../diff/from-pull-files.js';
import { readBaseAttributes } from './read-base-attributes.js';
import { enclosingFromFiles } from '../context/enclosing-code.js';
import { openBlockersContext } from '../context/open-blockers-context.js';
import { readGuidelines } from '../context/read-guidelines.js';
import type { ContextBlock } from '../run/pack-context.js';
import { readBaseModel } from './read-base-model.js';
import { readPreviousState } from './read-previous-state.js';

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
  /** The result cache; each repository (and installation) sees only its own answers in it. */
  store: ResultStore;
  limiter: CallLimiter;
  /** The App's key for the MAC on the state it carries between pushes; the Action has none. */
  stateKey?: Uint8Array;
  /** Where the config lives on the base branch. */
  configPath?: string;
  /** Settings that win over the repository's config (the Action's inputs). */
  overrides?: { failOn?: Severity; maxUsd?: number };
  offerFullRun: boolean;
  log: GateLog;
  signal?: AbortSignal;
  /** The App's durable parts: the spend ledger, gate runs (idempotency, crash recovery), budgets. */
  durable?: DurableServices;
  metrics?: Metrics;
  /** Where the change is scored and packed: in-process unless given (the App uses a worker thread with a deadline). */
  prepare?: ChangePreparer;
}

export interface DurableServices {
  installationId: number;
  /** The job running this gate: a retry of the same job after its worker died takes the run over. */
  jobId: string;
  runs: GateRunStore;
  ledger: Ledger;
  budgets?: { store: BudgetStore; limits: BudgetLimits };
  /** A run claimed longer ago than this, by a job that is not this one, is taken over. */
  runLeaseMs: number;
}

export type GateOutcome =
  | { status: 'completed'; headSha: string; report: ReviewReport; decision: GateDecision }
  | { status: 'superseded'; headSha: string; currentHeadSha: string }
  | { status: 'skipped'; reason: string }
  /** The same (repository, head, tier, config) was gated already, or is being gated by another job. */
  | { status: 'duplicate'; headSha: string; runKey: string; reason: string }
  | { status: 'invalid-config'; headSha: string; message: string }
  /** The change itself made riskgate fail (its scoring overran the deadline, ran out of memory or threw): `failure`. */
  | { status: 'unreviewable'; headSha: string; message: string }
  | { status: 'errored'; headSha: string; message: string };

const short = (sha: string) => sha.slice(0, 7);

/** A check's summary when riskgate itself or GitHub failed: what failed, the error quoted, what to do. */
const cannotVouch = (what: string, message: string) =>
  `${what}, so riskgate cannot vouch for the change:\n\n> ${message.replace(/\n/g, '\n> ')}\n\nRe-run the check, or comment \`/gates rerun\`.`;

/** A check's summary when the change itself made riskgate fail: what happened, and why it fails whatever the policy. */
const madeItFail = (message: string) =>
  `**failure**: ${message}.\n\n${UNREVIEWABLE_EXPLAINED}\n\nA change this costly to read is too big or too unusual to gate: split it, or find what in it makes scoring slow.`;

/** The base branch's config: the PR's own copy could switch its gate off. */
async function readBaseConfig(github: GitHubPort, request: GateRequest, pull: PullRequest, path: string): Promise<{ config: RiskgateConfig; source: string }> {
  const text = await github.readFile(request.pull, path, pull.baseSha);
  const source = `${path} at ${pull.baseRef} (${short(pull.baseSha)})`;
  if (text === undefined) return { config: defaultConfig(), source: `built-in defaults (no ${path} on ${pull.baseRef})` };
  return { config: parseConfig(text, source), source };
}

/** Signs and checks the state with the App's key, for this repository; the Action has no key. */
const sealOf = (services: GateServices, request: GateRequest): StateSeal | undefined =>
  services.stateKey ? { key: services.stateKey, repository: `${request.pull.owner}/${request.pull.repo}` } : undefined;

/** The result cache's scope: answers are never shared between installations or repositories. */
const resultScopeOf = (identity: RunIdentity, durable: DurableServices | undefined) =>
  durable ? `installation ${identity.installationId} repository ${identity.repository.toLowerCase()}` : `repository ${identity.repository.toLowerCase()}`;

function withOverrides(config: RiskgateConfig, overrides: GateServices['overrides']): RiskgateConfig {
  if (!overrides) return config;
  return {
    ...config,
    gate: { ...config.gate, ...(overrides.failOn ? { fail_on: overrides.failOn } : {}) },
    run: { ...config.run, ...(overrides.maxUsd !== undefined ? { max_usd: overrides.maxUsd } : {}) },
  };
}

/**
 * Gates one pull request head: config and calibrated model from the base branch, the diff from
 * listFiles, the agents the tier calls for, blockers carried from earlier heads, and the checks
 * published, unless the PR moved on meanwhile. Whatever goes wrong after the checks open, they end with an explanation.
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

  const seal = sealOf(services, request);
  const previous = await readPreviousState(github, request.pull, { current: pull.headSha, ...(request.previousHeadSha ? { before: request.previousHeadSha } : {}) }, { ...(seal ? { seal } : {}), log });
  if (!loaded) {
    const opened = await checks.open(request.pull, pull.headSha);
    const message = configError!.message;
    await checks.close(opened, 'failure', 'Invalid riskgate config on the base branch', `riskgate cannot gate this change until its config is fixed:\n\n\`\`\`\n${message}\n\`\`\``);
    return { status: 'invalid-config', headSha: pull.headSha, message };
  }
  // The calibrated model, like the config, from the base: the PR's own copy never scores it.
  const base = await readBaseModel(github, request.pull, pull);
  if (base.status === 'invalid') log.warn(`PR #${pull.number}: ${base.warning}`);
  // Which files are vendored or generated, also from the base: a path alone earns nothing.
  const attributes = await readBaseAttributes(github, request.pull, pull);
  // The repository's review guidelines, also from the base: a PR cannot rewrite its own rules. Not
  // being able to read them costs the models some context, never the gate.
  const guidelines = await readGuidelines(loaded.config, (path) => github.readFile(request.pull, path, pull.baseSha), `${pull.baseRef} (${short(pull.baseSha)})`).catch((error: unknown) => {
    log.warn(`PR #${pull.number}: the repository's review guidelines could not be read: ${error instanceof Error ? error.message : String(error)}`);
    return undefined;
  });
  // What earlier heads left open, so the models do not report it again.
  // Only those first reported on another head: a rerun of this head is shown what its first run was.
  const openBlockers = previous ? openBlockersContext(previous.openBlockers.filter((b) => !pull.headSha.startsWith(b.since))) : undefined;
  return runGate(request, services, {
    pull,
    attributes,
    context: [...(guidelines ? [guidelines] : []), ...(openBlockers ? [openBlockers] : [])],
    config: withOverrides(loaded.config, services.overrides),
    configSource: loaded.source,
    previous,
    ...(base.status === 'loaded' ? { model: base.model } : {}),
    ...(base.status === 'invalid' ? { modelWarning: base.warning } : {}),
  });
}

interface GateContext {
  pull: PullRequest;
  config: RiskgateConfig;
  configSource: string;
  previous: GateState | undefined;
  /** The base branch's calibrated model, when it has a valid one. */
  model?: RiskModel;
  /** Why the base branch's model file was not used, shown on the umbrella check. */
  modelWarning?: string;
  /** The linguist lines of the base branch's .gitattributes. */
  attributes: GitAttributes;
  /** Context for the models beside the diff: the base's guidelines, the open blockers. */
  context: ContextBlock[];
}

/** Who the run's calls are charged to in the ledger and the budgets. */
const identityOf = (request: GateRequest, pull: PullRequest, durable: DurableServices | undefined): RunIdentity => ({
  installationId: durable?.installationId ?? 0,
  repository: `${request.pull.owner}/${request.pull.repo}`,
  pullNumber: pull.number,
  headSha: pull.headSha,
  author: pull.author,
});

function findingCounts(decision: GateDecision): GateRunResult['findings'] {
  const counts = new Map<string, { agent: string; severity: Severity; count: number }>();
  for (const f of decision.findings) {
    const key = `${f.agent}/${f.severity}`;
    const entry = counts.get(key) ?? { agent: f.agent, severity: f.severity, count: 0 };
    entry.count++;
    counts.set(key, entry);
  }
  return [...counts.values()];
}

async function runGate(request: GateRequest, services: GateServices, context: GateContext): Promise<GateOutcome> {
  const { github, checks, durable, log } = services;
  const { pull, config, previous, model, attributes } = context;
  const started = performance.now();
  const reviewer = cachedReviewer(config, model, attributes);
  // Before any run is claimed: the checks still say why nothing could be gated.
  const couldNotStart = async (message: string, conclusion: CheckConclusion, title: string, summary: string) => {
    const opened = await checks.open(request.pull, pull.headSha);
    await checks.close(opened, conclusion, title, summary);
    log.warn(`PR #${pull.number} at ${short(pull.headSha)}: ${message}`);
  };
  let rows;
  try {
    rows = await github.listPullFiles(request.pull);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    await couldNotStart(message, errorConclusion(config.gate.on_error, 'thorough'), 'riskgate could not read the change', cannotVouch("GitHub did not list this pull request's files", message));
    return { status: 'errored', headSha: pull.headSha, message };
  }

  // A tier forced on this head earlier stays forced: a rerun never lowers it.
  const kept = previous?.headSha === pull.headSha ? previous.forcedTier : undefined;
  const forced = request.forced && kept ? raiseTier(request.forced, kept) : (request.forced ?? kept);
  // The code-structure layer (enclosing functions, symbol changes) through the contents API. It
  // adds context and points, never decides alone: a failure leaves the gate as it was without it.
  let code: CodeContext | undefined;
  try {
    code = await gatherPullCodeContext(github, request.pull, pull, rows, (chosen) => reviewer.fromPullFiles(chosen), config.review.context);
    for (const warning of code.warnings) log.info(`PR #${pull.number}: ${warning}`);
  } catch (error) {
    log.warn(`PR #${pull.number} at ${short(pull.headSha)}: the code context could not be read: ${error instanceof Error ? error.message : String(error)}`);
  }
  // The base's guidelines and the open blockers, then the code around the change: one list, packed by priority.
  const blocks = [...context.context, ...(code?.blocks ?? [])];
  let prepared: PreparedChange;
  try {
    prepared = await (services.prepare ?? prepareInProcess)({
      ...(blocks.length > 0 ? { context: blocks } : {}),
      ...(code ? { unavailable: code.unavailable, structure: code.structure } : {}),
      config,
      ...(model ? { model } : {}),
      ...(attributes ? { attributes } : {}),
      rows,
      ...(pull.changedFiles !== undefined ? { changedFiles: pull.changedFiles } : {}),
      text: { title: pull.title, body: pull.body },
      ...(forced ? { forced } : {}),
    });
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    if (error instanceof ChangeProcessingError) {
      // The tier is unknown, and does not matter: what the change caused fails at every tier.
      await couldNotStart(message, checkConclusion('unreviewable', 'minimal', config.gate.on_error), 'The change made riskgate fail', madeItFail(message));
      return { status: 'unreviewable', headSha: pull.headSha, message };
    }
    await couldNotStart(message, errorConclusion(config.gate.on_error, 'thorough'), 'riskgate could not finish', cannotVouch('riskgate could not score this change', message));
    return { status: 'errored', headSha: pull.headSha, message };
  }
  const { diff } = prepared;
  const worst = prepared.worstCase;
  const identity = identityOf(request, pull, durable);

  // The same (repository, head, tier, config, model) does its work once, whichever delivery asks.
  const runKey = runKeyOf(identity.repository, pull.headSha, worst.wanted, config, model, attributes);
  const claim: ClaimResult = durable
    ? await durable.runs.claimRun({ ...identity, runKey, tier: worst.wanted, owner: durable.jobId, explicit: request.explicit === true }, Date.now(), durable.runLeaseMs)
    : { status: 'claimed' };
  if (claim.status !== 'claimed') {
    const reason = claim.status === 'done' ? `already gated (${claim.conclusion})` : `being gated by job ${claim.owner}`;
    log.info(`PR #${pull.number} at ${short(pull.headSha)}: ${reason}; nothing to do`);
    return { status: 'duplicate', headSha: pull.headSha, runKey, reason };
  }

  // Each check's id is kept as it is created: a run that dies between two creations loses none.
  // The umbrella says at once what is known in milliseconds: the score, the tier, the plan.
  const opened = await checks.open(request.pull, pull.headSha, claim.checks, durable ? (partial) => durable.runs.attachChecks(runKey, partial) : undefined, renderRunning(prepared.score));
  let tier: Tier | undefined;
  const finish = async (result: Omit<GateRunResult, 'durationMs'>) => {
    const durationMs = performance.now() - started;
    await durable?.runs.finishRun(runKey, { ...result, durationMs }, Date.now());
    if (result.state === 'completed') services.metrics?.gateFinished(tier ?? worst.wanted, result.conclusion, durationMs);
  };

  try {
    const budget = durable?.budgets
      ? await holdRunBudget(durable.budgets, identity, async () => WRITE_ROLES.has(await github.permissionOf(request.pull, pull.author)), worst, config.run.max_usd)
      : undefined;
    let report: ReviewReport;
    try {
      if (budget?.choice?.reason) {
        const scope = budget.choice.binding?.scope.kind ?? 'installation';
        services.metrics?.budgetRefused(scope, budget.choice.tier);
        log.warn(`PR #${pull.number} at ${short(pull.headSha)}: budget: ${budget.choice.reason}`);
      }
      const ceiling = budget?.ceiling;
      const recordCall: CallRecorder | undefined = durable ? ledgerRecorder(durable.ledger, identity, (call) => services.metrics?.modelCall(call)) : undefined;
      // This repository's fallback chains (models.fallback), on the providers the operator declared.
      const model = services.model?.withChains?.(config.models) ?? services.model;
      report = model
        ? await reviewer.reviewPrepared(prepared, ceiling, {
            model,
            store: scopedResultStore(services.store, resultScopeOf(identity, durable)),
            limiter: services.limiter,
            // The verifier reads the code around each finding at the head, through the contents API,
            // from the blobs the code layer already read when it can (cached by blob SHA).
            enclosing: enclosingFromFiles(readAtHead(github, request.pull, pull.headSha, rows)),
            ...(services.signal ? { signal: services.signal } : {}),
            ...(recordCall ? { recordCall } : {}),
            ...(budget?.maxUsd !== undefined ? { maxUsd: budget.maxUsd } : {}),
          })
        : reviewer.assessPrepared(prepared, ceiling, services.modelUnavailable ?? 'no model is configured');
    } finally {
      await budget?.release();
    }
    if (context.modelWarning) report = { ...report, warnings: [context.modelWarning, ...report.warnings] };
    tier = report.tier;

    const { carried, resolved } = carryOverBlockers(previous?.openBlockers ?? [], diff, report.findings);
    const decision = decideGate(report, carried, { failOn: config.gate.fail_on, onError: config.gate.on_error });

    // Results for a head that is no longer the PR's are dropped, not published over the new one.
    const current = await github.getPull(request.pull);
    if (current.headSha !== pull.headSha) {
      await checks.close(opened, 'cancelled', `Superseded by ${short(current.headSha)}`, `The pull request moved to ${current.headSha} while this run was working; its results were dropped. The new head gets its own run.`);
      await finish({ state: 'superseded', conclusion: 'cancelled', usd: report.usd, savedUsd: report.savedUsd, findings: [] });
      return { status: 'superseded', headSha: pull.headSha, currentHeadSha: current.headSha };
    }

    const state: GateState = {
      v: 1,
      headSha: pull.headSha,
      tier: report.tier,
      ...(forced ? { forcedTier: forced } : {}),
      openBlockers: recordOpenBlockers(decision.findings, diff, config.gate.fail_on, pull.headSha),
    };
    const seal = sealOf(services, request);
    const strongPrice = { ...DEFAULT_PRICES, ...config.prices }[config.models.strong];
    const rendered = renderChecks(report, decision, {
      headSha: pull.headSha,
      configSource: context.configSource,
      resolvedBlockers: resolved,
      offerFullRun: services.offerFullRun,
      state,
      repository: `${request.pull.owner}/${request.pull.repo}`,
      ...(strongPrice ? { strong: { model: config.models.strong, price: strongPrice } } : {}),
      ...(seal ? { seal } : {}),
    });
    await checks.publish(opened, rendered);
    await finish({ state: 'completed', conclusion: decision.conclusion, usd: report.usd, savedUsd: report.savedUsd, findings: findingCounts(decision), quality: runQualityOf(report, decision) });
    log.info(`PR #${pull.number} at ${short(pull.headSha)}: ${report.tier} tier, ${decision.conclusion}, ${plural(decision.findings.length, 'finding')}, ${formatUsd(report.usd)}`);
    return { status: 'completed', headSha: pull.headSha, report, decision };
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    log.warn(`PR #${pull.number} at ${short(pull.headSha)}: ${message}`);
    // Model trouble comes back as outcomes, not here: this is GitHub or riskgate itself failing.
    // Before the tier is known, assume the scrutiny that fails closed by default.
    const conclusion = errorConclusion(config.gate.on_error, tier ?? 'thorough');
    await checks.close(opened, conclusion, 'riskgate could not finish', cannotVouch('riskgate could not finish this run', message));
    await finish({ state: 'errored', conclusion, usd: 0, savedUsd: 0, findings: [] }).catch(() => undefined);
    return { status: 'errored', headSha: pull.headSha, message };
  }
}

/** A file's text at the head for the verifier, read like the code layer's (bounded, cached by blob SHA). */
function readAtHead(github: GitHubPort, repo: RepoRef, headSha: string, rows: readonly PullFileRow[]): (path: string) => Promise<string | undefined> {
  const headBlobs = new Map(rows.flatMap((r) => (r.sha ? [[r.filename, r.sha] as const] : [])));
  const reader = githubSourceReader(github, repo, { headSha, headBlobs });
  return async (path) => {
    const read = await reader.readFile(path, headSha);
    return read.status === 'read' ? read.text : undefined;
  };
}
