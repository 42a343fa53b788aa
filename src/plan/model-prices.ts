import type { RiskgateConfig } from '../config/config-schema.js';
import { canonicalModelName, claudeIdOf, parseModelRef } from '../model/model-ref.js';
import { DEFAULT_PRICES, type ModelPrice } from './prices.js';

/** A self-hosted model's default: nothing billed, and reports say "local" instead of $0.00. */
export const LOCAL_PRICE: ModelPrice = { input: 0, output: 0, cache_write_5m: 0, cache_write_1h: 0, cache_read: 0, local: true };

/**
 * The price of one configured model name. The config's own entry wins (under the name as written
 * or its canonical `provider/model` form); then Claude on any provider costs what the Claude id
 * inside its name costs (`aws/us.anthropic.claude-sonnet-5-5-v1:0` is `claude-sonnet-5-5`); a
 * model with no Claude id can only be served by an openai-compatible server the operator runs,
 * so it defaults to $0 marked local. Undefined: a Claude id with no known price.
 */
export function priceOf(name: string, configured: Readonly<Record<string, ModelPrice>>): ModelPrice | undefined {
  const canonical = canonicalModelName(name);
  const ref = parseModelRef(name);
  const own = configured[name] ?? configured[canonical] ?? (ref.provider === 'anthropic' ? configured[ref.model] : undefined);
  if (own) return own;
  const claude = ref.provider === 'anthropic' ? ref.model : claudeIdOf(ref.model);
  if (claude !== undefined) return configured[claude] ?? DEFAULT_PRICES[claude];
  return LOCAL_PRICE;
}

/** Every model name a config may call: each class's model and its fallbacks. */
export function configuredModelNames(models: RiskgateConfig['models']): string[] {
  const names = [models.fast, models.strong, ...(models.local ? [models.local] : [])];
  for (const list of Object.values(models.fallback)) names.push(...(list ?? []));
  return [...new Set(names)];
}

/**
 * The price table a run looks models up in: the built-in one, the config's, and every configured
 * model under the name as written and its `provider/model` form, so whichever entry of a chain
 * answers is priced. Plain data: the planner and the run index it by name.
 */
export function modelPrices(config: Pick<RiskgateConfig, 'models' | 'prices'>): Record<string, ModelPrice> {
  const table: Record<string, ModelPrice> = { ...DEFAULT_PRICES, ...config.prices };
  for (const name of configuredModelNames(config.models)) {
    const price = priceOf(name, config.prices);
    if (!price) continue;
    table[name] = price;
    table[canonicalModelName(name)] = price;
  }
  return table;
}

/** Whether a price means a self-hosted model: reports say "local" rather than dollars. */
export function isLocalPrice(price: ModelPrice | undefined): boolean {
  return price?.local === true;
}
