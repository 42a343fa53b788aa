import { createHash } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

// A local Anthropic Messages API for tests and benchmarks: the real SDK talks to it over real
// HTTP, streamed (server-sent events) or not. It answers with JSON built from the request's output
// schema, accounts for prompt caching as the real API does (an entry is readable only once the
// request that wrote it has begun answering), simulates latency, and plays faults: scripted per
// request by `respond`, else queued in order (one per request) before answering normally again.

export type Fault =
  /** An error status; `echoHeaders` puts the request's headers in its message, as some gateways and proxies do. */
  | { status: number; headers?: Record<string, string>; errorType?: string; message?: string; echoHeaders?: boolean }
  | { delayMs: number }
  /** Answers only once the promise settles (a test then kills the client mid-call). */
  | { hold: Promise<void> }
  | { stallMs: number }
  | { text: string }
  | { stopReason: 'max_tokens' | 'refusal' }
  | { nullCacheCounters: true }
  | { thinkingFirst: true };

export interface RecordedRequest {
  headers: IncomingMessage['headers'];
  body: Record<string, unknown>;
  receivedAt: number;
  /** When the answer began (message_start, or the whole body when not streamed). */
  answeredAt?: number;
  finishedAt?: number;
}

/** Time to the first event and to the end of each answer, like a real model's. */
export interface Latency {
  firstTokenMs: number;
  totalMs: number;
}

type JsonSchema = { type?: string | string[]; properties?: Record<string, JsonSchema>; required?: string[]; items?: JsonSchema; enum?: unknown[]; anyOf?: JsonSchema[]; minimum?: number; const?: unknown };

/** A value that satisfies a JSON schema: required properties, first enum value, one array item. */
export function exampleOf(schema: JsonSchema | undefined): unknown {
  if (!schema) return null;
  if (schema.const !== undefined) return schema.const;
  if (schema.enum) return schema.enum[0];
  if (schema.anyOf) return exampleOf(schema.anyOf[0]);
  const type = Array.isArray(schema.type) ? schema.type[0] : schema.type;
  switch (type) {
    case 'object':
      return Object.fromEntries((schema.required ?? Object.keys(schema.properties ?? {})).map((key) => [key, exampleOf(schema.properties?.[key])]));
    case 'array':
      return [exampleOf(schema.items)];
    case 'string':
      return 'example';
    case 'integer':
      return Math.max(1, schema.minimum ?? 1);
    case 'number':
      return Math.max(0.5, schema.minimum ?? 0.5);
    case 'boolean':
      return false;
    default:
      return null;
  }
}

const tokensOf = (text: string) => Math.ceil(text.length / 4);
const sleep = (ms: number) => (ms > 0 ? new Promise((resolve) => setTimeout(resolve, ms)) : Promise.resolve());

/** The text of a request's system blocks and messages, for `respond` scripts to match on. */
export function promptOf(body: Record<string, unknown>): string {
  const system = (Array.isArray(body.system) ? body.system : []) as Array<{ text: string }>;
  return [...system.map((b) => b.text), JSON.stringify(body.messages)].join('\n');
}

export class AnthropicTestServer {
  readonly requests: RecordedRequest[] = [];
  latency: Latency = { firstTokenMs: 0, totalMs: 0 };
  /** Picks a fault or answer for a request by its content; `undefined` falls back to the queue. */
  respond?: (body: Record<string, unknown>) => Fault | undefined;
  private readonly faults: Fault[] = [];
  /** Cache keys whose writing request has begun answering: only those can be read. */
  private readonly readable = new Set<string>();
  private server?: Server;
  url = '';

  enqueue(...faults: Fault[]): this {
    this.faults.push(...faults);
    return this;
  }

  reset(): void {
    this.requests.length = 0;
    this.faults.length = 0;
    this.readable.clear();
    this.respond = undefined;
    this.latency = { firstTokenMs: 0, totalMs: 0 };
  }

  async start(): Promise<this> {
    this.server = createServer((req, res) => void this.handle(req, res));
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this;
  }

  async stop(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const send = (status: number, body: unknown, headers: Record<string, string> = {}) => {
      if (res.destroyed) return;
      res.writeHead(status, { 'content-type': 'application/json', 'request-id': `req_${this.requests.length}`, ...headers });
      res.end(JSON.stringify(body));
    };
    const error = (status: number, type: string, message: string, headers?: Record<string, string>) =>
      send(status, { type: 'error', error: { type, message } }, headers);

    if (req.method !== 'POST' || req.url !== '/v1/messages') return error(404, 'not_found_error', `no route ${req.method} ${req.url}`);
    const auth = req.headers.authorization ?? '';
    if (!auth.startsWith('Bearer ') && !req.headers['x-api-key']) return error(401, 'authentication_error', 'missing API key');
    let body: Record<string, unknown>;
    try {
      body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as Record<string, unknown>;
    } catch {
      return error(400, 'invalid_request_error', 'body is not JSON');
    }
    const record: RecordedRequest = { headers: req.headers, body, receivedAt: performance.now() };
    this.requests.push(record);
    for (const banned of ['temperature', 'top_p', 'top_k']) {
      if (banned in body) return error(400, 'invalid_request_error', `${banned}: not supported by this API version`);
    }
    if (typeof body.model !== 'string' || typeof body.max_tokens !== 'number' || !Array.isArray(body.messages)) {
      return error(400, 'invalid_request_error', 'model, max_tokens and messages are required');
    }

    const fault = this.respond?.(body) ?? this.faults.shift();
    if (fault && 'status' in fault) {
      const type = fault.errorType ?? (fault.status === 429 ? 'rate_limit_error' : fault.status === 529 ? 'overloaded_error' : 'api_error');
      const echo = fault.echoHeaders ? `; request headers: ${JSON.stringify(req.headers)}` : '';
      return error(fault.status, type, `${fault.message ?? `injected ${fault.status}`}${echo}`, fault.headers);
    }
    const system = (Array.isArray(body.system) ? body.system : []) as Array<{ text: string; cache_control?: unknown }>;
    const breakpoint = system.findLastIndex((block) => block.cache_control !== undefined);
    const prefix = breakpoint === -1 ? '' : system.slice(0, breakpoint + 1).map((b) => b.text).join('\u0000');
    const rest = [...system.slice(breakpoint + 1).map((b) => b.text), JSON.stringify(body.messages)].join('');
    const key = createHash('sha256').update(`${String(body.model)}\u0000${prefix}`).digest('hex');
    const prefixTokens = tokensOf(prefix);
    // Looked up on arrival: a request sent before the writer began answering misses and pays the write.
    const hit = prefix !== '' && this.readable.has(key);
    const written = hit || prefix === '' ? 0 : prefixTokens;

    if (fault && 'hold' in fault) await fault.hold;
    await sleep((fault && 'delayMs' in fault ? fault.delayMs : 0) + this.latency.firstTokenMs);
    if (res.destroyed) return;
    // The entry becomes readable once this answer begins, as with the real API.
    if (prefix !== '') this.readable.add(key);
    record.answeredAt = performance.now();

    const schema = (body.output_config as { format?: { schema?: JsonSchema } } | undefined)?.format?.schema;
    const text = fault && 'text' in fault ? fault.text : JSON.stringify(exampleOf(schema));
    const nullCounters = fault !== undefined && 'nullCacheCounters' in fault;
    const usage = {
      input_tokens: tokensOf(rest),
      output_tokens: tokensOf(text),
      cache_creation_input_tokens: nullCounters ? null : written,
      cache_read_input_tokens: nullCounters ? null : hit ? prefixTokens : 0,
      cache_creation: nullCounters ? null : { ephemeral_5m_input_tokens: written, ephemeral_1h_input_tokens: 0 },
      service_tier: 'standard',
    };
    const thinking = fault !== undefined && 'thinkingFirst' in fault;
    const stopReason = fault && 'stopReason' in fault ? fault.stopReason : 'end_turn';
    const remainingMs = Math.max(0, this.latency.totalMs - this.latency.firstTokenMs) + (fault && 'stallMs' in fault ? fault.stallMs : 0);
    const message = { id: `msg_${this.requests.length}`, type: 'message', role: 'assistant', model: body.model, stop_sequence: null };

    if (body.stream !== true) {
      await sleep(remainingMs);
      const content: unknown[] = thinking ? [{ type: 'thinking', thinking: 'Reading the diff.', signature: 'sig' }] : [];
      content.push({ type: 'text', text });
      send(200, { ...message, content, stop_reason: stopReason, usage });
      record.finishedAt = performance.now();
      return;
    }

    res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', 'request-id': `req_${this.requests.length}` });
    const event = (type: string, data: Record<string, unknown>) => {
      if (!res.destroyed) res.write(`event: ${type}\ndata: ${JSON.stringify({ type, ...data })}\n\n`);
    };
    event('message_start', { message: { ...message, content: [], stop_reason: null, usage: { ...usage, output_tokens: 1 } } });
    let index = 0;
    if (thinking) {
      event('content_block_start', { index, content_block: { type: 'thinking', thinking: '', signature: '' } });
      event('content_block_delta', { index, delta: { type: 'thinking_delta', thinking: 'Reading the diff.' } });
      event('content_block_delta', { index, delta: { type: 'signature_delta', signature: 'sig' } });
      event('content_block_stop', { index });
      index++;
    }
    await sleep(remainingMs);
    event('content_block_start', { index, content_block: { type: 'text', text: '' } });
    const half = Math.floor(text.length / 2);
    for (const piece of [text.slice(0, half), text.slice(half)]) event('content_block_delta', { index, delta: { type: 'text_delta', text: piece } });
    event('content_block_stop', { index });
    event('message_delta', { delta: { stop_reason: stopReason, stop_sequence: null }, usage: { output_tokens: usage.output_tokens } });
    event('message_stop', {});
    res.end();
    record.finishedAt = performance.now();
  }
}
