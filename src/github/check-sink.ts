import type { CheckConclusion } from '../report/check-conclusion.js';
import type { RenderedGate } from '../report/render-checks.js';
import type { RepoRef } from './github-port.js';

/** The checks of one gate run, as a sink opened them: plain JSON, so a retried job can finish them. */
export interface OpenedChecks {
  repo: RepoRef;
  headSha: string;
  /** Check run ids by check name (check runs only). */
  ids?: Record<string, number>;
}

/**
 * Where a gate's result goes: check runs through the API, or, where the token may not create
 * them (a fork PR's workflow), the workflow log and job summary.
 */
export interface CheckSink {
  /**
   * Shows the run as started: `in_progress` checks. `resume` are the checks an attempt that died
   * opened for this same run: they are finished instead of a second set being created.
   */
  open(repo: RepoRef, headSha: string, resume?: OpenedChecks): Promise<OpenedChecks>;
  publish(opened: OpenedChecks, rendered: RenderedGate): Promise<void>;
  /** Ends every check the same way, for outcomes with no findings to show (superseded, broken config, a crash). */
  close(opened: OpenedChecks, conclusion: CheckConclusion, title: string, summary: string): Promise<void>;
}
