import Anthropic from '@anthropic-ai/sdk';
import { ClaudeMessagesModel } from './claude-messages-model.js';
import type { ProviderFactory } from './provider-settings.js';
import { apiKeySecretName } from './provider-secrets.js';

export interface AnthropicModelOptions {
  apiKey: string;
  /** Defaults to ANTHROPIC_BASE_URL, then Anthropic's API: a gateway or a test server fits here. */
  baseURL?: string;
  /** Retries after the first attempt for 429, 529, 5xx and connection errors (SDK backoff, honours retry-after). */
  maxRetries?: number;
  /** Names the key in redacted errors. */
  keyName?: string;
}

/** The Anthropic Messages API through @anthropic-ai/sdk (the shared Claude adapter). */
export class AnthropicModel extends ClaudeMessagesModel {
  constructor(options: AnthropicModelOptions) {
    super({
      service: 'the model API',
      secrets: [{ name: options.keyName ?? 'ANTHROPIC_API_KEY', value: options.apiKey }],
      client: (fetch) =>
        new Anthropic({
          apiKey: options.apiKey,
          baseURL: options.baseURL ?? process.env.ANTHROPIC_BASE_URL ?? null,
          maxRetries: options.maxRetries ?? 3,
          fetch,
        }),
    });
  }
}

/**
 * `anthropic`: Anthropic's own API. Undeclared, it is `ANTHROPIC_API_KEY` and `ANTHROPIC_BASE_URL`
 * as before; declared, its `_API_KEY` and `_BASE_URL` win.
 */
export const anthropicProvider: ProviderFactory = (settings, env) => {
  const apiKey = settings.apiKey ?? env.ANTHROPIC_API_KEY;
  if (!apiKey) throw new Error(`provider "${settings.name}" (anthropic) needs an API key: ${apiKeySecretName(settings)} or ANTHROPIC_API_KEY`);
  const baseURL = settings.baseURL ?? env.ANTHROPIC_BASE_URL;
  return new AnthropicModel({
    apiKey,
    keyName: settings.apiKey ? apiKeySecretName(settings) : 'ANTHROPIC_API_KEY',
    ...(baseURL ? { baseURL } : {}),
    ...(settings.maxRetries !== undefined ? { maxRetries: settings.maxRetries } : {}),
  });
};
