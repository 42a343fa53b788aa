import { readGateState, type GateState, type StateSeal } from '../report/gate-state.js';
import { UMBRELLA_CHECK } from '../report/render-checks.js';
import type { GitHubPort, PullRequestRef } from './github-port.js';

// Heads looked up beyond the current one and the push's `before`, newest first. A head whose run
// was superseded (dropped before it started, or closed cancelled) or errored wrote no state, and
// a push of several commits leaves commits that were never a head: 20 covers a run of quick pushes
// of a few commits each, at one lookup per commit, while a PR with no state anywhere (opened before
// riskgate was installed, every run failed) costs at most 20 more reads per push.
export const MAX_EARLIER_HEADS = 20;
// Lookups sent at once: the walk stays short without a burst of reads.
const LOOKUPS_AT_ONCE = 5;

export interface PreviousStateOptions {
  /** Verifies the App's signed states; absent (the Action), states are read unsigned. */
  seal?: StateSeal;
  log: { info(message: string): void; warn(message: string): void };
}

const short = (sha: string) => sha.slice(0, 7);

/**
 * The newest state riskgate left on this pull request: on the head itself (a rerun), on the head
 * before this push, or else on the newest earlier commit of the PR that has one, at most
 * MAX_EARLIER_HEADS commits back. After a force push the old heads are no longer among the PR's
 * commits: the push's own `before` is still looked up, the commits that replaced the old ones are
 * walked, and a state older than that is not found. A state that does not verify, or that names
 * another head than the commit it sits on, is ignored and logged, and the walk goes on.
 */
export async function readPreviousState(
  github: GitHubPort,
  pull: PullRequestRef,
  heads: { current: string; before?: string },
  options: PreviousStateOptions,
): Promise<GateState | undefined> {
  const where = `${pull.owner}/${pull.repo}#${pull.pullNumber}`;
  const lookedUp = new Set<string>();
  const stateOn = async (sha: string): Promise<GateState | undefined> => {
    lookedUp.add(sha);
    const run = await github.findOwnCheckRun(pull, sha, UMBRELLA_CHECK);
    const reading = readGateState(run?.text, options.seal);
    if ('problem' in reading) {
      options.log.warn(`${where}: the riskgate state on ${short(sha)} was ignored: ${reading.problem}`);
      return undefined;
    }
    if ('none' in reading) return undefined;
    if (reading.state.headSha !== sha) {
      options.log.warn(`${where}: the riskgate state on ${short(sha)} was ignored: it names another head (${short(reading.state.headSha)})`);
      return undefined;
    }
    return reading.state;
  };

  for (const sha of [heads.current, heads.before]) {
    if (!sha || lookedUp.has(sha)) continue;
    const state = await stateOn(sha);
    if (state) return state;
  }
  if (!heads.before) return undefined;

  // The PR's commits, oldest first: the ones older than `before`, or after a force push (when
  // `before` is not among them) every one but the head.
  const commits = await github.listPullCommits(pull);
  const at = commits.indexOf(heads.before);
  const earlier = (at >= 0 ? commits.slice(0, at) : commits.filter((sha) => sha !== heads.current))
    .reverse()
    .filter((sha) => !lookedUp.has(sha))
    .slice(0, MAX_EARLIER_HEADS);
  for (let i = 0; i < earlier.length; i += LOOKUPS_AT_ONCE) {
    const batch = earlier.slice(i, i + LOOKUPS_AT_ONCE);
    const states = await Promise.all(batch.map(stateOn));
    const found = states.findIndex((s) => s !== undefined);
    if (found !== -1) {
      options.log.info(`${where}: no state on ${short(heads.before)} (a superseded or failed run); carried from ${short(batch[found]!)}, ${i + found + 1} commit(s) further back`);
      return states[found];
    }
  }
  if (earlier.length > 0) options.log.info(`${where}: no riskgate state on ${short(heads.before)} or the ${earlier.length} commit(s) before it`);
  return undefined;
}
