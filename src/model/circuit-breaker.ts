// A provider that keeps failing is skipped for a while, so a chain does not spend every call's
// retries on a server that is down before moving on. Counts are per provider name.

/** Failures (after a provider's retries) within BREAKER_WINDOW_MS that open the breaker. */
export const DEFAULT_BREAKER_FAILURES = 5;
export const BREAKER_WINDOW_MS = 60_000;
/** How long an open breaker skips its provider. */
export const DEFAULT_BREAKER_OPEN_MS = 30_000;

export interface BreakerSettings {
  failures: number;
  windowMs: number;
  openMs: number;
}

export interface CircuitBreaker {
  /** Whether the provider is skipped now. A breaker that cannot tell reads as closed. */
  isOpen(provider: string): Promise<boolean>;
  /** A call that failed on the provider after its retries. */
  recordFailure(provider: string): Promise<void>;
}

/** `RISKGATE_BREAKER_FAILURES`, `RISKGATE_BREAKER_OPEN_SECONDS`; wrong values are errors naming the variable. */
export function breakerSettingsFromEnv(env: Readonly<Record<string, string | undefined>>): BreakerSettings {
  const read = (name: string, fallback: number, max: number): number => {
    const raw = env[name]?.trim();
    if (!raw) return fallback;
    if (!/^\d+$/.test(raw) || Number(raw) < 1 || Number(raw) > max) throw new Error(`${name}: "${raw}" is not a whole number from 1 to ${max}`);
    return Number(raw);
  };
  return {
    failures: read('RISKGATE_BREAKER_FAILURES', DEFAULT_BREAKER_FAILURES, 1_000),
    windowMs: BREAKER_WINDOW_MS,
    openMs: read('RISKGATE_BREAKER_OPEN_SECONDS', DEFAULT_BREAKER_OPEN_MS / 1000, 3_600) * 1000,
  };
}

/** Counts in this process only: one App process, one CLI run. */
export class InProcessCircuitBreaker implements CircuitBreaker {
  private readonly failures = new Map<string, number[]>();
  private readonly openUntil = new Map<string, number>();

  constructor(
    private readonly settings: BreakerSettings = { failures: DEFAULT_BREAKER_FAILURES, windowMs: BREAKER_WINDOW_MS, openMs: DEFAULT_BREAKER_OPEN_MS },
    private readonly now: () => number = Date.now,
  ) {}

  isOpen(provider: string): Promise<boolean> {
    return Promise.resolve((this.openUntil.get(provider) ?? 0) > this.now());
  }

  recordFailure(provider: string): Promise<void> {
    const now = this.now();
    const recent = (this.failures.get(provider) ?? []).filter((at) => at > now - this.settings.windowMs);
    recent.push(now);
    if (recent.length >= this.settings.failures) {
      this.openUntil.set(provider, now + this.settings.openMs);
      this.failures.delete(provider);
    } else {
      this.failures.set(provider, recent);
    }
    return Promise.resolve();
  }
}

/** Never opens: a chain with one entry, or a caller that wants every provider asked. */
export const NO_BREAKER: CircuitBreaker = { isOpen: () => Promise.resolve(false), recordFailure: () => Promise.resolve() };
