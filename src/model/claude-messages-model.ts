import { AsyncLocalStorage } from 'node:async_hooks';
import Anthropic from '@anthropic-ai/sdk';
import { partialParse } from '@anthropic-ai/sdk/_vendor/partial-json-parser/parser';
import { transformJSONSchema } from '@anthropic-ai/sdk/lib/transform-json-schema';
import { z } from 'zod';
import { secretRedactor, type NamedSecret, type Redact } from '../security/redact-secrets.js';
import { ModelError, type ModelAnswer, type ModelCall, type ModelFailureKind, type StructuredModel, type Usage } from './model-port.js';

/** What the shared adapter needs of a Claude SDK client: Anthropic's, or Bedrock's, Vertex's, Foundry's. */
export interface ClaudeClient {
  messages: Pick<Anthropic['messages'], 'stream'>;
}

export type Fetch = typeof globalThis.fetch;

export interface ClaudeMessagesSetup {
  /**
   * Builds the SDK client, once, at the first call (so a client whose credentials resolve over
   * the network does nothing before it is used). Every attempt must go through `fetch`: it
   * counts the attempts of each call.
   */
  client: (fetch: Fetch) => ClaudeClient;
  /** Redacted by value from every error message, with the setting each came from. */
  secrets: NamedSecret[];
  /** Names the service in error messages: "the model API", "Bedrock", "Vertex AI". */
  service: string;
}

// The API's answer to a request over the model's context window: "prompt is too long: 215000
// tokens > 200000 maximum"; Bedrock words it "Input is too long for requested model".
const PROMPT_TOO_LONG = /prompt is too long|input is too long/i;

// A stream's `error` event has no HTTP status: its error type says what went wrong. Anthropic's
// types, and Bedrock's exception names as @anthropic-ai/bedrock-sdk turns them into events.
const KIND_OF_ERROR_TYPE: Readonly<Record<string, ModelFailureKind>> = {
  overloaded_error: 'overloaded',
  rate_limit_error: 'rate_limited',
  api_error: 'server_error',
  timeout_error: 'timeout',
  throttlingException: 'rate_limited',
  serviceUnavailableException: 'overloaded',
  internalServerException: 'server_error',
  modelStreamErrorException: 'server_error',
  modelTimeoutException: 'timeout',
};

// The messages of @anthropic-ai/bedrock-sdk and vertex-sdk when credential resolution fails.
const CREDENTIALS_FAILED = /^Failed to (resolve AWS credentials|acquire Google OAuth credentials)/;

/** The kind of an HTTP status; shared with the adapters of other wire protocols. */
export function kindOfStatus(status: number, message: string): ModelFailureKind {
  if (status === 429) return 'rate_limited';
  if (status === 529) return 'overloaded';
  // 408: the server (Bedrock's ModelTimeoutException) gave up waiting for the model.
  if (status === 408) return 'timeout';
  if (status === 401 || status === 403) return 'auth';
  if (status >= 500) return 'server_error';
  // The prompt is riskgate's fixed instructions plus the change: a change whose text takes far
  // more tokens than its length suggests (CJK, emoji) can overflow it.
  if (status === 400 && PROMPT_TOO_LONG.test(message)) return 'prompt_too_long';
  return 'bad_request';
}

export function usageOf(raw: Anthropic.Usage | undefined): Usage {
  // The cache counters and their breakdown may be null (older models, gateways): null is zero.
  const write5m = raw?.cache_creation?.ephemeral_5m_input_tokens ?? null;
  const write1h = raw?.cache_creation?.ephemeral_1h_input_tokens ?? 0;
  return {
    inputTokens: raw?.input_tokens ?? 0,
    outputTokens: raw?.output_tokens ?? 0,
    cacheWrite5mTokens: write5m ?? raw?.cache_creation_input_tokens ?? 0,
    cacheWrite1hTokens: write1h,
    cacheReadTokens: raw?.cache_read_input_tokens ?? 0,
  };
}

function errorTypeOf(error: InstanceType<typeof Anthropic.APIError>): string | undefined {
  const body = error.error as { error?: { type?: unknown }; type?: unknown } | undefined;
  const type = body?.error?.type ?? body?.type;
  return typeof type === 'string' ? type : undefined;
}

/**
 * API and network failures become ModelErrors; anything else is a bug and propagates as it is.
 * The API's or a gateway's message is redacted: a proxy may echo the request's headers in it.
 */
function failureOf(error: unknown, retries: number, deadline: AbortSignal, redact: Redact, service: string): Error {
  if (error instanceof ModelError) return error;
  // The SDK's own per-attempt timeout and the call's deadline both mean "no answer in time".
  if (error instanceof Anthropic.APIConnectionTimeoutError || (error instanceof Anthropic.APIUserAbortError && deadline.aborted)) {
    return new ModelError('timeout', `${service} did not answer in time`, undefined, retries);
  }
  if (error instanceof Anthropic.APIUserAbortError) return new ModelError('cancelled', 'the call was cancelled', undefined, retries);
  if (error instanceof Anthropic.APIConnectionError) {
    // Bedrock's and Vertex's SDKs report credentials they could not obtain (none configured, a
    // refused token exchange) as connection errors so that they are retried; once the retries are
    // spent it is the operator's configuration, not an outage to fall back from.
    if (CREDENTIALS_FAILED.test(error.message)) {
      const cause = error.cause instanceof Error ? `: ${error.cause.message}` : '';
      return new ModelError('auth', redact(`${service} credentials could not be obtained${cause}`), undefined, retries);
    }
    return new ModelError('connection', redact(`cannot reach ${service}: ${error.message}`), undefined, retries);
  }
  if (error instanceof Anthropic.APIError) {
    if (error.status === undefined) {
      // An `error` event inside a stream that had begun.
      const type = errorTypeOf(error);
      const kind = (type === undefined ? undefined : KIND_OF_ERROR_TYPE[type]) ?? 'server_error';
      return new ModelError(kind, redact(`${service} failed mid-answer: ${error.message}`), undefined, retries);
    }
    return new ModelError(kindOfStatus(error.status, error.message), redact(`${service} answered ${error.status}: ${error.message}`), undefined, retries);
  }
  return error instanceof Error ? error : new Error(String(error));
}

/**
 * What reading the answer stream threw: the SDK's API errors as they are; anything else means
 * the SDK could not read what the server sent (bad JSON, broken event-stream framing, a stream
 * that ended without a message), the server's fault and retryable elsewhere.
 */
function streamFailure(error: unknown, service: string, redact: Redact): unknown {
  if (error instanceof Anthropic.APIError || error instanceof ModelError || !(error instanceof Error)) return error;
  return new ModelError('server_error', redact(`${service} sent a malformed answer stream: ${error.message}`));
}

/**
 * The Claude Messages API through an Anthropic SDK client (Anthropic's own, or Bedrock's,
 * Vertex's, Foundry's, which speak the same API over their own endpoints and auth), with
 * structured output. Answers are streamed: the first event tells the run that the shared prefix
 * is now cached, and streaming avoids the SDK's refusal of long non-streaming calls.
 */
export class ClaudeMessagesModel implements StructuredModel {
  private clientInstance?: ClaudeClient;
  private readonly redact: Redact;
  // The attempts of the call in whose async context a fetch runs: the SDK retries inside one call.
  private readonly attempts = new AsyncLocalStorage<{ count: number }>();

  constructor(private readonly setup: ClaudeMessagesSetup) {
    this.redact = secretRedactor(setup.secrets);
  }

  private get client(): ClaudeClient {
    this.clientInstance ??= this.setup.client((url, init) => {
      const counter = this.attempts.getStore();
      if (counter) counter.count++;
      return fetch(url, init);
    });
    return this.clientInstance;
  }

  ask<T>(call: ModelCall<T>): Promise<ModelAnswer<T>> {
    return this.attempts.run({ count: 0 }, () => this.askCounted(call));
  }

  private async askCounted<T>(call: ModelCall<T>): Promise<ModelAnswer<T>> {
    const counter = this.attempts.getStore()!;
    const { service } = this.setup;
    const started = performance.now();
    const retries = () => Math.max(0, counter.count - 1);
    // The SDK's timeout covers each attempt until headers arrive; the deadline covers the whole
    // call, retries and a stream that stalls midway included.
    const deadline = AbortSignal.timeout(call.timeoutMs);
    const signal = call.signal ? AbortSignal.any([deadline, call.signal]) : deadline;
    // The prompt's usage as the answer's first event reports it: billed even if the answer never ends.
    let promptUsage: Usage | undefined;
    try {
      const system = call.cachedPrefix.map((text, i): Anthropic.TextBlockParam => ({
        type: 'text',
        text,
        // One breakpoint after the last shared block caches everything before it.
        ...(i === call.cachedPrefix.length - 1 ? { cache_control: { type: 'ephemeral' } } : {}),
      }));
      // No temperature, top_p or top_k: the API version the SDK speaks rejects them.
      const stream = this.client.messages.stream(
        {
          model: call.model,
          max_tokens: call.maxOutputTokens,
          system,
          messages: [{ role: 'user', content: call.instructions }],
          // The SDK's own transform: the bounds the grammar cannot hold (lengths, counts, ranges)
          // move into descriptions, and the answer is checked against them here.
          output_config: { format: { type: 'json_schema', schema: transformJSONSchema(z.toJSONSchema(call.schema) as Record<string, unknown>) } },
        },
        { timeout: call.timeoutMs, signal },
      );
      let begun = false;
      stream.on('streamEvent', (event) => {
        if (event.type === 'message_start' && !begun) {
          begun = true;
          promptUsage = usageOf(event.message.usage);
          call.onAnswerStarted?.();
        }
      });
      const message = await stream.finalMessage().catch((error: unknown) => {
        throw streamFailure(error, service, this.redact);
      });
      const usage = usageOf(message.usage);
      if (message.stop_reason === 'refusal') throw new ModelError('refused', 'the model refused to answer', usage, retries());
      const cutOff = `the answer was cut off at ${call.maxOutputTokens} output tokens`;
      if (message.stop_reason === 'max_tokens' && !call.read) throw new ModelError('truncated', cutOff, usage, retries());
      // Thinking and other blocks may come first: take the text blocks, never content[0].
      const text = message.content.flatMap((block) => (block.type === 'text' ? [block.text] : [])).join('');
      const answered = { usage, model: message.model, latencyMs: performance.now() - started, retries: retries() };
      if (call.read) {
        const cut = message.stop_reason === 'max_tokens';
        let parsed: unknown;
        try {
          // A cut answer is read as far as it went; the reader drops the item the cut fell in.
          parsed = cut ? partialParse(text) : JSON.parse(text);
        } catch {
          throw new ModelError(cut ? 'truncated' : 'invalid_output', cut ? cutOff : 'the answer is not JSON', usage, retries());
        }
        const reading = call.read(parsed, cut);
        if ('unusable' in reading) throw new ModelError(cut ? 'truncated' : 'invalid_output', cut ? `${cutOff}, and ${reading.unusable}` : reading.unusable, usage, retries());
        return { ...answered, output: reading.output, dropped: reading.dropped, problems: reading.problems, ...(cut ? { incomplete: cutOff } : {}) };
      }
      let parsed: unknown;
      try {
        parsed = JSON.parse(text);
      } catch {
        throw new ModelError('invalid_output', 'the answer is not JSON', usage, retries());
      }
      const checked = call.schema.safeParse(parsed);
      if (!checked.success) throw new ModelError('invalid_output', `the answer does not match the schema: ${firstIssue(checked.error)}`, usage, retries());
      return { ...answered, output: checked.data };
    } catch (error) {
      const failure = failureOf(error, retries(), deadline, this.redact, service);
      // Vertex's SDK keeps the credential lookup it started with: a failed one would fail every
      // later call, so the next call builds a new client and looks again.
      if (failure instanceof ModelError && failure.kind === 'auth' && error instanceof Anthropic.APIConnectionError) this.clientInstance = undefined;
      // Cut off (cancelled, timed out, disconnected) after the answer began: what the prompt cost is known.
      throw failure instanceof ModelError && (!failure.usage || failure.retries !== retries())
        ? new ModelError(failure.kind, failure.message, failure.usage ?? promptUsage, retries())
        : failure;
    }
  }
}

/** The first problem zod found, as `path: message`. */
export function firstIssue(error: z.ZodError): string {
  const issue = error.issues[0];
  return `${issue?.path.join('.') || '(root)'}: ${issue?.message}`;
}
