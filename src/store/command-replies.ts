/**
 * Replies to `/gates` commands that riskgate gives at most once per key and window, whichever
 * process handles the command: a user refused 100 times in a minute is answered once, not 100
 * times (each answer is a write GitHub rate-limits, and a comment everyone on the PR is sent).
 */
export interface CommandReplyStore {
  /**
   * True when no reply under `key` was claimed within `windowMs` before `now` (or ever, without a
   * window): the caller answers. Atomic across processes sharing the store.
   */
  claimReply(key: string, now: number, windowMs?: number): Promise<boolean>;
}
