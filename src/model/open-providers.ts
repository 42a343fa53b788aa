import type { RiskgateConfig } from '../config/config-schema.js';
import { breakerSettingsFromEnv, InProcessCircuitBreaker, type CircuitBreaker } from './circuit-breaker.js';
import { createModelRouter, ModelRouteError } from './fallback-model.js';
import type { StructuredModel } from './model-port.js';
import { readProviderDeclaration, type Env } from './provider-declaration.js';
// Apart from open-model-router.ts: the Action's bundle needs no Redis client.

// Routers kept for the configs seen most recently, so a busy App reuses its SDK clients.
const MAX_CACHED_ROUTERS = 32;

/**
 * The model port of a process that serves many configs (the App, the Action before it reads its
 * config): every declared provider, a call routed by its `provider/model` name alone until a gate
 * asks for its config's chains (`withChains`). Undefined when nothing is declared and
 * ANTHROPIC_API_KEY is not set. Throws ProviderDeclarationError.
 */
export function openProviders(env: Env, breaker: CircuitBreaker = new InProcessCircuitBreaker(breakerSettingsFromEnv(env))): StructuredModel | undefined {
  const providers = readProviderDeclaration(env);
  if (providers.size === 0) return undefined;
  const byName = createModelRouter(undefined, { providers, env, breaker });
  const routers = new Map<string, StructuredModel>();
  return {
    ask: (call) => byName.ask(call),
    withChains(models: RiskgateConfig['models']): StructuredModel {
      const key = JSON.stringify(models);
      const known = routers.get(key);
      if (known) return known;
      let router: StructuredModel;
      try {
        router = createModelRouter(models, { providers, env, breaker });
      } catch (error) {
        // A config naming an undeclared provider: each such call fails with the router's message
        // (the agent fails, gate.on_error decides), and the other classes still answer by name.
        if (!(error instanceof ModelRouteError)) throw error;
        router = byName;
      }
      if (routers.size >= MAX_CACHED_ROUTERS) routers.delete(routers.keys().next().value!);
      routers.set(key, router);
      return router;
    },
  };
}
