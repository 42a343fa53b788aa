import { AnthropicModel } from './anthropic-model.js';
import type { StructuredModel } from './model-port.js';
import type { ProviderFactory, ProviderSettings, ProviderType } from './provider-settings.js';

// Anthropic's own API, as before providers existed: the declaration guarantees an API key.
const anthropicProvider: ProviderFactory = (settings) =>
  new AnthropicModel({ apiKey: settings.apiKey ?? '', ...(settings.baseURL ? { baseURL: settings.baseURL } : {}), ...(settings.maxRetries !== undefined ? { maxRetries: settings.maxRetries } : {}) });

/** One line per provider type; a type without a line is declared but not available in this build. */
export const PROVIDER_REGISTRY: Partial<Record<ProviderType, ProviderFactory>> = {
  anthropic: anthropicProvider,
  // bedrock: bedrockProvider, (src/model/bedrock-model.ts)
  // vertex: vertexProvider, (src/model/vertex-model.ts)
  // foundry: foundryProvider, (src/model/foundry-model.ts)
  // 'openai-compatible': openaiCompatibleProvider, (src/model/openai-compatible-model.ts)
};

/** A declared provider whose type this build cannot speak. */
export class ProviderUnavailableError extends Error {
  override name = 'ProviderUnavailableError';
}

/** The model port of one declared provider. */
export function openProvider(settings: ProviderSettings, env: Readonly<Record<string, string | undefined>>, registry = PROVIDER_REGISTRY): StructuredModel {
  const factory = registry[settings.type];
  if (!factory) throw new ProviderUnavailableError(`provider "${settings.name}": provider type ${settings.type} is not available in this build`);
  return factory(settings, env);
}
