import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { ModelError, type ModelCall, type StructuredModel } from '../../src/model/model-port.js';
import { AnthropicTestServer, type ClaudeDialect, type DialectOptions } from './anthropic-server.js';

// What every provider that speaks the Claude Messages API must do, over its own SDK, route, auth
// and framing (test/support/anthropic-server.ts serves each dialect): a structured answer, cache
// accounting, a retried fault, the retryable kind once the retries are spent, errors without
// secrets. Each provider's test file runs this and adds what is its own.

export const findingsSchema = z.object({
  findings: z.array(z.object({ title: z.string(), severity: z.enum(['blocker', 'warning', 'note']), line: z.number().int().positive() })),
});
export type Findings = z.infer<typeof findingsSchema>;

export const findingsCall = (model: string, overrides: Partial<ModelCall<Findings>> = {}): ModelCall<Findings> => ({
  model,
  cachedPrefix: ['Shared instructions for every agent.', `The pull request context ${Math.random()}.`],
  instructions: 'Review for correctness.',
  schema: findingsSchema,
  maxOutputTokens: 1000,
  timeoutMs: 5_000,
  ...overrides,
});

export async function failure(promise: Promise<unknown>): Promise<ModelError> {
  try {
    await promise;
  } catch (error) {
    expect(error).toBeInstanceOf(ModelError);
    return error as ModelError;
  }
  throw new Error('expected the call to fail');
}

export interface ClaudeProviderCase {
  dialect: ClaudeDialect;
  serverOptions?: DialectOptions;
  /** The provider's model id as its cloud names it. */
  modelId: string;
  /** The adapter under test against the server, with 2 retries (or `maxRetries`). */
  makeModel: (server: AnthropicTestServer, maxRetries?: number) => StructuredModel;
  /** Secret values that must never appear in an error. */
  secrets: string[];
  /** Status codes this cloud answers with when busy, each with the kind it must become. */
  busy: ReadonlyArray<readonly [number, ModelError['kind']]>;
  /** A mid-stream error event of this cloud and the kind it must become. */
  streamError: readonly [string, ModelError['kind']];
}

/** Runs the shared cases; returns the server so the caller's own cases can use it. */
export function describeClaudeProvider(title: string, c: ClaudeProviderCase): AnthropicTestServer {
  const server = new AnthropicTestServer(c.dialect, c.serverOptions);
  let model: StructuredModel;
  beforeAll(async () => {
    await server.start();
    model = c.makeModel(server);
  });
  afterAll(() => server.stop());
  afterEach(() => server.reset());

  describe(`${title}: the Claude Messages contract over the real SDK`, () => {
    it('streams a structured answer, with its usage, to the model named', async () => {
      let begun = false;
      const answer = await model.ask(findingsCall(c.modelId, { onAnswerStarted: () => (begun = true) }));
      expect(answer.output).toEqual({ findings: [{ title: 'example', severity: 'blocker', line: 1 }] });
      expect(answer.model).toBe(c.modelId);
      expect(answer.retries).toBe(0);
      expect(begun).toBe(true);
      expect(answer.usage.inputTokens).toBeGreaterThan(0);
      expect(answer.usage.outputTokens).toBeGreaterThan(0);
      const sent = server.requests[0]!.body;
      expect((sent.output_config as { format: { type: string } }).format.type).toBe('json_schema');
      expect((sent.system as Array<{ cache_control?: unknown }>).map((b) => b.cache_control)).toEqual([undefined, { type: 'ephemeral' }]);
    });

    it('accounts for the prompt cache: the second call with the prefix reads what the first wrote', async () => {
      const prefix = ['Instructions.', `Context ${Math.random()}`];
      const first = await model.ask(findingsCall(c.modelId, { cachedPrefix: prefix }));
      const second = await model.ask(findingsCall(c.modelId, { cachedPrefix: prefix, instructions: 'Look for security issues.' }));
      expect(first.usage.cacheWrite5mTokens).toBeGreaterThan(0);
      expect(first.usage.cacheReadTokens).toBe(0);
      expect(second.usage.cacheWrite5mTokens).toBe(0);
      expect(second.usage.cacheReadTokens).toBe(first.usage.cacheWrite5mTokens);
    });

    it('retries a busy answer and then answers, counting the retry', async () => {
      server.enqueue({ status: c.busy[0]![0], headers: { 'retry-after-ms': '10' } });
      const answer = await model.ask(findingsCall(c.modelId));
      expect(answer.retries).toBe(1);
      expect(server.requests).toHaveLength(2);
    });

    it.each(c.busy)('reports %i as %s once its retries are spent, so a fallback can move on', async (status, kind) => {
      server.enqueue(...Array.from({ length: 3 }, () => ({ status, headers: { 'retry-after-ms': '10' } })));
      const error = await failure(model.ask(findingsCall(c.modelId)));
      expect(error.kind).toBe(kind);
      expect(error.retries).toBe(2);
      expect(server.requests).toHaveLength(3);
    });

    it('waits out a slow first token, and times out one slower than the call allows', async () => {
      server.enqueue({ delayMs: 150 });
      expect((await model.ask(findingsCall(c.modelId))).output.findings).toHaveLength(1);
      const quick = c.makeModel(server, 0);
      server.enqueue({ delayMs: 1_000 });
      expect((await failure(quick.ask(findingsCall(c.modelId, { timeoutMs: 200 })))).kind).toBe('timeout');
    });

    it(`reports a mid-stream ${c.streamError[0]} as ${c.streamError[1]}, keeping the prompt's usage`, async () => {
      server.enqueue({ streamError: c.streamError[0] });
      const error = await failure(model.ask(findingsCall(c.modelId)));
      expect(error.kind).toBe(c.streamError[1]);
      expect(error.usage?.inputTokens).toBeGreaterThan(0);
    });

    it('reports a malformed stream as a server error, not as a bug', async () => {
      server.enqueue({ malformedStream: true });
      const error = await failure(model.ask(findingsCall(c.modelId)));
      expect(error.kind).toBe('server_error');
      expect(error.message).toMatch(/malformed|stream/i);
    });

    it('does not retry a 400, and reports an answer outside the schema as invalid output', async () => {
      server.enqueue({ status: 400, errorType: 'invalid_request_error' });
      expect((await failure(model.ask(findingsCall(c.modelId)))).kind).toBe('bad_request');
      expect(server.requests).toHaveLength(1);
      server.enqueue({ text: '{"findings": [{"title": "x", "severity": "critical", "line": 3}]}' });
      const invalid = await failure(model.ask(findingsCall(c.modelId)));
      expect(invalid.kind).toBe('invalid_output');
      expect(invalid.message).toMatch(/findings\.0\.severity/);
    });

    it('never shows a credential in an error, even when the server echoes the request headers', async () => {
      server.enqueue({ status: 403, echoHeaders: true, errorType: 'permission_error' });
      const error = await failure(c.makeModel(server, 0).ask(findingsCall(c.modelId)));
      expect(error.kind).toBe('auth');
      expect(error.message).toMatch(/403/);
      for (const secret of c.secrets) expect(error.message).not.toContain(secret);
      expect(error.message).toMatch(/redacted/);
    });
  });
  return server;
}
