import type { RiskgateConfig } from '../config/config-schema.js';
import { MODEL_CLASSES } from '../plan/tier.js';
import { NO_BREAKER, type CircuitBreaker } from './circuit-breaker.js';
import { parseModelRef, type ModelRef } from './model-ref.js';
import { ModelError, type ModelAnswer, type ModelCall, type ModelFailureKind, type StructuredModel } from './model-port.js';
import { openProvider, PROVIDER_REGISTRY, ProviderUnavailableError } from './provider-registry.js';
import type { ProviderFactory, ProviderSettings, ProviderType } from './provider-settings.js';

/**
 * Failures that mean "this provider is down", after its own retries: the next entry may answer.
 * Not content failures (the same change fails the same way elsewhere, and a pull request must not
 * push its gate onto a weaker model by provoking them), not `auth` or `bad_request` (the operator's
 * configuration is wrong: a fallback would hide it and pay another provider for every call), not
 * a cancellation.
 */
export const FALLBACK_KINDS: ReadonlySet<ModelFailureKind> = new Set(['rate_limited', 'overloaded', 'server_error', 'timeout', 'connection']);

/** With a fallback left, an entry gets this share of the time that remains, so one that hangs leaves its fallback time to answer. */
export const SHARE_BEFORE_FALLBACK = 0.6;

/** One entry of a chain: the name as the config wrote it, where it points, and its port. */
export interface ChainEntry {
  /** Where the config names it, for errors: `models.fallback.strong[0]`. */
  key: string;
  name: string;
  ref: ModelRef;
  model: StructuredModel;
}

/**
 * A StructuredModel over an ordered list: each entry is asked in turn until one answers, moving on
 * only on FALLBACK_KINDS. An entry whose breaker is open is skipped, except the last: a breaker
 * never fails a call without asking anyone. The answer's `route` says who answered and what was
 * down before it.
 */
export class FallbackModel implements StructuredModel {
  constructor(
    private readonly chain: readonly ChainEntry[],
    private readonly breaker: CircuitBreaker = NO_BREAKER,
    private readonly now: () => number = () => performance.now(),
  ) {
    if (chain.length === 0) throw new Error('a model chain needs at least one entry');
  }

  async ask<T>(call: ModelCall<T>): Promise<ModelAnswer<T>> {
    const started = this.now();
    const fellBackFrom: string[] = [];
    let retries = 0;
    for (const [i, entry] of this.chain.entries()) {
      const last = i === this.chain.length - 1;
      // As the config wrote it: a bare id stays bare in reports, as before providers existed.
      const name = entry.name;
      if (!last && (await this.breaker.isOpen(entry.ref.provider))) {
        fellBackFrom.push(`${name}: skipped, provider "${entry.ref.provider}" failed repeatedly in the last minute`);
        continue;
      }
      const remaining = Math.floor(call.timeoutMs - (this.now() - started));
      if (remaining <= 0) throw new ModelError('timeout', `the model did not answer in time${fellBackFrom.length ? ` (tried: ${fellBackFrom.join('; ')})` : ''}`, undefined, retries);
      const timeoutMs = last ? remaining : Math.max(1, Math.floor(remaining * SHARE_BEFORE_FALLBACK));
      try {
        const answer = await entry.model.ask({ ...call, model: entry.ref.model, timeoutMs });
        return {
          ...answer,
          latencyMs: this.now() - started,
          retries: retries + answer.retries,
          route: { provider: entry.ref.provider, model: name, ...(fellBackFrom.length > 0 ? { fellBackFrom } : {}) },
        };
      } catch (error) {
        if (!(error instanceof ModelError)) throw error;
        const outage = FALLBACK_KINDS.has(error.kind) && !call.signal?.aborted;
        if (outage) await this.breaker.recordFailure(entry.ref.provider);
        if (!outage || last) {
          throw fellBackFrom.length === 0
            ? error
            : new ModelError(error.kind, `${name}: ${error.message} (after ${fellBackFrom.join('; ')})`, error.usage, retries + error.retries);
        }
        retries += error.retries + 1;
        fellBackFrom.push(`${name}: ${error.kind}`);
      }
    }
    // Unreachable: the last entry always returns or throws.
    throw new ModelError('connection', 'no entry of the model chain could be asked', undefined, retries);
  }
}

/** The providers a config names that this environment cannot call, one line each with the config key. */
export class ModelRouteError extends Error {
  override name = 'ModelRouteError';
  constructor(readonly problems: readonly string[]) {
    super(problems.join('\n'));
  }
}

export interface RouterOptions {
  providers: ReadonlyMap<string, ProviderSettings>;
  env: Readonly<Record<string, string | undefined>>;
  breaker?: CircuitBreaker;
  registry?: Partial<Record<ProviderType, ProviderFactory>>;
}

/**
 * The run's model port: a call names a class's model as the config writes it, and is asked along
 * that class's chain (the model, then `models.fallback.<class>`). Every provider the chains name
 * must be declared and available, or this throws ModelRouteError naming each config key: a gate
 * never starts on a route that cannot be called.
 */
export function createModelRouter(models: RiskgateConfig['models'] | undefined, options: RouterOptions): StructuredModel {
  const problems: string[] = [];
  const ports = new Map<string, StructuredModel>();
  const declared = [...options.providers.keys()].sort().join(', ') || 'none';
  const entryOf = (key: string, name: string): ChainEntry | undefined => {
    const ref = parseModelRef(name);
    let model = ports.get(ref.provider);
    if (!model) {
      const settings = options.providers.get(ref.provider);
      if (!settings) {
        const hint = ref.provider === 'anthropic' ? 'set ANTHROPIC_API_KEY, or declare it' : 'declare it';
        problems.push(`${key}: "${name}" cannot be called: provider "${ref.provider}" is not declared in this environment (declared: ${declared}; ${hint} in RISKGATE_PROVIDERS, see docs/providers.md)`);
        return undefined;
      }
      try {
        model = openProvider(settings, options.env, options.registry ?? PROVIDER_REGISTRY);
      } catch (error) {
        if (!(error instanceof ProviderUnavailableError)) throw error;
        problems.push(`${key}: "${name}" cannot be called: ${error.message}`);
        return undefined;
      }
      ports.set(ref.provider, model);
    }
    return { key, name, ref, model };
  };

  const chains = new Map<string, FallbackModel>();
  // Strong first: when two classes name the same model, its call falls back along the strong chain.
  // Without a config (the App, whose repositories each have their own), a call is routed by its name alone.
  for (const modelClass of models ? (['strong', ...MODEL_CLASSES.filter((c) => c !== 'strong')] as const) : []) {
    if (!models) break;
    const primary = models[modelClass];
    if (primary === undefined || chains.has(primary)) continue;
    const entries = [entryOf(`models.${modelClass}`, primary), ...(models.fallback[modelClass] ?? []).map((name, i) => entryOf(`models.fallback.${modelClass}[${i}]`, name))];
    const usable = entries.filter((e): e is ChainEntry => e !== undefined);
    if (usable.length === entries.length) chains.set(primary, new FallbackModel(usable, options.breaker));
  }
  if (problems.length > 0) throw new ModelRouteError(problems);
  return {
    ask<T>(call: ModelCall<T>): Promise<ModelAnswer<T>> {
      const chain = chains.get(call.model);
      if (chain) return chain.ask(call);
      // A model no class names (a caller's own): asked alone on its provider.
      const entry = entryOf('model', call.model);
      if (!entry) return Promise.reject(new ModelError('bad_request', problems.pop() ?? `cannot call "${call.model}"`));
      return new FallbackModel([entry], options.breaker).ask(call);
    },
  };
}
