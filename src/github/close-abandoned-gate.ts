import type { GateRunStore, UnfinishedRun } from '../store/gate-runs.js';
import { CHECK_NAMES, findOpenChecks, RISKGATE_EXTERNAL_ID } from './check-run-sink.js';
import type { CheckSink } from './check-sink.js';
import { exhaustedGateOutcome } from './exhausted-gate-outcome.js';
import type { GateLog } from './gate-pull-request.js';
import type { GitHubPort, PullRequestRef } from './github-port.js';

/** A gate job whose worker died during its last run, and that will not gate again. */
export interface AbandonedGate {
  /** The job: the owner of the gate runs it claimed. */
  jobId: string;
  pull: PullRequestRef;
  /** The head its event named, if any. */
  headSha?: string;
  /** How many of its runs died. */
  deaths: number;
  /** A newer head superseded it, or it ran out of attempts. */
  why: 'superseded' | 'exhausted';
}

export interface AbandonedGateServices {
  github: GitHubPort;
  checks: CheckSink;
  runs: GateRunStore;
  log: GateLog;
}

const short = (sha: string) => sha.slice(0, 7);

/**
 * Ends what the dead runs of a gate job left: every check they opened (found by the ids their
 * gate runs kept, and by name on the head for any created after) and their `gate_runs` rows.
 * A head the pull request has left is closed `cancelled`, superseded; the head it is still on,
 * after the job ran out of attempts, concludes as exhaustedGateOutcome says, its checks created if
 * the job died before opening them, so the gate never waits forever and never passes.
 */
export async function closeAbandonedGate(gate: AbandonedGate, { github, checks, runs, log }: AbandonedGateServices): Promise<void> {
  const current = (await github.getPull(gate.pull)).headSha;
  const unfinished: Array<Partial<UnfinishedRun> & { headSha: string }> = await runs.unfinishedRunsOf(gate.jobId);
  // A job that died before claiming a run opened no checks through it, but still has a head to answer for.
  if (unfinished.length === 0) {
    const head = gate.headSha ?? (gate.why === 'exhausted' ? current : undefined);
    if (head) unfinished.push({ headSha: head });
  }
  for (const run of unfinished) {
    const now = Date.now();
    const finish = async (state: 'superseded' | 'errored', conclusion: string) => {
      if (run.runKey) await runs.finishRun(run.runKey, { state, conclusion, durationMs: now - (run.startedAt ?? now), usd: 0, savedUsd: 0, findings: [] }, now, gate.jobId);
    };
    // What the dead run got to publish stays; the rest it opened is ended here.
    const opened = await findOpenChecks(github, gate.pull, run.headSha, run.checks, { openOnly: true });
    if (gate.why === 'exhausted' && run.headSha === current) {
      const outcome = exhaustedGateOutcome(gate.deaths);
      const published = new Set(CHECK_NAMES.filter((name) => run.checks?.headSha === run.headSha && run.checks.ids?.[name] !== undefined && opened.ids?.[name] === undefined));
      // The missing checks are created to be concluded: a gate that never opened its checks (the
      // job died before) would otherwise wait forever, and a required check must not pass unseen.
      const ids = { ...opened.ids };
      for (const name of CHECK_NAMES.filter((n) => !published.has(n))) ids[name] ??= await github.createCheckRun(gate.pull, { name, headSha: run.headSha, output: { title: outcome.title, summary: outcome.summary }, externalId: RISKGATE_EXTERNAL_ID });
      await checks.close({ ...opened, ids }, outcome.conclusion, outcome.title, outcome.summary);
      await finish('errored', outcome.conclusion);
      log.warn(`PR #${gate.pull.pullNumber} at ${short(run.headSha)}: job ${gate.jobId} died on each of ${gate.deaths} runs; its checks concluded ${outcome.conclusion}`);
      continue;
    }
    const [title, summary] =
      run.headSha === current
        ? ['Stopped', 'riskgate stopped before finishing this run (its worker died), and a newer request for this head replaced it.']
        : [`Superseded by ${short(current)}`, `The pull request moved to ${current} while this run was stopped (its worker died); its results were dropped. The new head gets its own run.`];
    await checks.close(opened, 'cancelled', title, summary);
    await finish('superseded', 'cancelled');
    log.info(`PR #${gate.pull.pullNumber} at ${short(run.headSha)}: closed what job ${gate.jobId} left open when its worker died (${title})`);
  }
}
