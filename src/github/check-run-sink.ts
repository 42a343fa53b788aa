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

const CHECK_NAMES = [UMBRELLA_CHECK, ...AGENTS.map(agentCheckName)];

function batches(annotations: readonly CheckAnnotation[]): CheckAnnotation[][] {
  const out: CheckAnnotation[][] = [];
  for (let i = 0; i < annotations.length; i += MAX_ANNOTATIONS_PER_REQUEST) out.push(annotations.slice(i, i + MAX_ANNOTATIONS_PER_REQUEST));
  return out.length > 0 ? out : [[]];
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
    async open(repo, headSha, resume) {
      const ids: Record<string, number> = {};
      const running = { title: 'Running', summary: 'riskgate is scoring this change and running the agents its tier calls for.' };
      try {
        for (const name of CHECK_NAMES) {
          const earlier = resume?.headSha === headSha ? resume.ids?.[name] : undefined;
          if (earlier !== undefined) {
            // A retry after a crash: the same check, told the run started again.
            await github.updateCheckRun(repo, earlier, { output: { title: 'Running again', summary: 'riskgate stopped before finishing this run (a worker restarted) and is running it again.' } });
            ids[name] = earlier;
          } else {
            ids[name] = await github.createCheckRun(repo, { name, headSha, output: running });
          }
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
      for (const name of CHECK_NAMES) await github.updateCheckRun(opened.repo, idOf(opened, name), { conclusion, output: { title, summary: fitCheckText(summary) } });
    },
  };
}
