import { AnthropicFoundry } from '@anthropic-ai/foundry-sdk';
import { ClaudeMessagesModel } from './claude-messages-model.js';
import type { ProviderFactory } from './provider-settings.js';
import { apiKeySecretName, providerSecrets, settingVariable } from './provider-secrets.js';

/**
 * `foundry`: Claude on Microsoft Foundry (Azure) through @anthropic-ai/foundry-sdk: the Messages
 * API under `https://<resource>.services.ai.azure.com/anthropic/`, the key in `x-api-key`. The base
 * URL: `_BASE_URL`, else `ANTHROPIC_FOUNDRY_BASE_URL`, else built from `ANTHROPIC_FOUNDRY_RESOURCE`;
 * the key: `_API_KEY`, else `ANTHROPIC_FOUNDRY_API_KEY`.
 */
export const foundryProvider: ProviderFactory = (settings, env) => {
  const apiKey = settings.apiKey ?? env.ANTHROPIC_FOUNDRY_API_KEY;
  if (!apiKey) throw new Error(`provider "${settings.name}" (foundry) needs an API key: ${apiKeySecretName(settings)} or ANTHROPIC_FOUNDRY_API_KEY`);
  const resource = env.ANTHROPIC_FOUNDRY_RESOURCE;
  const baseURL = settings.baseURL ?? env.ANTHROPIC_FOUNDRY_BASE_URL ?? (resource ? `https://${resource}.services.ai.azure.com/anthropic/` : undefined);
  if (!baseURL) throw new Error(`provider "${settings.name}" (foundry) needs a base URL: ${settingVariable(settings, 'BASE_URL')} or ANTHROPIC_FOUNDRY_RESOURCE`);
  return new ClaudeMessagesModel({
    service: 'Foundry',
    secrets: [...providerSecrets(settings, env), ...(settings.apiKey ? [] : [{ name: 'ANTHROPIC_FOUNDRY_API_KEY', value: apiKey }])],
    // `resource: null`: the base URL is given, and the SDK refuses both.
    client: (fetch) => new AnthropicFoundry({ apiKey, baseURL, resource: null, maxRetries: settings.maxRetries ?? 3, fetch }),
  });
};
