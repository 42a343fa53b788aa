/** Per-run caps on what the models may cost. */
export interface BudgetLimits {
  maxUsd: number;
  maxTokens: number;
  /** Whose cap a refusal names (default "run's"). */
  owner?: string;
}

export interface Reservation {
  usd: number;
  tokens: number;
}

/**
 * Checked before each call with the call's estimate and settled after with its real usage. Calls
 * run concurrently, so estimates are reserved: two calls cannot both take the last dollar. Once
 * the real spend reaches a cap, no further call is allowed. A budget with an `outer` one (an eval's
 * `--max-usd` over all its runs) reserves and settles every call in both: either may refuse it.
 */
export class RunBudget {
  private spentUsd = 0;
  private spentTokens = 0;
  private reservedUsd = 0;
  private reservedTokens = 0;
  /** Set once a call was refused: some work was left undone, so the run is `budget_limited`. */
  limited = false;

  constructor(
    readonly limits: BudgetLimits,
    private readonly outer?: RunBudget,
  ) {}

  private get owner(): string {
    return this.limits.owner ?? "run's";
  }

  /** A reservation for a call of this estimate, or why there is none. */
  reserve(usd: number, tokens: number): Reservation | { refused: string } {
    if (this.spentUsd >= this.limits.maxUsd || this.spentTokens >= this.limits.maxTokens) {
      this.limited = true;
      return { refused: `the ${this.owner} budget is spent ($${this.spentUsd.toFixed(4)} of $${this.limits.maxUsd}, ${this.spentTokens} of ${this.limits.maxTokens} tokens)` };
    }
    if (this.spentUsd + this.reservedUsd + usd > this.limits.maxUsd) {
      this.limited = true;
      return { refused: `an estimated $${usd.toFixed(4)} would pass the ${this.owner} cap of $${this.limits.maxUsd} ($${(this.spentUsd + this.reservedUsd).toFixed(4)} spent or reserved)` };
    }
    if (this.spentTokens + this.reservedTokens + tokens > this.limits.maxTokens) {
      this.limited = true;
      return { refused: `an estimated ${tokens} tokens would pass the ${this.owner} cap of ${this.limits.maxTokens} (${this.spentTokens + this.reservedTokens} spent or reserved)` };
    }
    const outer = this.outer?.reserve(usd, tokens);
    if (outer && 'refused' in outer) {
      this.limited = true;
      return outer;
    }
    this.reservedUsd += usd;
    this.reservedTokens += tokens;
    return { usd, tokens };
  }

  /** Replaces a reservation with what the call really cost (zero if it cost nothing). */
  settle(reservation: Reservation, usd: number, tokens: number): void {
    this.reservedUsd -= reservation.usd;
    this.reservedTokens -= reservation.tokens;
    this.spentUsd += usd;
    this.spentTokens += tokens;
    this.outer?.settle(reservation, usd, tokens);
  }

  get spent(): Reservation {
    return { usd: this.spentUsd, tokens: this.spentTokens };
  }
}
