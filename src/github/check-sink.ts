import type { CheckConclusion } from '../report/check-conclusion.js';
import type { RenderedGate, RunningOutput } from '../report/render-checks.js';
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
   * Shows the run as started: the umbrella `in_progress`, saying `running` (the score, the tier and
   * which agent runs on which model) when given. `resume` are the checks an attempt that died
   * opened for this same run, and riskgate's own checks still in progress on the head are taken
   * over by name: they are finished instead of a second set being created. `onOpened` hears of
   * each check as it is created or taken over, so a crash between two creations loses no id.
   */
  open(repo: RepoRef, headSha: string, resume?: OpenedChecks, onOpened?: (opened: OpenedChecks) => Promise<void>, running?: RunningOutput): Promise<OpenedChecks>;
  /** Concludes the umbrella, then writes the agent checks (created completed where none is open). */
  publish(opened: OpenedChecks, rendered: RenderedGate): Promise<void>;
  /** Ends every check opened (all of them, or those a dead run got to) the same way, for outcomes with no findings to show (superseded, broken config, a crash). */
  close(opened: OpenedChecks, conclusion: CheckConclusion, title: string, summary: string): Promise<void>;
}
