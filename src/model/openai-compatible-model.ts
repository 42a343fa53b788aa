import { AsyncLocalStorage } from 'node:async_hooks';
import { partialParse } from '@anthropic-ai/sdk/_vendor/partial-json-parser/parser';
import { transformJSONSchema } from '@anthropic-ai/sdk/lib/transform-json-schema';
import OpenAI from 'openai';
import { z } from 'zod';
import { secretRedactor, type NamedSecret, type Redact } from '../security/redact-secrets.js';
import { firstIssue, kindOfStatus } from './claude-messages-model.js';
import { ModelError, ZERO_USAGE, type ModelAnswer, type ModelCall, type StructuredModel, type Usage } from './model-port.js';
import type { ProviderFactory } from './provider-settings.js';
import { providerSecrets, settingVariable } from './provider-secrets.js';

export interface OpenAICompatibleOptions {
  /** The server's API root, e.g. `http://127.0.0.1:11434/v1` (Ollama) or `http://vllm:8000/v1`. */
  baseURL: string;
  /** Many local servers take none. */
  apiKey?: string;
  maxRetries?: number;
  secrets: NamedSecret[];
}

// A server that does not take `response_format: json_schema` says so in a 400 naming the field.
const FORMAT_REFUSED = /response_format|json_schema|structured output/i;
// How much of an unusable answer goes back to the model with the error: enough to see its mistake.
const MAX_ECHOED_ANSWER = 8_000;

function usageOf(raw: OpenAI.CompletionUsage | undefined): Usage {
  if (!raw) return ZERO_USAGE;
  // `prompt_tokens` includes the cached part; a server without cache fields cached nothing.
  const cached = raw.prompt_tokens_details?.cached_tokens ?? 0;
  return { inputTokens: Math.max(0, raw.prompt_tokens - cached), outputTokens: raw.completion_tokens, cacheWrite5mTokens: 0, cacheWrite1hTokens: 0, cacheReadTokens: cached };
}

const addUsage = (a: Usage, b: Usage): Usage => ({
  inputTokens: a.inputTokens + b.inputTokens,
  outputTokens: a.outputTokens + b.outputTokens,
  cacheWrite5mTokens: a.cacheWrite5mTokens + b.cacheWrite5mTokens,
  cacheWrite1hTokens: a.cacheWrite1hTokens + b.cacheWrite1hTokens,
  cacheReadTokens: a.cacheReadTokens + b.cacheReadTokens,
});

function failureOf(error: unknown, retries: number, deadline: AbortSignal, redact: Redact): Error {
  if (error instanceof ModelError) return error;
  if (error instanceof OpenAI.APIConnectionTimeoutError || (error instanceof OpenAI.APIUserAbortError && deadline.aborted)) {
    return new ModelError('timeout', 'the model server did not answer in time', undefined, retries);
  }
  if (error instanceof OpenAI.APIUserAbortError) return new ModelError('cancelled', 'the call was cancelled', undefined, retries);
  if (error instanceof OpenAI.APIConnectionError) return new ModelError('connection', redact(`cannot reach the model server: ${error.message}`), undefined, retries);
  if (error instanceof OpenAI.APIError) {
    // No status: an error the server sent inside a stream that had begun.
    if (error.status === undefined) return new ModelError('server_error', redact(`the model server failed mid-answer: ${error.message}`), undefined, retries);
    return new ModelError(kindOfStatus(error.status, error.message), redact(`the model server answered ${error.status}: ${error.message}`), undefined, retries);
  }
  return error instanceof Error ? error : new Error(String(error));
}

/** One completed request: the text, why it stopped, what it cost. */
interface Completion {
  text: string;
  finish: string | null;
  refusal: string;
  usage: Usage;
  model: string;
}

/** What was wrong with an answer, or what it gave. */
type Reading<T> = { ok: Omit<ModelAnswer<T>, 'usage' | 'model' | 'latencyMs' | 'retries'> } | { problem: string; cut: boolean };

/**
 * Any OpenAI-compatible chat completions server (vLLM, Ollama, llama.cpp, LM Studio, gateways)
 * through the `openai` package. Structured output is asked for with `response_format:
 * json_schema`; a server that refuses the field gets the schema in the prompt from then on. An
 * answer that does not validate (servers and small models ignore formats) is asked for again once,
 * with what was wrong and the schema; a second miss is `invalid_output`.
 */
export class OpenAICompatibleModel implements StructuredModel {
  private readonly client: OpenAI;
  private readonly redact: Redact;
  private readonly attempts = new AsyncLocalStorage<{ count: number }>();
  /** Models whose server refused `response_format: json_schema`. */
  private readonly schemaInPrompt = new Set<string>();

  constructor(options: OpenAICompatibleOptions) {
    this.redact = secretRedactor(options.secrets);
    this.client = new OpenAI({
      baseURL: options.baseURL,
      // The package insists on a key; a local server ignores this one. Never OPENAI_API_KEY from the process.
      apiKey: options.apiKey ?? 'none',
      organization: null,
      project: null,
      maxRetries: options.maxRetries ?? 3,
      fetch: (url, init) => {
        const counter = this.attempts.getStore();
        if (counter) counter.count++;
        return fetch(url, init);
      },
    });
  }

  ask<T>(call: ModelCall<T>): Promise<ModelAnswer<T>> {
    return this.attempts.run({ count: 0 }, () => this.askCounted(call));
  }

  private async askCounted<T>(call: ModelCall<T>): Promise<ModelAnswer<T>> {
    const counter = this.attempts.getStore()!;
    const started = performance.now();
    // Requests that were not retries of a failure: the downgrade to a prompt schema, the correction.
    let planned = 0;
    const retries = () => Math.max(0, counter.count - 1 - planned);
    const deadline = AbortSignal.timeout(call.timeoutMs);
    const signal = call.signal ? AbortSignal.any([deadline, call.signal]) : deadline;
    const schema = transformJSONSchema(z.toJSONSchema(call.schema) as Record<string, unknown>);
    const schemaText = `\`\`\`json\n${JSON.stringify(schema)}\n\`\`\``;
    let usage = ZERO_USAGE;
    let begun = false;
    // The shared prefix first and alone, so that servers that cache prompt prefixes (vLLM, OpenAI) share it.
    const messages = (inPrompt: boolean): OpenAI.ChatCompletionMessageParam[] => [
      { role: 'system', content: call.cachedPrefix.join('\n\n') },
      { role: 'user', content: inPrompt ? `${call.instructions}\n\nAnswer with only a JSON object that matches this JSON Schema:\n${schemaText}` : call.instructions },
    ];
    const complete = async (conversation: OpenAI.ChatCompletionMessageParam[], withFormat: boolean): Promise<Completion> => {
      const stream = await this.client.chat.completions.create(
        {
          model: call.model,
          messages: conversation,
          max_tokens: call.maxOutputTokens,
          stream: true,
          stream_options: { include_usage: true },
          ...(withFormat ? { response_format: { type: 'json_schema' as const, json_schema: { name: 'answer', schema, strict: false } } } : {}),
        },
        { timeout: call.timeoutMs, signal },
      );
      const done: Completion = { text: '', finish: null, refusal: '', usage: ZERO_USAGE, model: call.model };
      try {
        for await (const chunk of stream) {
          if (!begun) {
            begun = true;
            call.onAnswerStarted?.();
          }
          if (chunk.model) done.model = chunk.model;
          if (chunk.usage) done.usage = usageOf(chunk.usage);
          const choice = chunk.choices[0];
          if (!choice) continue;
          done.text += choice.delta.content ?? '';
          done.refusal += choice.delta.refusal ?? '';
          if (choice.finish_reason) done.finish = choice.finish_reason;
        }
      } catch (error) {
        // Anything but the package's API errors: it could not read what the server sent.
        if (error instanceof OpenAI.APIError || !(error instanceof Error)) throw error;
        throw new ModelError('server_error', this.redact(`the model server sent a malformed answer stream: ${error.message}`));
      }
      usage = addUsage(usage, done.usage);
      return done;
    };

    try {
      let inPrompt = this.schemaInPrompt.has(call.model);
      let conversation = messages(inPrompt);
      let completion: Completion;
      try {
        completion = await complete(conversation, !inPrompt);
      } catch (error) {
        if (inPrompt || !(error instanceof OpenAI.APIError) || error.status !== 400 || !FORMAT_REFUSED.test(error.message)) throw error;
        this.schemaInPrompt.add(call.model);
        inPrompt = true;
        planned++;
        conversation = messages(true);
        completion = await complete(conversation, false);
      }
      let reading = this.read(call, completion, usage, retries);
      if ('problem' in reading && !reading.cut) {
        // Once, with what was wrong and the shape: a model that ignored the format often complies when told.
        planned++;
        conversation = [
          ...conversation,
          { role: 'assistant', content: completion.text.slice(0, MAX_ECHOED_ANSWER) },
          { role: 'user', content: `That answer could not be used: ${reading.problem}. Answer again with only a JSON object that matches this JSON Schema, nothing else:\n${schemaText}` },
        ];
        completion = await complete(conversation, !inPrompt);
        reading = this.read(call, completion, usage, retries);
        if ('problem' in reading && !reading.cut) throw new ModelError('invalid_output', `${reading.problem} (also after one retry with the error)`, usage, retries());
      }
      if ('problem' in reading) throw new ModelError('truncated', reading.problem, usage, retries());
      return { ...reading.ok, usage, model: completion.model, latencyMs: performance.now() - started, retries: retries() };
    } catch (error) {
      const failure = failureOf(error, retries(), deadline, this.redact);
      throw failure instanceof ModelError && (!failure.usage || failure.retries !== retries())
        ? new ModelError(failure.kind, failure.message, failure.usage ?? (usage === ZERO_USAGE ? undefined : usage), retries())
        : failure;
    }
  }

  /** The answer's output, or what is wrong with it (`cut`: it stopped at the output cap). */
  private read<T>(call: ModelCall<T>, completion: Completion, usage: Usage, retries: () => number): Reading<T> {
    if (completion.refusal || completion.finish === 'content_filter') throw new ModelError('refused', 'the model refused to answer', usage, retries());
    const cut = completion.finish === 'length';
    const cutOff = `the answer was cut off at ${call.maxOutputTokens} output tokens`;
    if (cut && !call.read) return { problem: cutOff, cut };
    const text = unfenced(completion.text);
    let parsed: unknown;
    try {
      parsed = cut ? partialParse(text) : JSON.parse(text);
    } catch {
      return { problem: cut ? cutOff : 'the answer is not JSON', cut };
    }
    if (call.read) {
      const reading = call.read(parsed, cut);
      if ('unusable' in reading) return { problem: cut ? `${cutOff}, and ${reading.unusable}` : reading.unusable, cut };
      return { ok: { output: reading.output, dropped: reading.dropped, problems: reading.problems, ...(cut ? { incomplete: cutOff } : {}) } };
    }
    const checked = call.schema.safeParse(parsed);
    if (!checked.success) return { problem: `the answer does not match the schema: ${firstIssue(checked.error)}`, cut: false };
    return { ok: { output: checked.data } };
  }
}

/** A model told the shape in words often wraps its JSON in a Markdown fence. */
function unfenced(text: string): string {
  const trimmed = text.trim();
  if (!trimmed.startsWith('```')) return trimmed;
  const firstLineEnd = trimmed.indexOf('\n');
  const closing = trimmed.lastIndexOf('```');
  return firstLineEnd !== -1 && closing > firstLineEnd ? trimmed.slice(firstLineEnd + 1, closing).trim() : trimmed;
}

/**
 * `openai-compatible`: any server speaking OpenAI's chat completions at `_BASE_URL` (required),
 * with `_API_KEY` when it wants one. Its models default to price 0, "local".
 */
export const openaiCompatibleProvider: ProviderFactory = (settings, env) => {
  if (!settings.baseURL) throw new Error(`provider "${settings.name}" (openai-compatible) needs a base URL: ${settingVariable(settings, 'BASE_URL')}`);
  return new OpenAICompatibleModel({
    baseURL: settings.baseURL,
    ...(settings.apiKey ? { apiKey: settings.apiKey } : {}),
    ...(settings.maxRetries !== undefined ? { maxRetries: settings.maxRetries } : {}),
    secrets: providerSecrets(settings, env),
  });
};
