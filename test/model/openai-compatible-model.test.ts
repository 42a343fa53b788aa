import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import OpenAI from 'openai';
import { openaiCompatibleProvider } from '../../src/model/openai-compatible-model.js';
import type { ProviderSettings } from '../../src/model/provider-settings.js';
import { failure, findingsCall } from '../support/claude-provider-contract.js';
import { OpenAITestServer } from '../support/openai-server.js';

const MODEL = 'qwen2.5-coder:7b';
const KEY = 'sk-local-0123456789abcdef';
const server = new OpenAITestServer({ apiKey: KEY });
const settings = (extra: Partial<ProviderSettings> = {}): ProviderSettings => ({ name: 'local', type: 'openai-compatible', baseURL: server.url, apiKey: KEY, maxRetries: 2, ...extra });
const model = (extra: Partial<ProviderSettings> = {}) => openaiCompatibleProvider(settings(extra), {});
const expected = { findings: [{ title: 'example', severity: 'blocker', line: 1 }] };

beforeAll(() => server.start());
afterAll(() => server.stop());
afterEach(() => {
  server.reset();
  server.options = { apiKey: KEY };
});

describe('openaiCompatibleProvider over the real openai client', () => {
  it('streams a structured answer asked for with response_format json_schema, with its usage', async () => {
    let begun = false;
    const answer = await model().ask(findingsCall(MODEL, { onAnswerStarted: () => (begun = true) }));
    expect(answer.output).toEqual(expected);
    expect(answer).toMatchObject({ model: MODEL, retries: 0 });
    expect(begun).toBe(true);
    const body = server.requests[0]!.body;
    expect(body).toMatchObject({ model: MODEL, stream: true, stream_options: { include_usage: true }, max_tokens: 1000, response_format: { type: 'json_schema', json_schema: { name: 'answer' } } });
    expect(server.requests[0]!.headers.authorization).toBe(`Bearer ${KEY}`);
    // The shared prefix goes alone first, so a prefix-caching server shares it across agents.
    expect((body.messages as Array<{ role: string; content: string }>)[0]).toMatchObject({ role: 'system' });
    expect(answer.usage.inputTokens).toBeGreaterThan(0);
    expect(answer.usage.outputTokens).toBeGreaterThan(0);
  });

  it('counts prompt_tokens_details.cached_tokens as cache reads, and a server without cache fields as plain input', async () => {
    const call = findingsCall(MODEL);
    const first = await model().ask(call);
    const second = await model().ask({ ...call, instructions: 'Look for security issues.' });
    expect(first.usage.cacheReadTokens).toBe(0);
    expect(second.usage.cacheReadTokens).toBeGreaterThan(0);
    // prompt_tokens includes the cached part: only the rest is plain input.
    expect(second.usage.inputTokens).toBeLessThan(first.usage.inputTokens - second.usage.cacheReadTokens + 5);
    server.options = { apiKey: KEY, usage: 'plain' };
    const plain = await model().ask(call);
    expect(plain.usage).toMatchObject({ cacheReadTokens: 0, cacheWrite5mTokens: 0, cacheWrite1hTokens: 0 });
    expect(plain.usage.inputTokens).toBeGreaterThan(0);
    server.options = { apiKey: KEY, usage: 'none' };
    expect((await model().ask(call)).usage).toEqual({ inputTokens: 0, outputTokens: 0, cacheWrite5mTokens: 0, cacheWrite1hTokens: 0, cacheReadTokens: 0 });
  });

  it('asks once more, with the validation error and the schema, when the server ignores the schema', async () => {
    server.options = { apiKey: KEY, schemaSupport: 'ignored' };
    const answer = await model().ask(findingsCall(MODEL));
    expect(answer.output).toEqual(expected);
    expect(answer.retries).toBe(0);
    expect(server.requests).toHaveLength(2);
    const followUp = server.requests[1]!.body.messages as Array<{ role: string; content: string }>;
    expect(followUp.map((m) => m.role)).toEqual(['system', 'user', 'assistant', 'user']);
    expect(followUp[2]!.content).toMatch(/looks fine/);
    expect(followUp[3]!.content).toMatch(/could not be used: the answer is not JSON/);
    expect(followUp[3]!.content).toMatch(/```json\n\{/);
    // Both requests are paid for.
    expect(answer.usage.outputTokens).toBeGreaterThan(10);
  });

  it('reports an answer that fails validation twice as invalid output, a failed agent, with both requests\' usage', async () => {
    server.enqueue({ text: '{"findings": [{"title": "x", "severity": "critical", "line": 3}]}' }, { text: 'Still not sure.' });
    const error = await failure(model().ask(findingsCall(MODEL)));
    expect(error.kind).toBe('invalid_output');
    expect(error.message).toMatch(/not JSON \(also after one retry with the error\)/);
    expect(server.requests).toHaveLength(2);
    expect((server.requests[1]!.body.messages as Array<{ content: string }>)[3]!.content).toMatch(/findings\.0\.severity/);
    expect(error.usage?.inputTokens).toBeGreaterThan(0);
  });

  it('puts the schema in the prompt, from then on, when the server refuses response_format', async () => {
    server.options = { apiKey: KEY, schemaSupport: 'rejected' };
    const local = model();
    expect((await local.ask(findingsCall(MODEL))).output).toEqual(expected);
    expect(server.requests).toHaveLength(2);
    expect(server.requests[1]!.body).not.toHaveProperty('response_format');
    expect((server.requests[1]!.body.messages as Array<{ content: string }>)[1]!.content).toMatch(/JSON Schema:\n```json/);
    await local.ask(findingsCall(MODEL));
    expect(server.requests).toHaveLength(3);
    expect(server.requests[2]!.body).not.toHaveProperty('response_format');
  });

  it('keeps response_format after a 400 about something else, and does not retry it', async () => {
    server.enqueue({ status: 400, message: "model 'qwen9' not found" });
    expect((await failure(model().ask(findingsCall(MODEL)))).kind).toBe('bad_request');
    expect(server.requests).toHaveLength(1);
    await model().ask(findingsCall(MODEL));
    expect(server.requests[1]!.body).toHaveProperty('response_format');
  });

  it('retries a 429 and then answers, counting the retry', async () => {
    server.enqueue({ status: 429, headers: { 'retry-after-ms': '10' } });
    const answer = await model().ask(findingsCall(MODEL));
    expect(answer.retries).toBe(1);
    expect(server.requests).toHaveLength(2);
  });

  it.each([
    [429, 'rate_limited'],
    [503, 'server_error'],
    [529, 'overloaded'],
  ] as const)('reports %i as %s once its retries are spent, so a fallback can move on', async (status, kind) => {
    server.enqueue(...Array.from({ length: 3 }, () => ({ status, headers: { 'retry-after-ms': '10' } })));
    const error = await failure(model().ask(findingsCall(MODEL)));
    expect(error.kind).toBe(kind);
    expect(error.retries).toBe(2);
    expect(server.requests).toHaveLength(3);
  });

  it('waits out a slow first token, and times out one slower than the call allows', async () => {
    server.enqueue({ delayMs: 150 });
    expect((await model().ask(findingsCall(MODEL))).output).toEqual(expected);
    server.enqueue({ delayMs: 1_000 });
    expect((await failure(model({ maxRetries: 0 }).ask(findingsCall(MODEL, { timeoutMs: 200 })))).kind).toBe('timeout');
  });

  it('reports a malformed stream and an error inside the stream as server errors', async () => {
    server.enqueue({ malformedStream: true });
    const malformed = await failure(model().ask(findingsCall(MODEL)));
    expect(malformed.kind).toBe('server_error');
    expect(malformed.message).toMatch(/malformed answer stream/);
    server.enqueue({ streamError: 'server_error' });
    expect((await failure(model().ask(findingsCall(MODEL)))).kind).toBe('server_error');
  });

  it('reports a cut answer as truncated and a content filter as refused, without retrying them', async () => {
    server.enqueue({ finishReason: 'length' });
    expect((await failure(model().ask(findingsCall(MODEL)))).kind).toBe('truncated');
    server.enqueue({ finishReason: 'content_filter' });
    expect((await failure(model().ask(findingsCall(MODEL)))).kind).toBe('refused');
    expect(server.requests).toHaveLength(2);
  });

  it('never shows its key in an error, even when the server echoes the request headers', async () => {
    server.enqueue({ status: 401, echoHeaders: true });
    const error = await failure(model().ask(findingsCall(MODEL)));
    expect(error.kind).toBe('auth');
    expect(error.message).not.toContain(KEY);
    expect(error.message).toMatch(/redacted/);
  });

  it('never shows a password inside its base URL', async () => {
    const withPassword = server.url.replace('http://', 'http://ops:url-password-0123456789@');
    const error = await failure(openaiCompatibleProvider({ name: 'local', type: 'openai-compatible', baseURL: withPassword, maxRetries: 0 }, {}).ask(findingsCall(MODEL)));
    expect(error.message).not.toContain('url-password-0123456789');
  });

  it('sends no key of the process when none is declared, and needs a base URL', async () => {
    server.options = {};
    const saved = process.env.OPENAI_API_KEY;
    process.env.OPENAI_API_KEY = 'sk-process-key-should-not-leave';
    try {
      await model({ apiKey: undefined }).ask(findingsCall(MODEL));
    } finally {
      if (saved === undefined) delete process.env.OPENAI_API_KEY;
      else process.env.OPENAI_API_KEY = saved;
    }
    expect(server.requests[0]!.headers.authorization).not.toContain('sk-process-key');
    expect(() => openaiCompatibleProvider({ name: 'local', type: 'openai-compatible' }, {})).toThrow(/RISKGATE_PROVIDER_LOCAL_BASE_URL/);
  });

  it('the server also answers without streaming, as the openai client reads it', async () => {
    const client = new OpenAI({ baseURL: server.url, apiKey: KEY });
    const completion = await client.chat.completions.create({
      model: MODEL,
      messages: [{ role: 'user', content: 'hi' }],
      response_format: { type: 'json_schema', json_schema: { name: 'answer', schema: { type: 'object', properties: { ok: { type: 'boolean' } }, required: ['ok'] } } },
    });
    expect(JSON.parse(completion.choices[0]!.message.content!)).toEqual({ ok: false });
    expect(completion.usage?.prompt_tokens).toBeGreaterThan(0);
  });
});
