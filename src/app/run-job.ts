import type { Probot } from 'probot';
import { checkRunSink } from '../github/check-run-sink.js';
import { closeAbandonedGate } from '../github/close-abandoned-gate.js';
import { gatePullRequest, type GateOutcome } from '../github/gate-pull-request.js';
import type { GitHubPort, RepoRef } from '../github/github-port.js';
import { octokitGitHub, type RestClient } from '../github/octokit-github.js';
import type { CheckActionJobData, CommandJobData, GateJobData, RunningJob } from '../queue/job-queue.js';
import { JobAbortedError } from '../queue/job-aborted-error.js';
import type { AppDependencies } from './riskgate-app.js';
import { WRITE_ROLES } from '../github/write-roles.js';
import { GATES_HELP } from './gates-command.js';

// A gate run claimed by a job that is not this one, and not renewed for this long, is taken
// over: longer than any run (agent timeouts are minutes), so a live run is never taken.
export const GATE_RUN_LEASE_MS = 30 * 60 * 1000;

type JobContext = { github: GitHubPort; log: { info(m: string): void; warn(m: string): void } };

async function runGateJob(deps: AppDependencies, job: RunningJob, data: GateJobData, { github, log }: JobContext): Promise<GateOutcome> {
  return gatePullRequest(
    {
      pull: data.pull,
      ...(data.headSha ? { expectedHeadSha: data.headSha } : {}),
      ...(data.previousHeadSha ? { previousHeadSha: data.previousHeadSha } : {}),
      ...(data.forced ? { forced: data.forced } : {}),
      ...(data.explicit ? { explicit: true } : {}),
    },
    {
      github,
      checks: checkRunSink(github),
      ...(deps.model ? { model: deps.model } : { modelUnavailable: 'the riskgate App has no ANTHROPIC_API_KEY, so only the risk score ran' }),
      store: deps.store,
      limiter: deps.limiter,
      ...(deps.stateKey ? { stateKey: deps.stateKey } : {}),
      offerFullRun: true,
      log,
      signal: job.signal,
      durable: {
        installationId: data.installationId,
        jobId: job.id,
        runs: deps.store,
        ledger: deps.store,
        ...(deps.budgets ? { budgets: { store: deps.store, limits: deps.budgets } } : {}),
        runLeaseMs: deps.runLeaseMs ?? GATE_RUN_LEASE_MS,
      },
      ...(deps.metrics ? { metrics: deps.metrics } : {}),
      ...(deps.prepare ? { prepare: deps.prepare } : {}),
    },
  );
}

// A refused user is answered once per pull request in this window, whichever process takes the
// command; the rest get nothing, not even a reaction: each answer is a write GitHub rate-limits
// for the whole installation, and a reader could otherwise spend it 100 comments at a time.
export const REFUSAL_REPLY_WINDOW_MS = 60 * 60 * 1000;

const pullKey = (repo: RepoRef, number: number) => `${repo.owner}/${repo.repo}#${number}`.toLowerCase();

/**
 * A command or a re-run on a closed or merged pull request does nothing; the first one on that
 * pull request is told why. True when the pull request is closed.
 */
async function refuseClosed(deps: AppDependencies, github: GitHubPort, repo: RepoRef, number: number, log: JobContext['log']): Promise<boolean> {
  const pull = await github.getPull({ ...repo, pullNumber: number });
  if (pull.state === 'open') return false;
  const state = pull.merged ? 'merged' : 'closed';
  log.info(`${pullKey(repo, number)} is ${state}; the command does nothing`);
  if (await deps.store.claimReply(`closed:${pullKey(repo, number)}`, Date.now())) {
    await github.commentOnPull(repo, number, `This pull request is ${state}, so riskgate does not gate it: \`/gates\` commands and re-runs on it do nothing.${pull.merged ? '' : ' Reopen it to have it gated again.'}`);
  }
  return true;
}

/** A `/gates` comment: only writers may spend the repository's budget; the gate is a job of its own. */
async function runCommandJob(deps: AppDependencies, data: CommandJobData, { github, log }: JobContext): Promise<void> {
  const { repo, command, sender, commentId, issueNumber } = data;
  if (!WRITE_ROLES.has(await github.permissionOf(repo, sender))) {
    if (!(await deps.store.claimReply(`refused:${pullKey(repo, issueNumber)}:${sender.toLowerCase()}`, Date.now(), REFUSAL_REPLY_WINDOW_MS))) {
      log.info(`${sender} may not run /gates on ${pullKey(repo, issueNumber)} and was told so within the hour; not answered again`);
      return;
    }
    await github.reactToComment(repo, commentId, 'confused');
    await github.commentOnPull(repo, issueNumber, `@${sender} \`/gates\` commands need write access to this repository; riskgate did not run. Further commands from you on this pull request within the hour get no answer.`);
    return;
  }
  if (await refuseClosed(deps, github, repo, issueNumber, log)) return;
  if (command.kind === 'help' || command.kind === 'unknown') {
    await github.reactToComment(repo, commentId, command.kind === 'help' ? 'eyes' : 'confused');
    await github.commentOnPull(repo, issueNumber, command.kind === 'help' ? GATES_HELP : `Unknown command \`/gates ${command.word.replace(/`/g, '')}\`.\n\n${GATES_HELP}`);
    return;
  }
  await github.reactToComment(repo, commentId, 'rocket');
  await deps.queue.enqueue({
    kind: 'gate',
    deliveryId: `${data.deliveryId}:gate`,
    installationId: data.installationId,
    pull: { ...repo, pullNumber: issueNumber },
    explicit: true,
    ...(command.kind === 'full' ? { forced: 'full' as const } : {}),
  });
}

async function runCheckActionJob(deps: AppDependencies, data: CheckActionJobData, { github, log }: JobContext): Promise<void> {
  if (!WRITE_ROLES.has(await github.permissionOf(data.repo, data.sender))) {
    log.info(`${data.sender} may not re-run riskgate on ${data.repo.owner}/${data.repo.repo}; ignored`);
    return;
  }
  if (await refuseClosed(deps, github, data.repo, data.pullNumber, log)) return;
  await deps.queue.enqueue({
    kind: 'gate',
    deliveryId: `${data.deliveryId}:gate`,
    installationId: data.installationId,
    pull: { ...data.repo, pullNumber: data.pullNumber },
    headSha: data.headSha,
    explicit: true,
    ...(data.full ? { forced: 'full' as const } : {}),
  });
}

/**
 * Ends what the dead runs of a gate job left open (its checks, its gate runs): the job was
 * superseded after its worker died, or it died on every attempt. Also called from onFailed.
 */
export async function closeDeadGateJob(app: Probot, deps: AppDependencies, job: RunningJob, why: 'superseded' | 'exhausted'): Promise<void> {
  if (job.data.kind !== 'gate') return;
  const { data } = job;
  const github = octokitGitHub((await app.auth(data.installationId)) as unknown as RestClient, { id: deps.appId }, deps.redact);
  const log = app.log.child({ name: 'riskgate', job: job.id, attempt: job.attempt });
  // This run of a superseded job is not one that died.
  const deaths = why === 'superseded' ? job.attempt - 1 : job.attempt;
  await closeAbandonedGate(
    { jobId: job.id, pull: data.pull, ...(data.headSha ? { headSha: data.headSha } : {}), deaths, why },
    { github, checks: checkRunSink(github), runs: deps.store, log: { info: (m) => log.info(m), warn: (m) => log.warn(m) } },
  );
}

/** The queue hands a superseded job whose earlier run died to a worker with its signal already aborted. */
const supersededBeforeStart = (job: RunningJob) => job.signal.aborted && job.signal.reason instanceof JobAbortedError && job.signal.reason.abortCause === 'superseded';

/**
 * Runs one queued job with an installation token, which probot mints (and caches) per
 * installation: a job may run on another machine, long after its webhook.
 */
export async function runJob(app: Probot, deps: AppDependencies, job: RunningJob): Promise<void> {
  const { data } = job;
  deps.metrics?.jobStarted(data.kind, Date.now() - job.enqueuedAt);
  const octokit = await app.auth(data.installationId);
  const log = app.log.child({ name: 'riskgate', job: job.id, attempt: job.attempt });
  const context: JobContext = { github: octokitGitHub(octokit as unknown as RestClient, { id: deps.appId }, deps.redact), log: { info: (m) => log.info(m), warn: (m) => log.warn(m) } };
  switch (data.kind) {
    case 'gate': {
      if (supersededBeforeStart(job)) {
        await closeDeadGateJob(app, deps, job, 'superseded');
        deps.metrics?.jobFinished('gate', 'superseded');
        return;
      }
      const outcome = await runGateJob(deps, job, data, context);
      deps.metrics?.jobFinished('gate', outcome.status === 'superseded' ? 'superseded' : 'completed');
      return;
    }
    case 'command':
      await runCommandJob(deps, data, context);
      break;
    case 'check-action':
      await runCheckActionJob(deps, data, context);
      break;
  }
  deps.metrics?.jobFinished(data.kind, 'completed');
}
