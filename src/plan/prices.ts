// List prices in USD per million tokens, from Anthropic's pricing and model pages as read in
// November 2026 (see README, "Prices"). Prices drift: override them in `.github/riskgate.yml`
// under `prices`. Cache writes cost 1.25x input (5-minute) or 2x input (1-hour).

export interface PriceRates {
  input: number;
  output: number;
  cache_write_5m: number;
  cache_write_1h: number;
  cache_read: number;
}

export interface ModelPrice extends PriceRates {
  /** Above this many prompt tokens the whole request is billed at `long_context` rates. */
  long_context?: PriceRates & { above_tokens: number };
  /** A self-hosted model: reports say "local" instead of dollars. */
  local?: boolean;
}

function rates(input: number, output: number, cacheRead: number): PriceRates {
  return { input, output, cache_write_5m: input * 1.25, cache_write_1h: input * 2, cache_read: cacheRead };
}

export const DEFAULT_PRICES: Record<string, ModelPrice> = {
  'claude-haiku-5-5': { ...rates(0.1, 0.5, 0.01), long_context: { ...rates(0.5, 2.5, 0.05), above_tokens: 100_000 } },
  // Published cache-read figures for Sonnet 5.5 disagree (0.10 and 0.20): the higher one keeps
  // estimates and budgets on the safe side.
  'claude-sonnet-5-5': rates(2, 10, 0.2),
  'claude-opus-5-5': rates(4, 20, 0.2),
  'claude-haiku-4-5': rates(1, 5, 0.1),
  'claude-sonnet-4-6': rates(3, 15, 0.3),
  'claude-sonnet-4-5': rates(3, 15, 0.3),
};
