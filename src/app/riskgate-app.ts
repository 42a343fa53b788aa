import type { ApplicationFunction, Context, Probot } from 'probot';
import { checkRunSink } from '../github/check-run-sink.js';
import { gatePullRequest, type GateRequest } from '../github/gate-pull-request.js';
import type { GitHubPort, PullRequestRef, RepoRef } from '../github/github-port.js';
import { octokitGitHub, type RestClient } from '../github/octokit-github.js';
import type { StructuredModel } from '../model/model-port.js';
import { RUN_FULL_ACTION } from '../report/render-checks.js';
import type { CallLimiter } from '../run/call-limiter.js';
import type { ResultStore } from '../store/result-store.js';
import { COMMAND_ROLES, GATES_HELP, parseGatesCommand } from './gates-command.js';
import type { JobQueue } from './job-queue.js';

export interface AppDependencies {
  appId: number;
  queue: JobQueue;
  /** Absent when the App has no Anthropic key: the score still runs and the checks say why. */
  model?: StructuredModel;
  store: ResultStore;
  limiter: CallLimiter;
}

const GATED_ACTIONS = ['pull_request.opened', 'pull_request.synchronize', 'pull_request.reopened', 'pull_request.ready_for_review'] as const;

function repoOf(context: Context): RepoRef {
  const { owner, repo } = context.repo();
  return { owner, repo };
}

/**
 * The riskgate GitHub App. Every handler only decides and enqueues, so the webhook is answered
 * at once; the queue runs the gate. Commands come only from people who may write to the repository.
 */
export function riskgateApp(deps: AppDependencies): ApplicationFunction {
  return (app: Probot) => {
    const portFor = (context: Context) => octokitGitHub(context.octokit as unknown as RestClient, { id: deps.appId });

    /** Queues a gate of the PR's head; jobs for one PR run in turn and a newer one replaces a waiting one. */
    const enqueueGate = (context: Context, deliveryId: string, pull: PullRequestRef, request: Omit<GateRequest, 'pull'>) => {
      const github = portFor(context);
      const log = { info: (m: string) => context.log.info(m), warn: (m: string) => context.log.warn(m) };
      const result = deps.queue.enqueue({
        deliveryId,
        key: `${pull.owner}/${pull.repo}#${pull.pullNumber}`,
        run: async () => {
          await gatePullRequest(
            { pull, ...request },
            {
              github,
              checks: checkRunSink(github),
              ...(deps.model ? { model: deps.model } : { modelUnavailable: 'the riskgate App has no ANTHROPIC_API_KEY, so only the risk score ran' }),
              store: deps.store,
              limiter: deps.limiter,
              offerFullRun: true,
              log,
            },
          );
        },
      });
      if (result === 'duplicate') context.log.info(`delivery ${deliveryId} was already accepted; ignored`);
    };

    /**
     * Queues a request from a person (a command, a button). It has its own key, so a refused request
     * can never displace a maintainer's waiting gate; only once the sender's role is confirmed does
     * it queue the gate itself.
     */
    const enqueueRequest = (context: Context, work: (github: GitHubPort, repo: RepoRef) => Promise<void>) => {
      const result = deps.queue.enqueue({ deliveryId: context.id, key: `request:${context.id}`, run: () => work(portFor(context), repoOf(context)) });
      if (result === 'duplicate') context.log.info(`delivery ${context.id} was already accepted; ignored`);
    };

    app.on([...GATED_ACTIONS], async (context) => {
      const pr = context.payload.pull_request;
      const before = context.payload.action === 'synchronize' ? context.payload.before : undefined;
      enqueueGate(context, context.id, { ...repoOf(context), pullNumber: pr.number }, { expectedHeadSha: pr.head.sha, ...(before ? { previousHeadSha: before } : {}) });
    });

    app.on('issue_comment.created', async (context) => {
      const { comment, issue, sender } = context.payload;
      // Only new comments on pull requests by people: edits are not replayed, and the App's own
      // replies (or another bot's) must never trigger it.
      if (!issue.pull_request || sender.type === 'Bot' || comment.user?.type === 'Bot' || comment.performed_via_github_app) return;
      const command = parseGatesCommand(comment.body);
      if (!command) return;
      enqueueRequest(context, async (github, repo) => {
        if (!COMMAND_ROLES.has(await github.permissionOf(repo, sender.login))) {
          await github.reactToComment(repo, comment.id, 'confused');
          await github.commentOnPull(repo, issue.number, `@${sender.login} \`/gates\` commands need write access to this repository; riskgate did not run.`);
          return;
        }
        if (command.kind === 'help' || command.kind === 'unknown') {
          await github.reactToComment(repo, comment.id, command.kind === 'help' ? 'eyes' : 'confused');
          await github.commentOnPull(repo, issue.number, command.kind === 'help' ? GATES_HELP : `Unknown command \`/gates ${command.word.replace(/`/g, '')}\`.\n\n${GATES_HELP}`);
          return;
        }
        await github.reactToComment(repo, comment.id, 'rocket');
        enqueueGate(context, `${context.id}:gate`, { ...repo, pullNumber: issue.number }, { explicit: true, ...(command.kind === 'full' ? { forced: 'full' as const } : {}) });
      });
    });

    app.on(['check_run.rerequested', 'check_run.requested_action'], async (context) => {
      const { check_run: run, sender } = context.payload;
      // Only runs this App made; a fork PR's check run lists no pull request, so there is nothing to re-run.
      if (run.app?.id !== deps.appId) return;
      const pull = run.pull_requests[0];
      if (!pull) {
        context.log.warn(`check run ${run.id} lists no pull request (a fork PR?); not re-run`);
        return;
      }
      const full = context.payload.action === 'requested_action' && context.payload.requested_action?.identifier === RUN_FULL_ACTION.identifier;
      enqueueRequest(context, async (github, repo) => {
        if (!COMMAND_ROLES.has(await github.permissionOf(repo, sender.login))) {
          context.log.info(`${sender.login} may not re-run riskgate on ${repo.owner}/${repo.repo}; ignored`);
          return;
        }
        enqueueGate(context, `${context.id}:gate`, { ...repo, pullNumber: pull.number }, { explicit: true, expectedHeadSha: run.head_sha, ...(full ? { forced: 'full' as const } : {}) });
      });
    });
  };
}
