import type { ApplicationFunction, ApplicationFunctionOptions, Context, Probot } from 'probot';
import type { BudgetLimits } from '../budget/budget-limits.js';
import type { RepoRef } from '../github/github-port.js';
import type { Metrics } from '../metrics/metrics.js';
import type { StructuredModel } from '../model/model-port.js';
import type { JobData, JobQueue } from '../queue/job-queue.js';
import { RUN_FULL_ACTION } from '../report/render-checks.js';
import type { CallLimiter } from '../run/call-limiter.js';
import type { ChangePreparer } from '../run/change-preparer.js';
import type { Redact } from '../security/redact-secrets.js';
import type { RiskgateStore } from '../store/riskgate-store.js';
import { parseGatesCommand } from './gates-command.js';
import { closeDeadGateJob, runJob } from './run-job.js';
import { capWebhookBodies } from './webhook-body-cap.js';

export interface AppDependencies {
  appId: number;
  queue: JobQueue;
  /** Absent when the App has no Anthropic key: the score still runs and the checks say why. */
  model?: StructuredModel;
  store: RiskgateStore;
  limiter: CallLimiter;
  /** Signs the state carried between pushes (stateKeyFromEnv); absent, states are unsigned. */
  stateKey?: Uint8Array;
  metrics?: Metrics;
  /** The operator's budgets; absent = no limit beyond each run's `run.max_usd`. */
  budgets?: BudgetLimits;
  /** Work queued jobs in this process (default); a web-only process leaves them to workers. */
  work?: boolean;
  /** Overrides GATE_RUN_LEASE_MS (tests). */
  runLeaseMs?: number;
  /** Where changes are scored: a worker thread with a deadline in `npm start`; in-process when absent (tests). */
  prepare?: ChangePreparer;
  /** More HTTP routes on the App's server: /metrics, /dashboard. */
  routes?: HttpRoute;
  /** Applied to everything posted to GitHub (the App's secrets by value, credential shapes); default: the shapes. */
  redact?: Redact;
}

/** A route on the App's HTTP server (probot's handler shape): true when it answered the request. */
export type HttpRoute = Parameters<ApplicationFunctionOptions['addHandler']>[0];

const GATED_ACTIONS = ['pull_request.opened', 'pull_request.synchronize', 'pull_request.reopened', 'pull_request.ready_for_review'] as const;

function repoOf(context: Context): RepoRef {
  const { owner, repo } = context.repo();
  return { owner, repo };
}

function installationOf(context: Context): number {
  const id = (context.payload as { installation?: { id?: number } }).installation?.id;
  if (!id) throw new Error(`delivery ${context.id} (${context.name}) names no installation; riskgate acts only as an installed App`);
  return id;
}

/**
 * The riskgate GitHub App. A webhook is answered once its job is durably queued, and not before:
 * an answered webhook is never lost. Workers (this process, or others sharing the queue) run the
 * jobs with installation tokens. Commands come only from people who may write to the repository.
 */
export function riskgateApp(deps: AppDependencies): ApplicationFunction {
  return (app: Probot, options) => {
    capWebhookBodies(app);
    const enqueue = async (context: Context, data: JobData) => {
      const result = await deps.queue.enqueue(data);
      deps.metrics?.webhookReceived(context.name, result === 'duplicate' ? 'duplicate' : 'queued');
      if (result === 'duplicate') context.log.info(`delivery ${data.deliveryId} was already accepted; ignored`);
    };
    const ignored = (context: Context) => deps.metrics?.webhookReceived(context.name, 'ignored');

    app.on([...GATED_ACTIONS], async (context) => {
      const pr = context.payload.pull_request;
      const before = context.payload.action === 'synchronize' ? context.payload.before : undefined;
      await enqueue(context, {
        kind: 'gate',
        deliveryId: context.id,
        installationId: installationOf(context),
        pull: { ...repoOf(context), pullNumber: pr.number },
        headSha: pr.head.sha,
        ...(before ? { previousHeadSha: before } : {}),
      });
    });

    app.on('issue_comment.created', async (context) => {
      const { comment, issue, sender } = context.payload;
      // Only new comments on pull requests by people: edits are not replayed, and the App's own
      // replies (or another bot's) must never trigger it.
      const command = issue.pull_request && sender.type !== 'Bot' && comment.user?.type !== 'Bot' && !comment.performed_via_github_app ? parseGatesCommand(comment.body) : undefined;
      if (!command) return ignored(context);
      await enqueue(context, {
        kind: 'command',
        deliveryId: context.id,
        installationId: installationOf(context),
        repo: repoOf(context),
        issueNumber: issue.number,
        commentId: comment.id,
        sender: sender.login,
        command,
      });
    });

    app.on(['check_run.rerequested', 'check_run.requested_action'], async (context) => {
      const { check_run: run, sender } = context.payload;
      // Only runs this App made; a fork PR's check run lists no pull request, so there is nothing to re-run.
      if (run.app?.id !== deps.appId) return ignored(context);
      const pull = run.pull_requests[0];
      if (!pull) {
        context.log.warn(`check run ${run.id} lists no pull request (a fork PR?); not re-run`);
        return ignored(context);
      }
      const full = context.payload.action === 'requested_action' && context.payload.requested_action?.identifier === RUN_FULL_ACTION.identifier;
      await enqueue(context, {
        kind: 'check-action',
        deliveryId: context.id,
        installationId: installationOf(context),
        repo: repoOf(context),
        pullNumber: pull.number,
        headSha: run.head_sha,
        sender: sender.login,
        full,
      });
    });

    if (deps.routes) options.addHandler(deps.routes);
    if (deps.work !== false) {
      deps.queue.start(
        (job) => runJob(app, deps, job),
        (job, error, failure) => {
          deps.metrics?.jobFinished(job.data.kind, 'failed');
          app.log.error({ err: error, job: job.id, delivery: job.data.deliveryId }, `riskgate: ${job.data.kind} job ${job.id} failed on attempt ${job.attempt}`);
          // Its process died on every attempt: nothing else will end the checks its runs opened.
          if (failure === 'exhausted') {
            closeDeadGateJob(app, deps, job, 'exhausted').catch((trouble: unknown) =>
              app.log.error({ err: trouble, job: job.id }, `riskgate: could not close the checks of job ${job.id}, which died on each of its runs`),
            );
          }
        },
      );
    }
  };
}
