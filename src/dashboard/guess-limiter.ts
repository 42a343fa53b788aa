// Failed token guesses a client may make (a wrong login, a wrong bearer token on the dashboard or
// /metrics) before it is refused with 429 until its window ends. A person mistyping never gets
// there; a guesser gets 10 tries per 5 minutes instead of ~800 a second. While refused, even the
// right token is not checked, so guessing on learns nothing.
export const MAX_FAILED_GUESSES = 10;
export const GUESS_WINDOW_MS = 5 * 60 * 1000;
// Clients remembered at once: a guesser rotating addresses can push others out, never grow memory.
const MAX_CLIENTS = 10_000;

interface Window {
  startedAt: number;
  failures: number;
}

/** Counts failed guesses per client in fixed windows. One per process: several processes each allow their own. */
export class GuessLimiter {
  private readonly clients = new Map<string, Window>();

  constructor(
    private readonly maxFailures = MAX_FAILED_GUESSES,
    private readonly windowMs = GUESS_WINDOW_MS,
  ) {}

  /** Milliseconds until this client may guess again, or 0 when it may now. */
  retryAfterMs(client: string, now: number): number {
    const window = this.clients.get(client);
    if (!window || now - window.startedAt >= this.windowMs) return 0;
    return window.failures >= this.maxFailures ? window.startedAt + this.windowMs - now : 0;
  }

  failed(client: string, now: number): void {
    let window = this.clients.get(client);
    if (!window || now - window.startedAt >= this.windowMs) {
      this.clients.delete(client);
      if (this.clients.size >= MAX_CLIENTS) this.evict(now);
      window = { startedAt: now, failures: 0 };
      this.clients.set(client, window);
    }
    window.failures++;
  }

  /** Drops ended windows, then the oldest ones if still full. */
  private evict(now: number): void {
    for (const [client, window] of this.clients) if (now - window.startedAt >= this.windowMs) this.clients.delete(client);
    for (const client of this.clients.keys()) {
      if (this.clients.size < MAX_CLIENTS) break;
      this.clients.delete(client);
    }
  }
}
