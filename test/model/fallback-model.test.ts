import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { parseConfig } from '../../src/config/load-config.js';
import { InProcessCircuitBreaker } from '../../src/model/circuit-breaker.js';
import { createModelRouter, ModelRouteError } from '../../src/model/fallback-model.js';
import { openProviders } from '../../src/model/open-providers.js';
import { ModelError, type ModelCall } from '../../src/model/model-port.js';
import { readProviderDeclaration } from '../../src/model/provider-declaration.js';
import { AnthropicTestServer } from '../support/anthropic-server.js';

const schema = z.object({ findings: z.array(z.object({ title: z.string() })) });
const call = (model: string, overrides: Partial<ModelCall<z.infer<typeof schema>>> = {}): ModelCall<z.infer<typeof schema>> => ({
  model,
  cachedPrefix: ['Shared instructions.'],
  instructions: 'Review.',
  schema,
  maxOutputTokens: 500,
  timeoutMs: 10_000,
  ...overrides,
});

const first = new AnthropicTestServer();
const second = new AnthropicTestServer();
const config = parseConfig('models:\n  fast: a/claude-haiku-5-5\n  strong: a/claude-sonnet-5-5\n  fallback:\n    fast: [b/claude-haiku-5-5]\n    strong: [b/claude-haiku-5-5]\n', 'x.yml');

// Two declared providers of the anthropic type, each a local server; one retry each.
const env = () => ({
  RISKGATE_PROVIDERS: 'a,b',
  RISKGATE_PROVIDER_A_TYPE: 'anthropic',
  RISKGATE_PROVIDER_A_BASE_URL: first.url,
  RISKGATE_PROVIDER_A_API_KEY: 'key-of-a-123456',
  RISKGATE_PROVIDER_A_MAX_RETRIES: '1',
  RISKGATE_PROVIDER_B_TYPE: 'anthropic',
  RISKGATE_PROVIDER_B_BASE_URL: second.url,
  RISKGATE_PROVIDER_B_API_KEY: 'key-of-b-123456',
  RISKGATE_PROVIDER_B_MAX_RETRIES: '0',
});
const router = (breaker = new InProcessCircuitBreaker()) => createModelRouter(config.models, { providers: readProviderDeclaration(env()), env: env(), breaker });

beforeAll(async () => {
  await Promise.all([first.start(), second.start()]);
});
afterAll(() => Promise.all([first.stop(), second.stop()]));
afterEach(() => {
  first.reset();
  second.reset();
});

const overloaded = { status: 529, errorType: 'overloaded_error', message: 'Overloaded', headers: { 'retry-after-ms': '1' } };

describe('the model chain', () => {
  it('asks the first provider and says who answered', async () => {
    const answer = await router().ask(call('a/claude-haiku-5-5'));
    expect(answer.route).toEqual({ provider: 'a', model: 'a/claude-haiku-5-5' });
    expect(first.requests).toHaveLength(1);
    expect(first.requests[0]!.body.model).toBe('claude-haiku-5-5');
    expect(first.requests[0]!.headers.authorization).toBe('Bearer key-of-a-123456');
    expect(second.requests).toHaveLength(0);
  });

  it('moves to the next entry once the first has spent its retries on 529', async () => {
    first.enqueue(overloaded, overloaded);
    const answer = await router().ask(call('a/claude-sonnet-5-5'));
    expect(first.requests).toHaveLength(2);
    expect(second.requests).toHaveLength(1);
    expect(second.requests[0]!.body.model).toBe('claude-haiku-5-5');
    expect(second.requests[0]!.headers.authorization).toBe('Bearer key-of-b-123456');
    expect(answer.route).toEqual({ provider: 'b', model: 'b/claude-haiku-5-5', fellBackFrom: ['a/claude-sonnet-5-5: overloaded'] });
    expect(answer.retries).toBe(2);
  });

  it('does not fall back on a bad request or an auth failure', async () => {
    first.enqueue({ status: 400, errorType: 'invalid_request_error', message: 'bad field' });
    const bad = await router().ask(call('a/claude-haiku-5-5')).catch((e: unknown) => e);
    expect(bad).toBeInstanceOf(ModelError);
    expect((bad as ModelError).kind).toBe('bad_request');
    first.enqueue({ status: 401, errorType: 'authentication_error', message: 'invalid x-api-key' });
    expect(((await router().ask(call('a/claude-haiku-5-5')).catch((e: unknown) => e)) as ModelError).kind).toBe('auth');
    expect(second.requests).toHaveLength(0);
  });

  it('reports the last failure with what was tried when every entry is down', async () => {
    first.enqueue(overloaded, overloaded);
    second.enqueue({ status: 500, errorType: 'api_error', message: 'boom' });
    const error = (await router().ask(call('a/claude-haiku-5-5')).catch((e: unknown) => e)) as ModelError;
    expect(error.kind).toBe('server_error');
    expect(error.message).toMatch(/^b\/claude-haiku-5-5: the model API answered 500.*\(after a\/claude-haiku-5-5: overloaded\)$/);
  });

  it('skips a provider whose breaker opened, but never the last entry', async () => {
    const breaker = new InProcessCircuitBreaker({ failures: 1, windowMs: 60_000, openMs: 60_000 });
    const routed = router(breaker);
    first.enqueue(overloaded, overloaded);
    await routed.ask(call('a/claude-haiku-5-5'));
    expect(await breaker.isOpen('a')).toBe(true);
    first.reset();
    second.reset();
    const answer = await routed.ask(call('a/claude-haiku-5-5'));
    expect(first.requests).toHaveLength(0);
    expect(answer.route?.fellBackFrom).toEqual(['a/claude-haiku-5-5: skipped, provider "a" failed repeatedly in the last minute']);
    // Both open: the last entry is asked anyway.
    await breaker.recordFailure('b');
    second.reset();
    expect((await routed.ask(call('a/claude-haiku-5-5'))).route?.provider).toBe('b');
  });

  it('refuses a config that names a provider the environment does not declare, naming each key', () => {
    const wrong = parseConfig('models:\n  fast: local/qwen\n  fallback:\n    strong: [aws/us.anthropic.claude-sonnet-5-5-v1:0]\n', 'x.yml');
    try {
      createModelRouter(wrong.models, { providers: readProviderDeclaration(env()), env: env() });
      throw new Error('expected a route error');
    } catch (error) {
      expect(error).toBeInstanceOf(ModelRouteError);
      expect((error as ModelRouteError).problems).toEqual([
        'models.strong: "claude-sonnet-5-5" cannot be called: provider "anthropic" is not declared in this environment (declared: a, b; set ANTHROPIC_API_KEY, or declare it in RISKGATE_PROVIDERS, see docs/providers.md)',
        'models.fallback.strong[0]: "aws/us.anthropic.claude-sonnet-5-5-v1:0" cannot be called: provider "aws" is not declared in this environment (declared: a, b; declare it in RISKGATE_PROVIDERS, see docs/providers.md)',
        'models.fast: "local/qwen" cannot be called: provider "local" is not declared in this environment (declared: a, b; declare it in RISKGATE_PROVIDERS, see docs/providers.md)',
      ]);
    }
  });

  it('names a declared type this build has no adapter for', () => {
    const declared = readProviderDeclaration({ RISKGATE_PROVIDERS: 'x', RISKGATE_PROVIDER_X_TYPE: 'anthropic', RISKGATE_PROVIDER_X_API_KEY: 'k-123456789' });
    const local = parseConfig('models:\n  fast: x/m\n  strong: x/m\n', 'x.yml');
    expect(() => createModelRouter(local.models, { providers: declared, env: {}, registry: {} })).toThrow('models.strong: "x/m" cannot be called: provider "x": provider type anthropic is not available in this build');
  });
});

describe('the port of a process that serves many repositories (the App, the Action)', () => {
  it("routes by name alone until a gate asks for its config's chains, then falls back along them", async () => {
    const port = openProviders(env())!;
    first.respond = () => overloaded;
    // By name alone: `a` is down and nothing follows it.
    await expect(port.ask(call('a/claude-haiku-5-5'))).rejects.toMatchObject({ kind: 'overloaded' });
    expect(second.requests).toHaveLength(0);
    // With this repository's chains: `b` answers after `a` spent its retries.
    const chained = port.withChains!(config.models);
    const answer = await chained.ask(call('a/claude-haiku-5-5'));
    expect(answer.route).toMatchObject({ provider: 'b', model: 'b/claude-haiku-5-5' });
    expect(second.requests).toHaveLength(1);
    // The same config gets the same router (its SDK clients and breaker counts kept).
    expect(port.withChains!(config.models)).toBe(chained);
  });

  it('a config naming an undeclared provider fails that call with the reason, and other calls still answer', async () => {
    const port = openProviders(env())!;
    const elsewhere = parseConfig('models:\n  fast: a/claude-haiku-5-5\n  fallback:\n    fast: [nowhere/claude-haiku-5-5]\n', 'x.yml');
    const routed = port.withChains!(elsewhere.models);
    expect((await routed.ask(call('a/claude-haiku-5-5'))).route).toMatchObject({ provider: 'a' });
    await expect(routed.ask(call('nowhere/claude-haiku-5-5'))).rejects.toThrow('provider "nowhere" is not declared in this environment');
  });
});
