import { AGENTS } from '../plan/tier.js';
import type { CheckConclusion } from '../report/check-conclusion.js';
import type { CheckAnnotation } from '../report/finding-annotations.js';
import { fitCheckText } from '../report/fit-check-text.js';
import { agentCheckName, UMBRELLA_CHECK, type RenderedCheck, type RenderedGate } from '../report/render-checks.js';
import type { CheckSink, OpenedChecks } from './check-sink.js';
import type { GitHubPort, RepoRef } from './github-port.js';

// "The Checks API limits the number of annotations to a maximum of 50 per API request. To create
// more than 50 annotations, you have to make multiple requests to the Update a check run endpoint."
export const MAX_ANNOTATIONS_PER_REQUEST = 50;

/** The checks of one gate run, the umbrella first. */
export const CHECK_NAMES = [UMBRELLA_CHECK, ...AGENTS.map(agentCheckName)];

function batches(annotations: readonly CheckAnnotation[]): CheckAnnotation[][] {
  const out: CheckAnnotation[][] = [];
  for (let i = 0; i < annotations.length; i += MAX_ANNOTATIONS_PER_REQUEST) out.push(annotations.slice(i, i + MAX_ANNOTATIONS_PER_REQUEST));
  return out.length > 0 ? out : [[]];
}

// Set on every check run riskgate creates, so that a check left open by a dead run is told apart
// from other runs of the same app: in the Action that app is GitHub Actions, whose own job checks
// may carry the same name ("riskgate") and must never be taken over.
export const RISKGATE_EXTERNAL_ID = 'riskgate';

/**
 * riskgate's checks on a head that a run may finish: the ones `resume` names for this head, and for
 * the other names the newest of riskgate's own checks still in progress (left by a run that died
 * before it could record their ids). Only names found are in `ids`. `openOnly` leaves out the
 * resumed ones already completed (what a dead run got to publish stays as it is).
 */
export async function findOpenChecks(github: GitHubPort, repo: RepoRef, headSha: string, resume?: OpenedChecks, options: { openOnly?: boolean } = {}): Promise<OpenedChecks> {
  const resumed = resume?.headSha === headSha ? (resume.ids ?? {}) : {};
  const ids: Record<string, number> = {};
  for (const name of CHECK_NAMES) if (resumed[name] !== undefined) ids[name] = resumed[name];
  if (options.openOnly || CHECK_NAMES.some((name) => ids[name] === undefined)) {
    const listed = await github.listOwnCheckRuns(repo, headSha);
    if (options.openOnly) {
      for (const run of listed) if (run.status === 'completed' && ids[run.name] === run.id) delete ids[run.name];
    }
    // Newest first: the first open one of a name is the one to finish.
    for (const run of listed) {
      if (CHECK_NAMES.includes(run.name) && resumed[run.name] === undefined && ids[run.name] === undefined && run.status !== 'completed' && run.externalId === RISKGATE_EXTERNAL_ID) ids[run.name] = run.id;
    }
  }
  return { repo, headSha, ids };
}

/**
 * Check runs through the API: created `in_progress` at once, then updated in place. Writes go one
 * at a time: GitHub's secondary rate limit punishes concurrent content-creating requests.
 */
export function checkRunSink(github: GitHubPort): CheckSink {
  const idOf = (opened: OpenedChecks, name: string): number => {
    const id = opened.ids?.[name];
    if (id === undefined) throw new Error(`no ${name} check run was opened for ${opened.headSha}`);
    return id;
  };

  async function publishOne(repo: RepoRef, id: number, check: RenderedCheck): Promise<void> {
    const output = { title: check.title, summary: check.summary, ...(check.text !== undefined ? { text: check.text } : {}) };
    const parts = batches(check.annotations);
    // Every batch but the last while the run is still in progress, so the conclusion arrives with
    // the last annotations and a reader never sees a finished check with half its annotations.
    for (const part of parts.slice(0, -1)) await github.updateCheckRun(repo, id, { output: { ...output, annotations: part } });
    await github.updateCheckRun(repo, id, { conclusion: check.conclusion, output: { ...output, annotations: parts.at(-1)! }, actions: check.actions });
  }

  return {
    async open(repo, headSha, resume, onOpened) {
      const ids: Record<string, number> = {};
      const running = { title: 'Running', summary: 'riskgate is scoring this change and running the agents its tier calls for.' };
      try {
        const earlier = (await findOpenChecks(github, repo, headSha, resume)).ids ?? {};
        for (const name of CHECK_NAMES) {
          if (earlier[name] !== undefined) {
            // A retry after a crash: the same check, told the run started again.
            await github.updateCheckRun(repo, earlier[name], { output: { title: 'Running again', summary: 'riskgate stopped before finishing this run (a worker restarted) and is running it again.' } });
            ids[name] = earlier[name];
          } else {
            ids[name] = await github.createCheckRun(repo, { name, headSha, output: running, externalId: RISKGATE_EXTERNAL_ID });
          }
          // Kept before the next one is created: the retry of a run that dies now finishes this one.
          await onOpened?.({ repo, headSha, ids: { ...ids } });
        }
      } catch (error) {
        // Never leave a check spinning: the ones already created end saying why.
        const why = error instanceof Error ? error.message : String(error);
        for (const id of Object.values(ids)) await github.updateCheckRun(repo, id, { conclusion: 'failure', output: { title: 'riskgate could not start', summary: fitCheckText(`Creating this run's checks failed: ${why}`) } }).catch(() => undefined);
        throw error;
      }
      return { repo, headSha, ids };
    },

    async publish(opened, rendered: RenderedGate) {
      // The agents first: the umbrella, the check branch protection requires, concludes last.
      for (const check of [...rendered.agents, rendered.umbrella]) await publishOne(opened.repo, idOf(opened, check.name), check);
    },

    async close(opened, conclusion: CheckConclusion, title, summary) {
      // A dead run may have got to some of the checks only: those are the ones to end.
      for (const name of CHECK_NAMES) {
        const id = opened.ids?.[name];
        if (id !== undefined) await github.updateCheckRun(opened.repo, id, { conclusion, output: { title, summary: fitCheckText(summary) } });
      }
    },
  };
}
