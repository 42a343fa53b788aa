import { describe, expect, it } from 'vitest';
import { anthropicProvider } from '../../src/model/anthropic-model.js';
import { promptOf } from '../support/anthropic-server.js';
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

  it('counts each concurrent call\'s retries apart', async () => {
    const model = anthropicProvider({ name: 'anthropic', type: 'anthropic', baseURL: server.url, apiKey: KEY, maxRetries: 2 }, {});
    let busy = 2;
    server.respond = (body) => (promptOf(body).includes('flaky') && busy-- > 0 ? { status: 529, headers: { 'retry-after-ms': '20' } } : { delayMs: 50 });
    const [flaky, steady] = await Promise.all([model.ask(findingsCall('claude-haiku-5-5', { instructions: 'flaky' })), model.ask(findingsCall('claude-haiku-5-5', { instructions: 'steady' }))]);
    expect(flaky.retries).toBe(2);
    expect(steady.retries).toBe(0);
  });

  it('refuses to start without a key, naming where it goes', () => {
    expect(() => anthropicProvider({ name: 'claude', type: 'anthropic' }, {})).toThrow(/RISKGATE_PROVIDER_CLAUDE_API_KEY or ANTHROPIC_API_KEY/);
  });
});
