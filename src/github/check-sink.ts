import type { CheckConclusion } from '../report/check-conclusion.js';
import type { RenderedGate } from '../report/render-checks.js';
import type { RepoRef } from './github-port.js';

/** The checks of one gate run, as a sink opened them. */
export interface OpenedChecks {
  repo: RepoRef;
  headSha: string;
}

/**
 * Where a gate's result goes: check runs through the API, or, where the token may not create
 * them (a fork PR's workflow), the workflow log and job summary.
 */
export interface CheckSink {
  /** Shows the run as started, at once: `in_progress` checks. */
  open(repo: RepoRef, headSha: string): Promise<OpenedChecks>;
  publish(opened: OpenedChecks, rendered: RenderedGate): Promise<void>;
  /** Ends every check the same way, for outcomes with no findings to show (superseded, broken config, a crash). */
  close(opened: OpenedChecks, conclusion: CheckConclusion, title: string, summary: string): Promise<void>;
}
