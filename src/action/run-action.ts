import { readFile } from 'node:fs/promises';
import * as core from '@actions/core';
import { Octokit } from '@octokit/rest';
import { retry } from '@octokit/plugin-retry';
import { throttling } from '@octokit/plugin-throttling';
import { SEVERITIES, type Severity } from '../findings/finding.js';
import { checkRunSink } from '../github/check-run-sink.js';
import { gatePullRequest, type GateOutcome } from '../github/gate-pull-request.js';
import { octokitGitHub } from '../github/octokit-github.js';
import { openProviders } from '../model/open-providers.js';
import { TIERS, type Tier } from '../plan/tier.js';
import { createCallLimiter } from '../run/call-limiter.js';
import { secretsFromEnv } from '../security/configured-secrets.js';
import { secretRedactor, type Redact } from '../security/redact-secrets.js';
import { defaultResultDirectory, FileResultStore } from '../store/file-result-store.js';
import { fallbackSink } from './fallback-sink.js';
import { workflowLogSink } from './workflow-log-sink.js';

// One run's agents and its re-check: the Action gates one pull request.
const ACTION_MAX_CONCURRENT_CALLS = 4;

const ThrottledOctokit = Octokit.plugin(throttling, retry);

/** The fields of a `pull_request` event riskgate reads. */
interface PullRequestEvent {
  before?: string;
  pull_request?: { number: number; head: { sha: string; repo: { full_name: string } | null }; base: { repo: { full_name: string } } };
}

function choice<T extends string>(name: string, allowed: readonly T[]): T | undefined {
  const value = core.getInput(name).trim();
  if (value === '') return undefined;
  if (!(allowed as readonly string[]).includes(value)) throw new Error(`input ${name}: "${value}" is not one of ${allowed.join(', ')}`);
  return value as T;
}

function dollars(name: string): number | undefined {
  const value = core.getInput(name).trim();
  if (value === '') return undefined;
  const n = Number(value);
  if (!Number.isFinite(n) || n < 0) throw new Error(`input ${name}: "${value}" is not a dollar amount (a number, 0 or more)`);
  return n;
}

function setOutputs(outcome: GateOutcome, redact: Redact): string {
  const setOutput = (name: string, value: string | number) => core.setOutput(name, typeof value === 'string' ? redact(value) : value);
  if (outcome.status === 'completed') {
    const { report, decision } = outcome;
    setOutput('risk-score', report.score.score);
    setOutput('tier', report.tier);
    setOutput('conclusion', decision.conclusion);
    setOutput('findings', JSON.stringify(decision.findings.map((f) => ({ agent: f.agent, severity: f.severity, path: f.path, startLine: f.startLine, endLine: f.endLine, title: f.title }))));
    setOutput('cost-usd', report.usd.toFixed(4));
    return decision.conclusion;
  }
  const conclusion = outcome.status === 'invalid-config' || outcome.status === 'errored' || outcome.status === 'unreviewable' ? 'failure' : outcome.status === 'superseded' ? 'cancelled' : 'skipped';
  setOutput('conclusion', conclusion);
  setOutput('findings', '[]');
  setOutput('cost-usd', '0');
  return conclusion;
}

/**
 * The Action: gate the workflow's pull request; the job fails when the gate concludes `failure`.
 * What it logs, outputs and posts is redacted (the key and the token as inputs, and any credential
 * shape): the runner masks registered secrets in its log, but not an echo it cannot recognise.
 */
export async function runAction(env: NodeJS.ProcessEnv = process.env): Promise<void> {
  const redact = secretRedactor(secretsFromEnv(env));
  const info = (message: string) => core.info(redact(message));
  const warn = (message: string) => core.warning(redact(message));
  const debug = (message: string) => core.debug(redact(message));
  try {
    const apiKey = core.getInput('anthropic-api-key');
    if (apiKey) core.setSecret(apiKey);
    const token = core.getInput('github-token', { required: true });
    const failOn = choice<Severity>('fail-on', SEVERITIES);
    const tier = choice<Tier>('tier', TIERS);
    const maxUsd = dollars('max-usd');
    const configPath = core.getInput('config').trim() || undefined;

    const event = JSON.parse(await readFile(env.GITHUB_EVENT_PATH ?? '', 'utf8')) as PullRequestEvent;
    const pr = event.pull_request;
    if (!pr) throw new Error(`riskgate gates pull requests: run it on the \`pull_request\` event (this run is \`${env.GITHUB_EVENT_NAME ?? 'unknown'}\`)`);
    const [owner, repo] = (env.GITHUB_REPOSITORY ?? '').split('/');
    if (!owner || !repo) throw new Error('GITHUB_REPOSITORY is not set: riskgate must run inside a GitHub Actions job');

    const fromFork = pr.head.repo?.full_name !== pr.base.repo.full_name;
    const octokit = new ThrottledOctokit({
      auth: token,
      baseUrl: env.GITHUB_API_URL ?? 'https://api.github.com',
      userAgent: 'riskgate-action',
      // Octokit logs every failed request, an expected 404 (no config file) included; riskgate
      // reports what matters itself, so these go to the step's debug log.
      log: { debug, info: debug, warn: debug, error: debug },
      throttle: {
        // Wait out a primary limit up to twice; a secondary limit is not retried (GitHub's advice).
        onRateLimit: (_after: number, _options: unknown, _octokit: unknown, retryCount: number) => retryCount < 2,
        onSecondaryRateLimit: () => false,
      },
    });
    const github = octokitGitHub(octokit, { slug: 'github-actions' }, redact);
    // The step's env declares providers (RISKGATE_PROVIDERS) like the CLI's and the App's; the
    // anthropic-api-key input stays the way to give Anthropic's key.
    const model = openProviders({ ...env, ...(apiKey ? { ANTHROPIC_API_KEY: apiKey } : {}) });
    const modelUnavailable = model
      ? undefined
      : fromFork
        ? 'this pull request comes from a fork, and GitHub gives fork workflows no secrets, so no model could be called; a maintainer can run `riskgate review` locally or re-run from a branch'
        : 'the anthropic-api-key input is empty and no provider is declared in RISKGATE_PROVIDERS, so no model could be called';
    if (modelUnavailable) warn(`riskgate: agents not run: ${modelUnavailable}`);

    const outcome = await gatePullRequest(
      { pull: { owner, repo, pullNumber: pr.number }, expectedHeadSha: pr.head.sha, ...(event.before ? { previousHeadSha: event.before } : {}), ...(tier ? { forced: tier, explicit: true } : {}) },
      {
        github,
        checks: fromFork
          ? workflowLogSink('this pull request comes from a fork, whose token may not create check runs', redact)
          : fallbackSink(checkRunSink(github), (why) => workflowLogSink(why, redact)),
        ...(model ? { model } : { modelUnavailable: modelUnavailable! }),
        store: new FileResultStore(defaultResultDirectory(env)),
        limiter: createCallLimiter(ACTION_MAX_CONCURRENT_CALLS),
        ...(configPath ? { configPath } : {}),
        overrides: { ...(failOn ? { failOn } : {}), ...(maxUsd !== undefined ? { maxUsd } : {}) },
        offerFullRun: false,
        log: { info, warn },
      },
    );
    const conclusion = setOutputs(outcome, redact);
    if (outcome.status === 'completed') info(`riskgate: risk ${outcome.report.score.score}/100, ${outcome.report.tier} tier, ${conclusion}: ${outcome.decision.verdict.reasons.join('; ')}`);
    else info(`riskgate: ${outcome.status}${'reason' in outcome ? `: ${outcome.reason}` : 'message' in outcome ? `: ${outcome.message}` : ''}`);
    if (conclusion === 'failure') core.setFailed(redact(outcome.status === 'completed' ? `riskgate: ${outcome.decision.verdict.reasons.join('; ')}` : `riskgate: ${outcome.status}`));
  } catch (error) {
    core.setFailed(redact(`riskgate: ${error instanceof Error ? error.message : String(error)}`));
  }
}
