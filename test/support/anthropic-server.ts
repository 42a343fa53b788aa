import { createHash } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

// A local Anthropic Messages API for tests: the real SDK talks to it over real HTTP. It answers
// with JSON built from the request's output schema, accounts for prompt caching, and plays
// scripted faults in order (one per request) before answering normally again.

export type Fault =
  | { status: number; headers?: Record<string, string>; errorType?: string }
  | { delayMs: number }
  | { text: string }
  | { stopReason: 'max_tokens' | 'refusal' }
  | { nullCacheCounters: true }
  | { thinkingFirst: true };

export interface RecordedRequest {
  headers: IncomingMessage['headers'];
  body: Record<string, unknown>;
  receivedAt: number;
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

export class AnthropicTestServer {
  readonly requests: RecordedRequest[] = [];
  private readonly faults: Fault[] = [];
  /** Cache keys whose writing request has begun answering: only those can be read. */
  private readonly readable = new Set<string>();
  private server?: Server;
  url = '';

  enqueue(...faults: Fault[]): this {
    this.faults.push(...faults);
    return this;
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
    this.requests.push({ headers: req.headers, body, receivedAt: performance.now() });
    for (const banned of ['temperature', 'top_p', 'top_k']) {
      if (banned in body) return error(400, 'invalid_request_error', `${banned}: not supported by this API version`);
    }
    if (typeof body.model !== 'string' || typeof body.max_tokens !== 'number' || !Array.isArray(body.messages)) {
      return error(400, 'invalid_request_error', 'model, max_tokens and messages are required');
    }

    const fault = this.faults.shift();
    if (fault && 'status' in fault) {
      const type = fault.errorType ?? (fault.status === 429 ? 'rate_limit_error' : fault.status === 529 ? 'overloaded_error' : 'api_error');
      return error(fault.status, type, `injected ${fault.status}`, fault.headers);
    }
    if (fault && 'delayMs' in fault) await new Promise((resolve) => setTimeout(resolve, fault.delayMs));

    const system = (Array.isArray(body.system) ? body.system : []) as Array<{ text: string; cache_control?: unknown }>;
    const breakpoint = system.findLastIndex((block) => block.cache_control !== undefined);
    const prefix = breakpoint === -1 ? '' : system.slice(0, breakpoint + 1).map((b) => b.text).join('\u0000');
    const rest = [...system.slice(breakpoint + 1).map((b) => b.text), JSON.stringify(body.messages)].join('');
    const key = createHash('sha256').update(`${String(body.model)}\u0000${prefix}`).digest('hex');
    const prefixTokens = tokensOf(prefix);
    const hit = prefix !== '' && this.readable.has(key);

    const schema = ((body.output_config as { format?: { schema?: JsonSchema } } | undefined)?.format?.schema);
    const text = fault && 'text' in fault ? fault.text : JSON.stringify(exampleOf(schema));
    const nullCounters = fault !== undefined && 'nullCacheCounters' in fault;
    const content: unknown[] = [];
    if (fault && 'thinkingFirst' in fault) content.push({ type: 'thinking', thinking: 'Reading the diff.', signature: 'sig' });
    content.push({ type: 'text', text });
    const written = hit || prefix === '' ? 0 : prefixTokens;
    // The entry becomes readable once this answer begins, as with the real API.
    if (prefix !== '') this.readable.add(key);
    send(200, {
      id: `msg_${this.requests.length}`,
      type: 'message',
      role: 'assistant',
      model: body.model,
      content,
      stop_reason: fault && 'stopReason' in fault ? fault.stopReason : 'end_turn',
      stop_sequence: null,
      usage: {
        input_tokens: tokensOf(rest),
        output_tokens: tokensOf(text),
        cache_creation_input_tokens: nullCounters ? null : written,
        cache_read_input_tokens: nullCounters ? null : hit ? prefixTokens : 0,
        cache_creation: nullCounters ? null : { ephemeral_5m_input_tokens: written, ephemeral_1h_input_tokens: 0 },
        service_tier: 'standard',
      },
    });
  }
}
