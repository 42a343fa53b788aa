import { createModelRouter } from './fallback-model.js';
import type { StructuredModel } from './model-port.js';
import { readProviderDeclaration, type Env } from './provider-declaration.js';
// Apart from open-model-router.ts: the Action's bundle needs no Redis client.

/**
 * The model port of a process that serves many configs (the App, the Action before it reads its
 * config): every declared provider, a call routed by its `provider/model` name alone. Undefined
 * when nothing is declared and ANTHROPIC_API_KEY is not set. Throws ProviderDeclarationError.
 */
export function openProviders(env: Env): StructuredModel | undefined {
  const providers = readProviderDeclaration(env);
  return providers.size === 0 ? undefined : createModelRouter(undefined, { providers, env });
}
