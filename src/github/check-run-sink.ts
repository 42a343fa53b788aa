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
 * Check runs through the API, written as few times as the result allows: GitHub's secondary rate
 * limit spaces an installation's writes a second apart (octokit's throttling plugin waits them
 * out), so each write after the last model answer adds about a second before the conclusion.
 * `open` creates the umbrella alone, `in_progress` with the score and the plan; `publish` concludes
 * the umbrella in one update, then creates each agent check already completed. Writes go one at a
 * time: the secondary limit punishes concurrent content-creating requests.
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

  /** An agent check nobody opened: created completed in one write, unless its annotations need more. */
  async function createDone(repo: RepoRef, headSha: string, check: RenderedCheck): Promise<void> {
    const output = { title: check.title, summary: check.summary, ...(check.text !== undefined ? { text: check.text } : {}) };
    const parts = batches(check.annotations);
    if (parts.length === 1) {
      await github.createCheckRun(repo, { name: check.name, headSha, output: { ...output, annotations: parts[0]! }, externalId: RISKGATE_EXTERNAL_ID, conclusion: check.conclusion, actions: check.actions });
      return;
    }
    const id = await github.createCheckRun(repo, { name: check.name, headSha, output: { ...output, annotations: parts[0]! }, externalId: RISKGATE_EXTERNAL_ID });
    await publishOne(repo, id, { ...check, annotations: parts.slice(1).flat() });
  }

  return {
    async open(repo, headSha, resume, onOpened, running) {
      const ids: Record<string, number> = {};
      const output = running ?? { title: 'Running', summary: 'riskgate is scoring this change and running the agents its tier calls for.' };
      try {
        // Checks a dead attempt left in progress are taken over by name (agent checks too, as
        // riskgate before this one opened them all); only the umbrella is created anew.
        const earlier = (await findOpenChecks(github, repo, headSha, resume)).ids ?? {};
        for (const name of CHECK_NAMES) {
          if (earlier[name] !== undefined) {
            // A retry after a crash: the same check, told the run started again.
            await github.updateCheckRun(repo, earlier[name], { output: { title: 'Running again', summary: `riskgate stopped before finishing this run (a worker restarted) and is running it again.${running ? `\n\n${running.summary}` : ''}` } });
            ids[name] = earlier[name];
          } else if (name === UMBRELLA_CHECK) {
            ids[name] = await github.createCheckRun(repo, { name, headSha, output, externalId: RISKGATE_EXTERNAL_ID });
          } else {
            continue;
          }
          // Kept before the next write: the retry of a run that dies now finishes this one.
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
      // The umbrella first, in one write: it is the gate branch protection requires and it lists
      // every finding, so the conclusion never waits on the agent checks' writes. Those follow,
      // each created completed (or finished in place, when a check was taken over in progress).
      await publishOne(opened.repo, idOf(opened, UMBRELLA_CHECK), rendered.umbrella);
      for (const check of rendered.agents) {
        const id = opened.ids?.[check.name];
        if (id !== undefined) await publishOne(opened.repo, id, check);
        else await createDone(opened.repo, opened.headSha, check);
      }
    },

    async close(opened, conclusion: CheckConclusion, title, summary) {
      const output = { title, summary: fitCheckText(summary) };
      // A dead run may have got to some of the checks only: those are ended. The agent checks a run
      // with an open umbrella never got to create are created ended the same way, so every name of
      // the run says how it ended; one riskgate wrote on this head already (published) is left.
      const ids = opened.ids ?? {};
      const missing = CHECK_NAMES.filter((name) => name !== UMBRELLA_CHECK && ids[name] === undefined);
      let existing = new Set<string>();
      if (ids[UMBRELLA_CHECK] !== undefined && missing.length > 0) {
        existing = new Set((await github.listOwnCheckRuns(opened.repo, opened.headSha)).filter((run) => run.externalId === RISKGATE_EXTERNAL_ID).map((run) => run.name));
      }
      for (const name of CHECK_NAMES) {
        const id = ids[name];
        if (id !== undefined) await github.updateCheckRun(opened.repo, id, { conclusion, output });
        else if (ids[UMBRELLA_CHECK] !== undefined && !existing.has(name)) {
          await github.createCheckRun(opened.repo, { name, headSha: opened.headSha, output, externalId: RISKGATE_EXTERNAL_ID, conclusion });
        }
      }
    },
  };
}
