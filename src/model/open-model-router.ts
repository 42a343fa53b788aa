import { Redis } from 'ioredis';
import type { RiskgateConfig } from '../config/config-schema.js';
import { breakerSettingsFromEnv, InProcessCircuitBreaker, type CircuitBreaker } from './circuit-breaker.js';
import { createModelRouter } from './fallback-model.js';
import type { StructuredModel } from './model-port.js';
import { readProviderDeclaration, type Env } from './provider-declaration.js';
import type { ProviderSettings } from './provider-settings.js';
import { DEFAULT_BREAKER_PREFIX, RedisCircuitBreaker } from './redis-circuit-breaker.js';

// How long a process waits for Redis before counting breaker failures on its own.
const REDIS_CONNECT_TIMEOUT_MS = 2_000;

export interface OpenedModels {
  model: StructuredModel;
  providers: ReadonlyMap<string, ProviderSettings>;
  /** Where the breaker counts: shared in Redis, or this process. */
  breaker: string;
  close(): Promise<void>;
}

/** The circuit breaker: shared by every process through Redis when REDIS_URL is set, else this process's own. */
export async function openBreaker(env: Env, warn: (message: string) => void): Promise<{ breaker: CircuitBreaker; where: string; close: () => Promise<void> }> {
  const settings = breakerSettingsFromEnv(env);
  const url = env.REDIS_URL?.trim();
  if (url) {
    const redis = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 1, enableOfflineQueue: false, connectTimeout: REDIS_CONNECT_TIMEOUT_MS });
    redis.on('error', () => {});
    try {
      await redis.connect();
      const prefix = env.RISKGATE_BREAKER_PREFIX?.trim() || DEFAULT_BREAKER_PREFIX;
      return {
        breaker: new RedisCircuitBreaker(redis, settings, prefix, (error) => warn(`the shared circuit breaker could not reach Redis: ${error.message}`)),
        where: 'shared in Redis (REDIS_URL)',
        close: async () => void (await redis.quit().catch(() => redis.disconnect())),
      };
    } catch (error) {
      redis.disconnect();
      warn(`the circuit breaker counts in this process only: Redis (REDIS_URL) is unreachable: ${(error as Error).message}`);
    }
  }
  return { breaker: new InProcessCircuitBreaker(settings), where: 'this process', close: () => Promise.resolve() };
}

/**
 * The model port of a run from the operator's environment: the declared providers, the config's
 * chains (none for the App, whose repositories each bring their own), and the circuit breaker.
 * Throws ProviderDeclarationError or ModelRouteError, naming every wrong variable or config key.
 */
export async function openModelRouter(models: RiskgateConfig['models'] | undefined, env: Env, warn: (message: string) => void = () => {}): Promise<OpenedModels> {
  const providers = readProviderDeclaration(env);
  const opened = await openBreaker(env, warn);
  try {
    const model = createModelRouter(models, { providers, env, breaker: opened.breaker });
    return { model, providers, breaker: opened.where, close: opened.close };
  } catch (error) {
    await opened.close();
    throw error;
  }
}

