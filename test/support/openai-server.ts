import { createHash } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { exampleOf } from './anthropic-server.js';

// A local OpenAI-compatible chat completions server (what vLLM, Ollama, llama.cpp and LM Studio
// serve) for tests: the real `openai` client talks to it over real HTTP, streamed (server-sent
// events, `data: [DONE]`) or not. It plays a model that honours `response_format: json_schema`,
// one that ignores it (prose first, JSON once told what was wrong), one whose server refuses the
// field (then it follows a schema given in the prompt), and faults queued one per request.

export type OpenAIFault =
  | { status: number; headers?: Record<string, string>; message?: string; echoHeaders?: boolean }
  | { delayMs: number }
  | { text: string }
  | { finishReason: 'length' | 'content_filter' }
  | { malformedStream: true }
  | { streamError: string };

export interface OpenAIServerOptions {
  /** The only bearer token accepted; without it any or none is. */
  apiKey?: string;
  /** `enforced`: answers match the json_schema; `ignored`: the field is accepted and ignored; `rejected`: a 400 names it. */
  schemaSupport?: 'enforced' | 'ignored' | 'rejected';
  /** `cached`: usage with `prompt_tokens_details.cached_tokens` (a repeated system prompt is cached); `plain`: no cache fields; `none`: no usage. */
  usage?: 'cached' | 'plain' | 'none';
}

export interface OpenAIRecordedRequest {
  headers: IncomingMessage['headers'];
  body: Record<string, unknown>;
  receivedAt: number;
}

type Message = { role: string; content: string };
type JsonSchema = Parameters<typeof exampleOf>[0];

const tokensOf = (text: string) => Math.ceil(text.length / 4);
const sleep = (ms: number) => (ms > 0 ? new Promise((resolve) => setTimeout(resolve, ms)) : Promise.resolve());
// A schema the client put in the prompt, as a fenced JSON block.
const FENCED_JSON = /```json\n([^`]{1,100000})\n```/;

export class OpenAITestServer {
  readonly requests: OpenAIRecordedRequest[] = [];
  private readonly faults: OpenAIFault[] = [];
  private readonly cachedPrompts = new Set<string>();
  private server?: Server;
  url = '';

  constructor(public options: OpenAIServerOptions = {}) {}

  enqueue(...faults: OpenAIFault[]): this {
    this.faults.push(...faults);
    return this;
  }

  reset(): void {
    this.requests.length = 0;
    this.faults.length = 0;
    this.cachedPrompts.clear();
  }

  async start(): Promise<this> {
    this.server = createServer((req, res) => void this.handle(req, res));
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/v1`;
    return this;
  }

  async stop(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const error = (status: number, message: string, type: string, headers: Record<string, string> = {}) => {
      if (res.destroyed) return;
      res.writeHead(status, { 'content-type': 'application/json', ...headers });
      res.end(JSON.stringify({ error: { message, type, param: null, code: null } }));
    };
    if (req.method !== 'POST' || req.url !== '/v1/chat/completions') return error(404, `no route ${req.method} ${req.url}`, 'not_found');
    if (this.options.apiKey !== undefined && req.headers.authorization !== `Bearer ${this.options.apiKey}`) return error(401, 'Incorrect API key provided', 'invalid_request_error');
    let body: Record<string, unknown>;
    try {
      body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as Record<string, unknown>;
    } catch {
      return error(400, 'body is not JSON', 'invalid_request_error');
    }
    this.requests.push({ headers: req.headers, body, receivedAt: performance.now() });
    const messages = (Array.isArray(body.messages) ? body.messages : []) as Message[];
    if (typeof body.model !== 'string' || messages.length === 0) return error(400, 'model and messages are required', 'invalid_request_error');
    const format = body.response_format as { type?: string; json_schema?: { name?: string; schema?: JsonSchema } } | undefined;
    const support = this.options.schemaSupport ?? 'enforced';
    if (format?.type === 'json_schema' && support === 'rejected') return error(400, "response_format: 'json_schema' is not supported by this server", 'invalid_request_error');
    if (format?.type === 'json_schema' && (typeof format.json_schema?.name !== 'string' || typeof format.json_schema.schema !== 'object')) {
      return error(400, 'response_format.json_schema needs a name and a schema', 'invalid_request_error');
    }

    const fault = this.faults.shift();
    if (fault && 'status' in fault) {
      const echo = fault.echoHeaders ? `; request headers: ${JSON.stringify(req.headers)}` : '';
      return error(fault.status, `${fault.message ?? `injected ${fault.status}`}${echo}`, fault.status === 429 ? 'rate_limit_exceeded' : 'server_error', fault.headers);
    }
    await sleep(fault && 'delayMs' in fault ? fault.delayMs : 0);
    if (res.destroyed) return;

    const text = fault && 'text' in fault ? fault.text : this.answer(messages, format?.type === 'json_schema' && support === 'enforced' ? format.json_schema?.schema : undefined);
    const finishReason = fault && 'finishReason' in fault ? fault.finishReason : 'stop';
    const system = messages.filter((m) => m.role === 'system').map((m) => m.content).join('\n');
    const promptTokens = tokensOf(messages.map((m) => m.content).join('\n'));
    const cacheKey = createHash('sha256').update(`${String(body.model)}\u0000${system}`).digest('hex');
    const cached = this.cachedPrompts.has(cacheKey) ? tokensOf(system) : 0;
    this.cachedPrompts.add(cacheKey);
    const usageMode = this.options.usage ?? 'cached';
    const usage =
      usageMode === 'none'
        ? undefined
        : { prompt_tokens: promptTokens, completion_tokens: tokensOf(text), total_tokens: promptTokens + tokensOf(text), ...(usageMode === 'cached' ? { prompt_tokens_details: { cached_tokens: cached } } : {}) };
    const id = `chatcmpl-${this.requests.length}`;
    const base = { id, created: Math.floor(Date.now() / 1000), model: body.model };

    if (body.stream !== true) {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ ...base, object: 'chat.completion', choices: [{ index: 0, message: { role: 'assistant', content: text, refusal: null }, finish_reason: finishReason, logprobs: null }], ...(usage ? { usage } : {}) }));
      return;
    }
    res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
    const send = (data: unknown) => !res.destroyed && res.write(`data: ${JSON.stringify(data)}\n\n`);
    const chunk = (delta: Record<string, unknown>, finish: string | null) => send({ ...base, object: 'chat.completion.chunk', choices: [{ index: 0, delta, finish_reason: finish, logprobs: null }] });
    chunk({ role: 'assistant', content: '' }, null);
    if (fault && 'malformedStream' in fault) {
      res.write('data: {"id": "broken", "choices": [{"delta": {"content": "unterminated\n\n');
      res.end();
      return;
    }
    if (fault && 'streamError' in fault) {
      send({ error: { message: `injected ${fault.streamError}`, type: fault.streamError, code: null } });
      res.end();
      return;
    }
    const half = Math.floor(text.length / 2);
    for (const piece of [text.slice(0, half), text.slice(half)]) chunk({ content: piece }, null);
    chunk({}, finishReason);
    const options = body.stream_options as { include_usage?: boolean } | undefined;
    if (usage && options?.include_usage) send({ ...base, object: 'chat.completion.chunk', choices: [], usage });
    res.write('data: [DONE]\n\n');
    res.end();
  }

  /**
   * The model's text: JSON for the enforced schema; else, like a model told the shape in words,
   * prose at first when `ignored`, and JSON for a schema fenced in the prompt once it has been
   * told what was wrong (or at once, when nothing made it ignore the format).
   */
  private answer(messages: Message[], enforced: JsonSchema | undefined): string {
    if (enforced) return JSON.stringify(exampleOf(enforced));
    const corrected = messages.some((m) => m.role === 'assistant');
    if ((this.options.schemaSupport ?? 'enforced') === 'ignored' && !corrected) return 'Sure! I reviewed the change and it looks fine to me.';
    const fenced = messages.map((m) => FENCED_JSON.exec(m.content)?.[1]).find((s) => s !== undefined);
    return fenced ? JSON.stringify(exampleOf(JSON.parse(fenced) as JsonSchema)) : '{}';
  }
}
