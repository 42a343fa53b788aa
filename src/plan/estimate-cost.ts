import type { ModelPrice, PriceRates } from './prices.js';
import type { Usage } from '../model/model-port.js';

/** Token counts of one model call, by how they are billed. */
export interface TokenEstimate {
  input: number;
  cacheWrite: number;
  cacheRead: number;
  output: number;
}

// About 3.5 characters per token for code and diffs (Anthropic's tokenizers, measured on source
// code); estimates round up so that budgets err on the safe side.
export const CHARS_PER_TOKEN = 3.5;

export function tokensForChars(chars: number): number {
  return Math.ceil(chars / CHARS_PER_TOKEN);
}

/** Dollars for one estimated call: priced as real usage with every cache write at the 5-minute rate. */
export function callCostUsd(price: ModelPrice, tokens: TokenEstimate): number {
  return usageCostUsd(price, {
    inputTokens: tokens.input,
    outputTokens: tokens.output,
    cacheWrite5mTokens: tokens.cacheWrite,
    cacheWrite1hTokens: 0,
    cacheReadTokens: tokens.cacheRead,
  });
}

/** Dollars for a call's usage, 1-hour cache writes at their own rate; long-context rates apply to the whole request above the threshold. */
export function usageCostUsd(price: ModelPrice, usage: Usage): number {
  const prompt = promptTokens(usage);
  const rates: PriceRates = price.long_context && prompt > price.long_context.above_tokens ? price.long_context : price;
  return (
    (usage.inputTokens * rates.input +
      usage.cacheWrite5mTokens * rates.cache_write_5m +
      usage.cacheWrite1hTokens * rates.cache_write_1h +
      usage.cacheReadTokens * rates.cache_read +
      usage.outputTokens * rates.output) /
    1_000_000
  );
}

/** Prompt tokens of a call however they were billed: plain input, cache writes and cache reads. */
export function promptTokens(usage: Usage): number {
  return usage.inputTokens + usage.cacheWrite5mTokens + usage.cacheWrite1hTokens + usage.cacheReadTokens;
}

/** The cache-read share of prompt tokens (0 when nothing was sent): a run's, a ledger row's. */
export function cacheHitRatio(usage: Usage): number {
  const prompt = promptTokens(usage);
  return prompt === 0 ? 0 : usage.cacheReadTokens / prompt;
}

/** Every token a call was billed for, prompt and output. */
export function usageTokens(usage: Usage): number {
  return promptTokens(usage) + usage.outputTokens;
}

/** Two usages together, field by field. */
export function addUsage(a: Usage, b: Usage): Usage {
  return {
    inputTokens: a.inputTokens + b.inputTokens,
    outputTokens: a.outputTokens + b.outputTokens,
    cacheWrite5mTokens: a.cacheWrite5mTokens + b.cacheWrite5mTokens,
    cacheWrite1hTokens: a.cacheWrite1hTokens + b.cacheWrite1hTokens,
    cacheReadTokens: a.cacheReadTokens + b.cacheReadTokens,
  };
}
