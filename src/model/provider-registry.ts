import { anthropicProvider } from './anthropic-model.js';
import { bedrockProvider } from './bedrock-model.js';
import { foundryProvider } from './foundry-model.js';
import type { StructuredModel } from './model-port.js';
import { openaiCompatibleProvider } from './openai-compatible-model.js';
import type { ProviderFactory, ProviderSettings, ProviderType } from './provider-settings.js';
import { vertexProvider } from './vertex-model.js';

/** One line per provider type; a type without a line is declared but not available in this build. */
export const PROVIDER_REGISTRY: Partial<Record<ProviderType, ProviderFactory>> = {
  anthropic: anthropicProvider,
  bedrock: bedrockProvider,
  vertex: vertexProvider,
  foundry: foundryProvider,
  'openai-compatible': openaiCompatibleProvider,
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
