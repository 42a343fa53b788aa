import { createHash, createHmac } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { EventStreamCodec, type MessageHeaders } from '@smithy/eventstream-codec';
import { SignatureV4 } from '@smithy/signature-v4';

// A local Anthropic Messages API for tests and benchmarks: the real SDK talks to it over real
// HTTP, streamed (server-sent events) or not. It answers with JSON built from the request's output
// schema, accounts for prompt caching as the real API does (an entry is readable only once the
// request that wrote it has begun answering), simulates latency, and plays faults: scripted per
// request by `respond`, else queued in order (one per request) before answering normally again.
//
// The same Messages API reaches Claude through other clouds, each with its own route, auth and (for
// Bedrock) stream framing; a `dialect` serves one of them:
// - `anthropic`: POST /v1/messages, `Authorization: Bearer` or `x-api-key`, server-sent events.
// - `foundry`: POST /anthropic/v1/messages with `x-api-key` (Azure AI Foundry's Anthropic endpoint).
// - `vertex`: POST /v1/projects/{p}/locations/{r}/publishers/anthropic/models/{m}:rawPredict or
//   :streamRawPredict with `Authorization: Bearer <Google access token>`; the model and streaming
//   come from the path, `anthropic_version` from the body.
// - `bedrock`: POST /model/{id}/invoke or /invoke-with-response-stream, signed with SigV4 (or a
//   Bedrock API key as a bearer token); the stream is AWS event-stream binary framing whose
//   `chunk` events carry `{"bytes": base64(event JSON)}`; errors are `{"message"}` with
//   `x-amzn-ErrorType`, as the real service sends them.

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
  | { thinkingFirst: true }
  /** The stream breaks after it began: bad JSON in an SSE event, or a frame whose checksum is wrong. */
  | { malformedStream: true }
  /** An error event after the stream began (SSE `error` with this type; Bedrock: an exception frame of this name). */
  | { streamError: string };

export type ClaudeDialect = 'anthropic' | 'foundry' | 'vertex' | 'bedrock';

export interface DialectOptions {
  /** Vertex: the only bearer token accepted. */
  accessToken?: string;
  /** Bedrock: the region a SigV4 credential scope must name. */
  region?: string;
  /**
   * Bedrock: secret keys by access key id. With them the server recomputes each SigV4 signature
   * over what arrived and refuses a mismatch (a header changed after signing) or an unknown key.
   */
  awsSecretKeys?: Record<string, string>;
}

// SHA-256 and HMAC-SHA-256 as the SigV4 signer wants them.
type SourceData = string | ArrayBuffer | ArrayBufferView;
const bytesOf = (data: SourceData) => (typeof data === 'string' ? Buffer.from(data) : ArrayBuffer.isView(data) ? Buffer.from(data.buffer, data.byteOffset, data.byteLength) : Buffer.from(data));
class NodeSha256 {
  private readonly hash;
  constructor(secret?: SourceData) {
    this.hash = secret === undefined ? createHash('sha256') : createHmac('sha256', bytesOf(secret));
  }
  update(data: SourceData): void {
    this.hash.update(bytesOf(data));
  }
  digest(): Promise<Uint8Array> {
    return Promise.resolve(new Uint8Array(this.hash.digest()));
  }
}

/** The Authorization header a SigV4 signer with this secret writes for what arrived. */
async function expectedSignature(req: IncomingMessage, body: string, region: string, accessKeyId: string, secretAccessKey: string, signedHeaders: string[]): Promise<string | undefined> {
  const amzDate = String(req.headers['x-amz-date']);
  const signingDate = new Date(`${amzDate.slice(0, 4)}-${amzDate.slice(4, 6)}-${amzDate.slice(6, 8)}T${amzDate.slice(9, 11)}:${amzDate.slice(11, 13)}:${amzDate.slice(13, 15)}Z`);
  const signer = new SignatureV4({ service: 'bedrock', region, sha256: NodeSha256, credentials: { accessKeyId, secretAccessKey } });
  const [path, query = ''] = (req.url ?? '').split('?');
  const headers = Object.fromEntries(signedHeaders.map((name) => [name, String(req.headers[name])]));
  const signed = await signer.sign(
    { method: req.method ?? 'POST', protocol: 'http:', hostname: String(req.headers.host), path: path!, query: Object.fromEntries(new URLSearchParams(query)), headers, body },
    { signingDate },
  );
  return signed.headers.authorization;
}

// AWS4-HMAC-SHA256 Credential=AKID/20261201/us-east-1/bedrock/aws4_request, SignedHeaders=host;x-amz-date, Signature=<64 hex>
const SIGV4 = /^AWS4-HMAC-SHA256 Credential=([A-Za-z0-9]{4,128})\/(\d{8})\/([a-z0-9-]{1,32})\/bedrock\/aws4_request, SignedHeaders=([a-z0-9;-]{1,2000}), Signature=([0-9a-f]{64})$/;
const VERTEX_ROUTE = /^\/v1\/projects\/([^/]+)\/locations\/([^/]+)\/publishers\/anthropic\/models\/([^/:]+):(rawPredict|streamRawPredict)$/;
const BEDROCK_ROUTE = /^\/model\/([^/]+)\/(invoke|invoke-with-response-stream)$/;
const BEDROCK_ERROR_TYPES: Record<number, string> = { 400: 'ValidationException', 403: 'AccessDeniedException', 408: 'ModelTimeoutException', 429: 'ThrottlingException', 500: 'InternalServerException', 503: 'ServiceUnavailableException' };
const codec = new EventStreamCodec(
  (bytes) => Buffer.from(bytes).toString('utf8'),
  (text) => new Uint8Array(Buffer.from(text, 'utf8')),
);

/** One AWS event-stream message as Bedrock frames a stream event, or an exception. */
export function bedrockFrame(event: Record<string, unknown>, exception?: string): Uint8Array {
  const str = (value: string) => ({ type: 'string' as const, value });
  const headers: MessageHeaders = exception
    ? { ':message-type': str('exception'), ':exception-type': str(exception), ':content-type': str('application/json') }
    : { ':message-type': str('event'), ':event-type': str('chunk'), ':content-type': str('application/json') };
  const payload = exception ? event : { bytes: Buffer.from(JSON.stringify(event)).toString('base64') };
  return codec.encode({ headers, body: new Uint8Array(Buffer.from(JSON.stringify(payload))) });
}

export interface RecordedRequest {
  headers: IncomingMessage['headers'];
  body: Record<string, unknown>;
  receivedAt: number;
  /** The request's path as it arrived (Vertex and Bedrock carry the model in it). */
  path: string;
  /** Bedrock: the parts of a SigV4 Authorization header. */
  sigv4?: { accessKeyId: string; date: string; region: string; signedHeaders: string[] };
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
  constructor(
    readonly dialect: ClaudeDialect = 'anthropic',
    private readonly options: DialectOptions = {},
  ) {}

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
    const error = (status: number, type: string, message: string, headers?: Record<string, string>) => {
      if (this.dialect !== 'bedrock') return send(status, { type: 'error', error: { type, message } }, headers);
      const awsType = BEDROCK_ERROR_TYPES[status] ?? (status >= 500 ? 'InternalServerException' : 'ValidationException');
      return send(status, { message }, { 'x-amzn-errortype': `${awsType}:http://internal.amazon.com/coral/com.amazon.bedrock/`, ...headers });
    };

    const path = req.url ?? '';
    const route = this.route(req.method ?? '', path);
    if (!route) return error(404, 'not_found_error', `no route ${req.method} ${path}`);
    const denied = this.authProblem(req) ?? (await this.signatureProblem(req, Buffer.concat(chunks).toString('utf8')));
    if (denied) return error(this.dialect === 'bedrock' ? 403 : 401, 'authentication_error', denied);
    let wire: Record<string, unknown>;
    try {
      wire = JSON.parse(Buffer.concat(chunks).toString('utf8')) as Record<string, unknown>;
    } catch {
      return error(400, 'invalid_request_error', 'body is not JSON');
    }
    const record: RecordedRequest = { headers: req.headers, body: wire, path, receivedAt: performance.now(), ...(this.sigv4(req) ? { sigv4: this.sigv4(req)! } : {}) };
    this.requests.push(record);
    // Vertex and Bedrock take the model and streaming from the path and the API version from the body.
    if (route.model !== undefined) {
      // Vertex takes (and the SDK keeps) `stream` in the body too; Bedrock knows only the path.
      if ('model' in wire || (this.dialect === 'bedrock' && 'stream' in wire)) return error(400, 'invalid_request_error', 'the model (and on Bedrock streaming) belongs in the path, not the body');
      if (typeof wire.anthropic_version !== 'string') return error(400, 'invalid_request_error', 'anthropic_version: field required');
    }
    const body: Record<string, unknown> = route.model !== undefined ? { ...wire, model: route.model, stream: route.stream } : wire;
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

    const bedrock = this.dialect === 'bedrock';
    res.writeHead(200, { 'content-type': bedrock ? 'application/vnd.amazon.eventstream' : 'text/event-stream', 'cache-control': 'no-cache', 'request-id': `req_${this.requests.length}` });
    const event = (type: string, data: Record<string, unknown>) => {
      if (res.destroyed) return;
      res.write(bedrock ? bedrockFrame({ type, ...data }) : `event: ${type}\ndata: ${JSON.stringify({ type, ...data })}\n\n`);
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
    if (fault && ('malformedStream' in fault || 'streamError' in fault)) {
      if ('streamError' in fault) {
        if (bedrock) res.write(bedrockFrame({ message: `injected ${fault.streamError}` }, fault.streamError));
        else event('error', { error: { type: fault.streamError, message: `injected ${fault.streamError}` } });
      } else if (bedrock) {
        const frame = bedrockFrame({ type: 'content_block_start', index, content_block: { type: 'text', text: '' } });
        frame[frame.length - 1]! ^= 0xff; // the message checksum no longer matches
        res.write(frame);
      } else {
        res.write(`event: content_block_start\ndata: {"type": "content_block_start", "index": ${index}, "content_bl\n\n`);
      }
      res.end();
      record.finishedAt = performance.now();
      return;
    }
    event('content_block_start', { index, content_block: { type: 'text', text: '' } });
    const half = Math.floor(text.length / 2);
    for (const piece of [text.slice(0, half), text.slice(half)]) event('content_block_delta', { index, delta: { type: 'text_delta', text: piece } });
    event('content_block_stop', { index });
    event('message_delta', { delta: { stop_reason: stopReason, stop_sequence: null }, usage: { output_tokens: usage.output_tokens } });
    // Bedrock adds its own figures to the last event.
    event('message_stop', bedrock ? { 'amazon-bedrock-invocationMetrics': { inputTokenCount: usage.input_tokens, outputTokenCount: usage.output_tokens, invocationLatency: 1, firstByteLatency: 1 } } : {});
    res.end();
    record.finishedAt = performance.now();
  }

  /** The dialect's route; Vertex and Bedrock also say the model and whether to stream. */
  private route(method: string, path: string): { model?: string; stream?: boolean } | undefined {
    if (method !== 'POST') return undefined;
    switch (this.dialect) {
      case 'anthropic':
        return path === '/v1/messages' ? {} : undefined;
      case 'foundry':
        return path === '/anthropic/v1/messages' ? {} : undefined;
      case 'vertex': {
        const match = VERTEX_ROUTE.exec(path);
        return match ? { model: decodeURIComponent(match[3]!), stream: match[4] === 'streamRawPredict' } : undefined;
      }
      case 'bedrock': {
        const match = BEDROCK_ROUTE.exec(path);
        return match ? { model: decodeURIComponent(match[1]!), stream: match[2] === 'invoke-with-response-stream' } : undefined;
      }
    }
  }

  private sigv4(req: IncomingMessage): RecordedRequest['sigv4'] {
    const match = SIGV4.exec(req.headers.authorization ?? '');
    return match ? { accessKeyId: match[1]!, date: match[2]!, region: match[3]!, signedHeaders: match[4]!.split(';') } : undefined;
  }

  /** Bedrock with `awsSecretKeys`: why the signature does not verify, or undefined. */
  private async signatureProblem(req: IncomingMessage, body: string): Promise<string | undefined> {
    const keys = this.options.awsSecretKeys;
    const sig = this.sigv4(req);
    if (this.dialect !== 'bedrock' || !keys || !sig) return undefined;
    const secret = keys[sig.accessKeyId];
    if (secret === undefined) return `UnrecognizedClientException: unknown access key ${sig.accessKeyId}`;
    const expected = await expectedSignature(req, body, sig.region, sig.accessKeyId, secret, sig.signedHeaders);
    return expected === req.headers.authorization ? undefined : 'SignatureDoesNotMatch: the request signature we calculated does not match the signature you provided';
  }

  /** Why the request's credentials are refused, or undefined. */
  private authProblem(req: IncomingMessage): string | undefined {
    const auth = req.headers.authorization ?? '';
    switch (this.dialect) {
      case 'anthropic':
        return auth.startsWith('Bearer ') || req.headers['x-api-key'] ? undefined : 'missing API key';
      case 'foundry':
        return req.headers['x-api-key'] ? undefined : 'missing x-api-key';
      case 'vertex':
        if (!auth.startsWith('Bearer ')) return 'missing bearer token';
        return this.options.accessToken === undefined || auth === `Bearer ${this.options.accessToken}` ? undefined : 'invalid access token';
      case 'bedrock': {
        // A Bedrock API key is a bearer token; otherwise the request must carry a SigV4 signature.
        if (auth.startsWith('Bearer ')) return undefined;
        const sig = this.sigv4(req);
        if (!sig) return `malformed SigV4 Authorization header: ${auth.slice(0, 40)}`;
        const amzDate = req.headers['x-amz-date'];
        if (typeof amzDate !== 'string' || !amzDate.startsWith(sig.date)) return 'x-amz-date missing or not the credential scope\'s date';
        if (!sig.signedHeaders.includes('host') || !sig.signedHeaders.includes('x-amz-date')) return 'host and x-amz-date must be signed';
        if (sig.signedHeaders.some((name) => req.headers[name] === undefined)) return 'a signed header is missing from the request';
        if (this.options.region !== undefined && sig.region !== this.options.region) return `signed for ${sig.region}, not ${this.options.region}`;
        return undefined;
      }
    }
  }
}
