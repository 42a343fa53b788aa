// @octokit/plugin-throttling (11.0.5) spaces an installation's writes through Bottleneck groups:
// one write a second ("octokit-write", maxConcurrent 1, minTime 1 s) and one notifying write every
// three ("octokit-notifications"). With REDIS_URL, probot keeps them in Redis, shared by every
// process, and the plugin takes each turn as a job with `expiration: 1e3 * 60` (wrap-request.js,
// not an option). Bottleneck frees a dead client's running job only when it expires (its clientTimeout
// clears only clients with nothing running), so a process killed while it holds the turn stalls that
// installation's writes in every process for 60 s. bench/write-turn-bench.ts measures the next
// process's first write after such a kill: 62.7 s (median of 3) with the plugin's figure, 12.5 s
// (median of 5) with this one (the turn's expiry, then up to Bottleneck's 5 s heartbeat).
//
// A turn is held only from its registration to the end of its wait, at most the group's minTime
// (3 s), then released; the request itself runs outside it. So the turn may expire far sooner.
// Past this, a live process stalled longer (a blocked event loop) may lose its turn and two writes
// may overlap: GitHub's secondary limit then answers with retry-after, which the plugin honours.
export const WRITE_TURN_EXPIRATION_MS = 10_000;

// The plugin's own figures for the two groups it would create (index.js createGroups).
const TURN_GROUPS = { write: { id: 'octokit-write', minTime: 1_000 }, notifications: { id: 'octokit-notifications', minTime: 3_000 } } as const;
// The plugin's default for `throttle.timeout`: how long Redis keeps an idle installation's limiter.
const GROUP_TIMEOUT_MS = 2 * 60 * 1000;

/** The few parts of Bottleneck used here, as probot hands them to the plugin (`throttle.Bottleneck`). */
interface TurnLimiter {
  schedule(options: { expiration?: number }, task: (...args: unknown[]) => unknown, ...args: unknown[]): Promise<unknown>;
}
interface TurnGroup {
  key(id: string): TurnLimiter;
}
interface BottleneckLike {
  Group: new (options: { id: string; maxConcurrent: number; minTime: number; timeout: number; connection: unknown }) => TurnGroup;
}

/** The throttle options probot builds; with Redis it adds `Bottleneck` and `connection`. */
export interface ThrottleOptions {
  Bottleneck?: unknown;
  connection?: unknown;
  timeout?: number;
  [option: string]: unknown;
}

/** A group whose turns expire after WRITE_TURN_EXPIRATION_MS instead of the plugin's 60 s. */
function shortTurns(group: TurnGroup): TurnGroup {
  return {
    key(id) {
      const limiter = group.key(id);
      return {
        schedule: (options, task, ...args) =>
          limiter.schedule(options.expiration === undefined ? options : { ...options, expiration: Math.min(options.expiration, WRITE_TURN_EXPIRATION_MS) }, task, ...args),
      };
    },
  };
}

const groupsByConnection = new WeakMap<object, Record<keyof typeof TURN_GROUPS, TurnGroup>>();

/**
 * Throttle options whose write and notification turns, shared in Redis, expire after
 * WRITE_TURN_EXPIRATION_MS. Without Redis (no `connection`) a turn dies with its process anyway,
 * and the options are returned as they are. The groups keep the plugin's ids, so processes on
 * either setting share the same turns.
 */
export function withShortWriteTurns(throttle: ThrottleOptions | undefined): ThrottleOptions | undefined {
  const connection = throttle?.connection;
  if (!throttle || typeof connection !== 'object' || connection === null || !throttle.Bottleneck) return throttle;
  let groups = groupsByConnection.get(connection);
  if (!groups) {
    const { Group } = throttle.Bottleneck as BottleneckLike;
    const group = ({ id, minTime }: { id: string; minTime: number }) => shortTurns(new Group({ id, maxConcurrent: 1, minTime, timeout: throttle.timeout ?? GROUP_TIMEOUT_MS, connection }));
    groups = { write: group(TURN_GROUPS.write), notifications: group(TURN_GROUPS.notifications) };
    groupsByConnection.set(connection, groups);
  }
  return { ...throttle, ...groups };
}
