import type { Probot } from 'probot';
import { checkRunSink } from '../github/check-run-sink.js';
import { gatePullRequest, type GateOutcome } from '../github/gate-pull-request.js';
import type { GitHubPort } from '../github/github-port.js';
import { octokitGitHub, type RestClient } from '../github/octokit-github.js';
import type { CheckActionJobData, CommandJobData, GateJobData, RunningJob } from '../queue/job-queue.js';
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
    },
  );
}

/** A `/gates` comment: only writers may spend the repository's budget; the gate is a job of its own. */
async function runCommandJob(deps: AppDependencies, data: CommandJobData, { github }: JobContext): Promise<void> {
  const { repo, command, sender, commentId, issueNumber } = data;
  if (!WRITE_ROLES.has(await github.permissionOf(repo, sender))) {
    await github.reactToComment(repo, commentId, 'confused');
    await github.commentOnPull(repo, issueNumber, `@${sender} \`/gates\` commands need write access to this repository; riskgate did not run.`);
    return;
  }
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
