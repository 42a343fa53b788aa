import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { AnthropicModel } from '../../src/model/anthropic-model.js';
import { ModelError, type ModelCall } from '../../src/model/model-port.js';
import { AnthropicTestServer } from '../support/anthropic-server.js';

const findingsSchema = z.object({
  findings: z.array(z.object({ title: z.string(), severity: z.enum(['blocker', 'warning', 'note']), line: z.number().int().positive() })),
});

const server = new AnthropicTestServer();
let model: AnthropicModel;
const call = (overrides: Partial<ModelCall<z.infer<typeof findingsSchema>>> = {}): ModelCall<z.infer<typeof findingsSchema>> => ({
  model: 'claude-haiku-5-5',
  cachedPrefix: ['Shared instructions for every agent.', 'The pull request context, fenced as data.'],
  instructions: 'Review for correctness.',
  schema: findingsSchema,
  maxOutputTokens: 1000,
  timeoutMs: 5_000,
  ...overrides,
});

async function failure(promise: Promise<unknown>): Promise<ModelError> {
  try {
    await promise;
  } catch (error) {
    expect(error).toBeInstanceOf(ModelError);
    return error as ModelError;
  }
  throw new Error('expected the call to fail');
}

beforeAll(async () => {
  await server.start();
  model = new AnthropicModel({ apiKey: 'sk-test-key', baseURL: server.url, maxRetries: 2 });
});
afterAll(() => server.stop());
afterEach(() => server.reset());

describe('AnthropicModel over the real SDK', () => {
  it('asks for schema-shaped output and returns it parsed, with usage', async () => {
    const answer = await model.ask(call());
    expect(answer.output).toEqual({ findings: [{ title: 'example', severity: 'blocker', line: 1 }] });
    expect(answer.retries).toBe(0);
    expect(answer.usage.outputTokens).toBeGreaterThan(0);
    const request = server.requests[0]!;
    expect(request.headers.authorization).toBe('Bearer sk-test-key');
    expect(request.body).not.toHaveProperty('temperature');
    expect(request.body).not.toHaveProperty('top_p');
    expect(request.headers['x-riskgate-call']).toBeUndefined();
    expect((request.body.output_config as { format: { type: string } }).format.type).toBe('json_schema');
    const system = request.body.system as Array<{ cache_control?: unknown }>;
    expect(system.map((b) => b.cache_control)).toEqual([undefined, { type: 'ephemeral' }]);
  });

  it('reads the second call with the same prefix from the cache', async () => {
    const prefix = ['Instructions.', `Context ${Math.random()}`];
    const first = await model.ask(call({ cachedPrefix: prefix }));
    const second = await model.ask(call({ cachedPrefix: prefix, instructions: 'Look for security issues.' }));
    expect(first.usage.cacheWrite5mTokens).toBeGreaterThan(0);
    expect(first.usage.cacheReadTokens).toBe(0);
    expect(second.usage.cacheWrite5mTokens).toBe(0);
    expect(second.usage.cacheReadTokens).toBe(first.usage.cacheWrite5mTokens);
  });

  it('takes the text block when thinking comes first', async () => {
    server.enqueue({ thinkingFirst: true });
    expect((await model.ask(call())).output.findings).toHaveLength(1);
  });

  it('treats null cache counters as zero', async () => {
    server.enqueue({ nullCacheCounters: true });
    const { usage } = await model.ask(call());
    expect(usage.cacheReadTokens).toBe(0);
    expect(usage.cacheWrite5mTokens).toBe(0);
  });

  it('retries a 429 after the time retry-after asks for, and counts the retry', async () => {
    server.enqueue({ status: 429, headers: { 'retry-after-ms': '300' } });
    const answer = await model.ask(call());
    expect(answer.retries).toBe(1);
    expect(server.requests).toHaveLength(2);
    expect(server.requests[1]!.receivedAt - server.requests[0]!.receivedAt).toBeGreaterThanOrEqual(290);
  });

  it.each([
    [529, 'overloaded'],
    [500, 'server_error'],
    [429, 'rate_limited'],
  ] as const)('reports %i as %s after the retries run out', async (status, kind) => {
    server.enqueue(...Array.from({ length: 3 }, () => ({ status, headers: { 'retry-after-ms': '10' } })));
    const error = await failure(model.ask(call()));
    expect(error.kind).toBe(kind);
    expect(error.retries).toBe(2);
    expect(server.requests).toHaveLength(3);
  });

  it('does not retry a 400', async () => {
    server.enqueue({ status: 400, errorType: 'invalid_request_error' });
    expect((await failure(model.ask(call()))).kind).toBe('bad_request');
    expect(server.requests).toHaveLength(1);
  });

  it('gives up at its timeout', async () => {
    const quick = new AnthropicModel({ apiKey: 'k', baseURL: server.url, maxRetries: 0 });
    server.enqueue({ delayMs: 1_000 });
    const started = performance.now();
    expect((await failure(quick.ask(call({ timeoutMs: 200 })))).kind).toBe('timeout');
    expect(performance.now() - started).toBeLessThan(900);
  });

  it('streams, and says when the answer begins, before it ends', async () => {
    server.enqueue({ stallMs: 300 });
    let begunAt = 0;
    const answer = await model.ask(call({ onAnswerStarted: () => (begunAt = performance.now()) }));
    expect(server.requests[0]!.body.stream).toBe(true);
    expect(begunAt).toBeGreaterThan(0);
    expect(server.requests[0]!.finishedAt! - begunAt).toBeGreaterThanOrEqual(250);
    expect(answer.output.findings).toHaveLength(1);
  });

  it('times out a stream that stalls after it began, within the call deadline', async () => {
    const quick = new AnthropicModel({ apiKey: 'k', baseURL: server.url, maxRetries: 0 });
    server.enqueue({ stallMs: 2_000 });
    const started = performance.now();
    let begun = false;
    expect((await failure(quick.ask(call({ timeoutMs: 300, onAnswerStarted: () => (begun = true) })))).kind).toBe('timeout');
    expect(begun).toBe(true);
    expect(performance.now() - started).toBeLessThan(1_500);
  });

  it('keeps its deadline across retries', async () => {
    server.enqueue(...Array.from({ length: 3 }, () => ({ status: 529, headers: { 'retry-after-ms': '400' } })));
    const started = performance.now();
    expect((await failure(model.ask(call({ timeoutMs: 600 })))).kind).toBe('timeout');
    expect(performance.now() - started).toBeLessThan(1_000);
  });

  it('reports a call cancelled by its caller as cancelled, not as a timeout', async () => {
    server.enqueue({ delayMs: 1_000 });
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 100);
    expect((await failure(model.ask(call({ signal: controller.signal })))).kind).toBe('cancelled');
  });

  it.each([
    [{ text: 'Sure! Here are the findings: none' }, 'invalid_output', /not JSON/],
    [{ text: '{"findings": [{"title": "x", "severity": "critical", "line": 3}]}' }, 'invalid_output', /findings\.0\.severity/],
    [{ stopReason: 'max_tokens' as const }, 'truncated', /cut off at 1000/],
    [{ stopReason: 'refusal' as const }, 'refused', /refused/],
  ])('reports a bad answer (%o) as %s, keeping its usage', async (fault, kind, message) => {
    server.enqueue(fault);
    const error = await failure(model.ask(call()));
    expect(error.kind).toBe(kind);
    expect(error.message).toMatch(message);
    expect(error.usage?.outputTokens).toBeGreaterThan(0);
  });

  it('sends the shape as the SDK transforms it: bounds the grammar cannot hold move into descriptions', async () => {
    const bounded = z.object({ findings: z.array(z.object({ title: z.string().max(200) })).max(50) });
    await model.ask({ ...call(), schema: bounded } as unknown as ModelCall<z.infer<typeof findingsSchema>>);
    const sent = JSON.stringify((server.requests[0]!.body.output_config as { format: { schema: unknown } }).format.schema);
    expect(sent).not.toMatch(/"maxLength"|"maxItems"/);
    expect(sent).toMatch(/maxLength: 200/);
    expect(sent).toMatch(/"additionalProperties":false/);
  });

  it("with a reader, returns what it kept and what it dropped; a cut answer comes back incomplete, read as far as it went", async () => {
    const read: ModelCall<{ kept: unknown[] }>['read'] = (answer, cut) => {
      const items = (answer as { findings?: unknown[] }).findings ?? [];
      const whole = cut ? items.slice(0, -1) : items;
      return { output: { kept: whole }, dropped: items.length - whole.length, problems: cut ? ['the last item was cut'] : [] };
    };
    const ask = (fault: Parameters<AnthropicTestServer['enqueue']>[0]) => {
      server.enqueue(fault);
      return model.ask({ ...call(), read } as unknown as ModelCall<{ kept: unknown[] }>);
    };
    const whole = await ask({ text: '{"findings": [1, 2, 3]}' });
    expect(whole).toMatchObject({ output: { kept: [1, 2, 3] }, dropped: 0 });
    expect(whole.incomplete).toBeUndefined();
    const cut = await ask({ text: '{"findings": [{"a": 1}, {"a": 2}, {"a": 3', stopReason: 'max_tokens' });
    expect(cut).toMatchObject({ output: { kept: [{ a: 1 }, { a: 2 }] }, dropped: 1, problems: ['the last item was cut'], incomplete: 'the answer was cut off at 1000 output tokens' });
    const unusable = await failure(model.ask({ ...call(), read: () => ({ unusable: 'the answer has no findings list' }) }));
    expect(unusable.kind).toBe('invalid_output');
    expect(unusable.message).toBe('the answer has no findings list');
  });

  it('tells a prompt too long for the model (the change made it so) from other bad requests', async () => {
    server.respond = () => ({ status: 400, errorType: 'invalid_request_error', message: 'prompt is too long: 215000 tokens > 200000 maximum' });
    expect((await failure(model.ask(call()))).kind).toBe('prompt_too_long');
    server.respond = () => ({ status: 404, errorType: 'not_found_error' });
    expect((await failure(model.ask(call()))).kind).toBe('bad_request');
  });

  it('takes its base URL from ANTHROPIC_BASE_URL', async () => {
    const saved = process.env.ANTHROPIC_BASE_URL;
    process.env.ANTHROPIC_BASE_URL = server.url;
    try {
      await new AnthropicModel({ apiKey: 'k' }).ask(call());
      expect(server.requests).toHaveLength(1);
    } finally {
      if (saved === undefined) delete process.env.ANTHROPIC_BASE_URL;
      else process.env.ANTHROPIC_BASE_URL = saved;
    }
  });
});
