import Anthropic from '@anthropic-ai/sdk';
import { partialParse } from '@anthropic-ai/sdk/_vendor/partial-json-parser/parser';
import { transformJSONSchema } from '@anthropic-ai/sdk/lib/transform-json-schema';
import { z } from 'zod';
import { secretRedactor, type Redact } from '../security/redact-secrets.js';
import { ModelError, type ModelAnswer, type ModelCall, type StructuredModel, type Usage } from './model-port.js';

export interface AnthropicModelOptions {
  apiKey: string;
  /** Defaults to ANTHROPIC_BASE_URL, then Anthropic's API: a gateway or a test server fits here. */
  baseURL?: string;
  /** Retries after the first attempt for 429, 529, 5xx and connection errors (SDK backoff, honours retry-after). */
  maxRetries?: number;
}

// The API's answer to a request over the model's context window: "prompt is too long: 215000 tokens > 200000 maximum".
const PROMPT_TOO_LONG = /prompt is too long/i;

// Internal header that pairs the SDK's attempts with one ask(); removed before the request leaves.
const CALL_HEADER = 'x-riskgate-call';

function usageOf(raw: Anthropic.Usage | undefined): Usage {
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

/**
 * API and network failures become ModelErrors; anything else is a bug and propagates as it is.
 * The API's or a gateway's message is redacted: a proxy may echo the request's headers in it.
 */
function failureOf(error: unknown, retries: number, deadline: AbortSignal, redact: Redact): Error {
  if (error instanceof ModelError) return error;
  // The SDK's own per-attempt timeout and the call's deadline both mean "no answer in time".
  if (error instanceof Anthropic.APIConnectionTimeoutError || (error instanceof Anthropic.APIUserAbortError && deadline.aborted)) {
    return new ModelError('timeout', 'the model did not answer in time', undefined, retries);
  }
  if (error instanceof Anthropic.APIUserAbortError) return new ModelError('cancelled', 'the call was cancelled', undefined, retries);
  if (error instanceof Anthropic.APIConnectionError) return new ModelError('connection', redact(`cannot reach the model API: ${error.message}`), undefined, retries);
  if (error instanceof Anthropic.APIError) {
    const status = error.status ?? 0;
    const kind =
      status === 429
        ? 'rate_limited'
        : status === 529
          ? 'overloaded'
          : status === 401 || status === 403
            ? 'auth'
            : status >= 500
              ? 'server_error'
              : // The prompt is riskgate's fixed instructions plus the change: a change whose text
                // takes far more tokens than its length suggests (CJK, emoji) can overflow it.
                status === 400 && PROMPT_TOO_LONG.test(error.message)
                ? 'prompt_too_long'
                : 'bad_request';
    return new ModelError(kind, redact(`model API answered ${status}: ${error.message}`), undefined, retries);
  }
  return error instanceof Error ? error : new Error(String(error));
}

/**
 * The Anthropic Messages API through @anthropic-ai/sdk, with structured output. Answers are
 * streamed: the first event tells the run that the shared prefix is now cached, and streaming
 * avoids the SDK's refusal of long non-streaming calls.
 */
export class AnthropicModel implements StructuredModel {
  private readonly client: Anthropic;
  private readonly redact: Redact;
  private readonly attempts = new Map<string, number>();
  private nextCall = 0;

  constructor(options: AnthropicModelOptions) {
    this.redact = secretRedactor([{ name: 'ANTHROPIC_API_KEY', value: options.apiKey }]);
    this.client = new Anthropic({
      apiKey: options.apiKey,
      baseURL: options.baseURL ?? process.env.ANTHROPIC_BASE_URL ?? null,
      maxRetries: options.maxRetries ?? 3,
      fetch: (url, init) => {
        const headers = new Headers(init?.headers);
        const id = headers.get(CALL_HEADER);
        if (id !== null) {
          headers.delete(CALL_HEADER);
          this.attempts.set(id, (this.attempts.get(id) ?? 0) + 1);
        }
        return fetch(url, { ...init, headers });
      },
    });
  }

  async ask<T>(call: ModelCall<T>): Promise<ModelAnswer<T>> {
    const id = String(this.nextCall++);
    const started = performance.now();
    const retries = () => Math.max(0, (this.attempts.get(id) ?? 1) - 1);
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
        { timeout: call.timeoutMs, headers: { [CALL_HEADER]: id }, signal },
      );
      let begun = false;
      stream.on('streamEvent', (event) => {
        if (event.type === 'message_start' && !begun) {
          begun = true;
          promptUsage = usageOf(event.message.usage);
          call.onAnswerStarted?.();
        }
      });
      const message = await stream.finalMessage();
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
      if (!checked.success) {
        const issue = checked.error.issues[0];
        throw new ModelError('invalid_output', `the answer does not match the schema: ${issue?.path.join('.') || '(root)'}: ${issue?.message}`, usage, retries());
      }
      return { ...answered, output: checked.data };
    } catch (error) {
      const failure = failureOf(error, retries(), deadline, this.redact);
      // Cut off (cancelled, timed out, disconnected) after the answer began: what the prompt cost is known.
      throw failure instanceof ModelError && !failure.usage && promptUsage ? new ModelError(failure.kind, failure.message, promptUsage, failure.retries) : failure;
    } finally {
      this.attempts.delete(id);
    }
  }
}
