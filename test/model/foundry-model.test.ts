import { describe, expect, it } from 'vitest';
import { foundryProvider } from '../../src/model/foundry-model.js';
import type { ProviderSettings } from '../../src/model/provider-settings.js';
import { describeClaudeProvider, findingsCall } from '../support/claude-provider-contract.js';

const MODEL = 'claude-sonnet-5-5';
const KEY = 'foundry-key-0123456789abcdef';
const settings = (url: string, extra: Partial<ProviderSettings> = {}): ProviderSettings => ({
  name: 'azure',
  type: 'foundry',
  baseURL: `${url}/anthropic/`,
  apiKey: KEY,
  maxRetries: 2,
  ...extra,
});

const server = describeClaudeProvider('foundry', {
  dialect: 'foundry',
  modelId: MODEL,
  makeModel: (s, maxRetries = 2) => foundryProvider(settings(s.url, { maxRetries }), {}),
  secrets: [KEY],
  busy: [
    [429, 'rate_limited'],
    [529, 'overloaded'],
    [502, 'server_error'],
  ],
  streamError: ['rate_limit_error', 'rate_limited'],
});

describe('foundryProvider', () => {
  it('posts to the resource\'s /anthropic/v1/messages with the key in x-api-key, never as a bearer token', async () => {
    await foundryProvider(settings(server.url), {}).ask(findingsCall(MODEL));
    const request = server.requests[0]!;
    expect(request.path).toBe('/anthropic/v1/messages');
    expect(request.headers['x-api-key']).toBe(KEY);
    expect(request.headers.authorization).toBeUndefined();
    expect(request.body.model).toBe(MODEL);
  });

  it('takes key and base URL from ANTHROPIC_FOUNDRY_API_KEY and ANTHROPIC_FOUNDRY_BASE_URL, and refuses to start without a key', async () => {
    await foundryProvider({ name: 'azure', type: 'foundry' }, { ANTHROPIC_FOUNDRY_API_KEY: 'env-foundry-key-000', ANTHROPIC_FOUNDRY_BASE_URL: `${server.url}/anthropic/` }).ask(findingsCall(MODEL));
    expect(server.requests[0]!.headers['x-api-key']).toBe('env-foundry-key-000');
    expect(() => foundryProvider({ name: 'azure', type: 'foundry', baseURL: server.url }, {})).toThrow(/RISKGATE_PROVIDER_AZURE_API_KEY or ANTHROPIC_FOUNDRY_API_KEY/);
  });
});
