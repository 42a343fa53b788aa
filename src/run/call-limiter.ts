import pLimit from 'p-limit';

/** Bounds model calls in flight across every run of a process (the App runs many PRs at once). */
export type CallLimiter = <T>(call: () => Promise<T>) => Promise<T>;

export function createCallLimiter(maxConcurrent: number): CallLimiter {
  const limit = pLimit(maxConcurrent);
  return (call) => limit(call);
}
