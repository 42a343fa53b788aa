import { describe, expect, it } from 'vitest';
import { anthropicProvider } from '../../src/model/anthropic-model.js';
import { describeClaudeProvider, findingsCall } from '../support/claude-provider-contract.js';

const KEY = 'sk-ant-api03-providerkey0123456789';

const server = describeClaudeProvider('anthropic', {
  dialect: 'anthropic',
  modelId: 'claude-sonnet-5-5',
  makeModel: (s, maxRetries = 2) => anthropicProvider({ name: 'anthropic', type: 'anthropic', baseURL: s.url, apiKey: KEY, maxRetries }, {}),
  secrets: [KEY],
  busy: [
    [529, 'overloaded'],
    [429, 'rate_limited'],
    [500, 'server_error'],
  ],
  streamError: ['overloaded_error', 'overloaded'],
});

describe('anthropicProvider', () => {
  it('without a declaration, is ANTHROPIC_API_KEY and ANTHROPIC_BASE_URL from the environment it is given', async () => {
    await anthropicProvider({ name: 'anthropic', type: 'anthropic' }, { ANTHROPIC_API_KEY: 'sk-from-env', ANTHROPIC_BASE_URL: server.url }).ask(findingsCall('claude-haiku-5-5'));
    expect(server.requests[0]!.headers.authorization).toBe('Bearer sk-from-env');
  });

  it('refuses to start without a key, naming where it goes', () => {
    expect(() => anthropicProvider({ name: 'claude', type: 'anthropic' }, {})).toThrow(/RISKGATE_PROVIDER_CLAUDE_API_KEY or ANTHROPIC_API_KEY/);
  });
});
