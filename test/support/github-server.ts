import { createHash, randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { createServer, STATUS_CODES, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import { Ajv, type ErrorObject, type SchemaObject, type ValidateFunction } from 'ajv';
import addFormatsModule from 'ajv-formats';

// A local GitHub REST API for tests: real Octokit clients talk to it over real HTTP. Every request
// is checked against GitHub's official OpenAPI description (the route must exist, the body and the
// declared parameters must match their schemas), so a call GitHub would refuse fails here too and
// lands in `violations`. Behind that check sits a stateful fake of the endpoints riskgate uses:
// pulls and their files, contents, collaborator permissions, check runs, comments, reactions and
// GitHub App authentication. Tests seed state through methods on the returned server.

// ---------------------------------------------------------------------------------------------
// Public types
// ---------------------------------------------------------------------------------------------

export type Permission = 'admin' | 'maintain' | 'write' | 'triage' | 'read' | 'none';
export type AnnotationLevel = 'notice' | 'warning' | 'failure';
export type CheckRunStatus = 'queued' | 'in_progress' | 'completed' | 'waiting' | 'requested' | 'pending';
export type CheckRunConclusion = 'action_required' | 'cancelled' | 'failure' | 'neutral' | 'success' | 'skipped' | 'stale' | 'timed_out';
export type PullFileStatus = 'added' | 'removed' | 'modified' | 'renamed' | 'copied' | 'changed' | 'unchanged';

export interface GitHubServerOptions {
  /** The id of the GitHub App whose installation tokens this server issues (default 1). */
  appId?: number;
  /** The installation id answered by `GET /repos/{o}/{r}/installation` (default 1). */
  installationId?: number;
  /**
   * Also check the fake's own answers against the OpenAPI response schemas, into
   * `responseViolations`. Slower (the pull request schema is large); meant for this module's test.
   */
  validateResponses?: boolean;
}

export interface SeedRepo {
  id?: number;
  private?: boolean;
  defaultBranch?: string;
}

export interface SeedUser {
  login: string;
  type?: 'User' | 'Bot';
}

export interface SeedPull {
  number: number;
  headSha: string;
  /** Default `pr-<number>`. */
  headRef?: string;
  /** Default `'main'`. */
  baseRef?: string;
  baseSha: string;
  title: string;
  body?: string | null;
  draft?: boolean;
  state?: 'open' | 'closed';
  /** A merged PR is also `closed` (set both, as GitHub reports them). */
  merged?: boolean;
  user: SeedUser;
  /** The repository the head branch lives in; another one than the base makes a fork PR. */
  headRepoFullName?: string;
  /** Default: the number of files seeded with `setPullFiles` (GitHub counts beyond the 3,000 it lists). */
  changedFiles?: number;
  /** Default: summed over the seeded files. */
  additions?: number;
  deletions?: number;
  labels?: string[];
}

export interface SeedPullFile {
  filename: string;
  status: PullFileStatus;
  additions: number;
  deletions: number;
  changes: number;
  patch?: string;
  previous_filename?: string;
  sha?: string;
}

export interface SeedCommit {
  sha: string;
  message?: string;
  author?: { login?: string; name?: string; email?: string };
}

export interface AppIdentity {
  id: number;
  slug: string;
  name: string;
}

export interface CheckRunAnnotation {
  path: string;
  start_line: number;
  end_line: number;
  start_column?: number;
  end_column?: number;
  annotation_level: AnnotationLevel;
  message: string;
  title?: string;
  raw_details?: string;
}

export interface CheckRunAction {
  label: string;
  description: string;
  identifier: string;
}

export interface CheckRunRecord {
  id: number;
  fullName: string;
  name: string;
  head_sha: string;
  status: CheckRunStatus;
  conclusion: CheckRunConclusion | null;
  started_at: string | null;
  completed_at: string | null;
  output: { title: string | null; summary: string | null; text: string | null };
  actions: CheckRunAction[];
  external_id: string | null;
  details_url: string | null;
  /** The app whose token created the run. */
  app: { id: number; slug: string };
  /** Every annotation ever sent, accumulated over updates as GitHub does. */
  annotations: CheckRunAnnotation[];
  /** How many PATCH requests changed this run. */
  updates: number;
}

export interface RecordedRequest {
  method: string;
  /** The decoded path, without the query string. */
  path: string;
  query: Record<string, string>;
  body: unknown;
  /** The status answered (0 while the request is being handled). */
  status: number;
  authorization: string | undefined;
  /** The server port the request came in on (see `openExtraPort`): which client sent it. */
  port: number;
}

/** A request whose answer the server keeps back until the test releases it. */
export interface HeldRequest {
  /** Resolves when a matching request has arrived and been carried out (its answer not yet sent). */
  readonly reached: Promise<RecordedRequest>;
  /** Sends the answer (nothing, if the client has gone). */
  release(): void;
}

export interface ContentRead {
  fullName: string;
  path: string;
  /** The ref as the client asked for it; undefined when it sent none (the default branch). */
  ref: string | undefined;
}

export interface RecordedComment {
  id: number;
  fullName: string;
  issueNumber: number;
  body: string;
  app: { id: number; slug: string };
}

export interface RecordedReaction {
  id: number;
  fullName: string;
  commentId: number;
  content: string;
}

export interface GitHubServer {
  /** Base URL to give Octokit as `baseUrl`, e.g. `http://127.0.0.1:PORT`. */
  readonly url: string;
  readonly requests: RecordedRequest[];
  /** One line per invalid call: `METHOD /path: reason`. Tests expect this empty. */
  readonly violations: string[];
  /** Answers of the fake that do not match GitHub's response schemas (with `validateResponses`). */
  readonly responseViolations: string[];
  readonly comments: RecordedComment[];
  readonly reactions: RecordedReaction[];
  readonly contentReads: ContentRead[];
  /** Milliseconds every answer waits, as a real API's round trip does (benchmarks). */
  latencyMs: number;
  /**
   * Carries out the next request matching method and path (after `skip` more), then keeps its answer back until
   * `release()`: GitHub has done it (a check run exists), the client does not know yet. A test
   * kills the client at that moment without sleeping.
   */
  holdNext(method: string, path: RegExp, skip?: number): HeldRequest;
  /** Listens on one more port too, with the same state: give each client its own URL to tell whose request is whose. */
  openExtraPort(): Promise<string>;
  addRepo(fullName: string, repo?: SeedRepo): void;
  setPull(fullName: string, pull: SeedPull): void;
  /** Moves a PR's head, as a push while a run is in progress would. */
  setHead(fullName: string, number: number, newSha: string): void;
  setPullFiles(fullName: string, number: number, rows: SeedPullFile[]): void;
  setPullCommits(fullName: string, number: number, commits: SeedCommit[]): void;
  setFile(fullName: string, ref: string, path: string, text: string): void;
  setPermission(fullName: string, login: string, permission: Permission): void;
  /** Makes writes with this token answer 403, like a fork PR's `GITHUB_TOKEN`. */
  setReadOnlyToken(token: string): void;
  /** An installation token of this server's app, without going through JWT auth. */
  createInstallationToken(): string;
  /**
   * The next `times` requests matching method (or `'*'`) and path answer `status` with `body`; a
   * function body is built from the request (e.g. a proxy echoing its Authorization header).
   */
  failNext(method: string, path: RegExp, status: number, body?: unknown | FaultBody, times?: number, headers?: Record<string, string>): void;
  checkRuns(fullName?: string): CheckRunRecord[];
  /** Clears seeded state, faults, read-only marks, logs and violations (issued tokens stay valid). */
  reset(): void;
  close(): Promise<void>;
}

// ---------------------------------------------------------------------------------------------
// OpenAPI description: loaded once per process, validators compiled per operation on first use
// ---------------------------------------------------------------------------------------------

type HttpMethod = 'get' | 'post' | 'patch' | 'put' | 'delete';
const HTTP_METHODS: readonly HttpMethod[] = ['get', 'post', 'patch', 'put', 'delete'];

interface OpenApiParameter {
  name: string;
  in: 'path' | 'query' | 'header' | 'cookie';
  required?: boolean;
  schema?: SchemaObject;
  'x-multi-segment'?: boolean;
}

interface OpenApiMedia {
  schema?: SchemaObject;
}

interface OpenApiOperation {
  operationId?: string;
  parameters?: OpenApiParameter[];
  requestBody?: { required?: boolean; content?: Record<string, OpenApiMedia> };
  responses?: Record<string, { content?: Record<string, OpenApiMedia> }>;
}

interface OpenApiDocument {
  paths: Record<string, Partial<Record<HttpMethod, OpenApiOperation>>>;
}

interface CompiledOperation {
  parameters: ValidateFunction;
  body: ValidateFunction | undefined;
  bodyRequired: boolean;
}

interface Route {
  method: string;
  template: string;
  pattern: RegExp;
  paramNames: string[];
  /** Segment kinds in order, for preferring literal segments over parameters. */
  shape: Array<'literal' | 'param' | 'multi'>;
  operation: OpenApiOperation;
  compiled?: CompiledOperation;
}

type RouteTable = Map<string, Route[]>;

const SPEC_PATH = createRequire(import.meta.url).resolve('@octokit/openapi/generated/api.github.com.deref.json');
let routeTablePromise: Promise<RouteTable> | undefined;

/** The route table, built once per process: parsing the 73 MB description takes about a second. */
function loadRouteTable(): Promise<RouteTable> {
  routeTablePromise ??= readFile(SPEC_PATH, 'utf8').then((text) => buildRouteTable(JSON.parse(text) as OpenApiDocument));
  return routeTablePromise;
}

function buildRouteTable(document: OpenApiDocument): RouteTable {
  const table: RouteTable = new Map();
  for (const [template, item] of Object.entries(document.paths)) {
    for (const method of HTTP_METHODS) {
      const operation = item[method];
      if (!operation) continue;
      const route = compileTemplate(method.toUpperCase(), template, operation);
      const routes = table.get(route.method) ?? [];
      routes.push(route);
      table.set(route.method, routes);
    }
  }
  for (const routes of table.values()) routes.sort(bySpecificity);
  return table;
}

/** Turns `/repos/{owner}/{repo}/contents/{path}` into a regex over the still-encoded path. */
function compileTemplate(method: string, template: string, operation: OpenApiOperation): Route {
  const multi = new Set((operation.parameters ?? []).filter((p) => p.in === 'path' && p['x-multi-segment']).map((p) => p.name));
  const paramNames: string[] = [];
  const shape: Route['shape'] = [];
  const segments = template.split('/').map((segment) => {
    if (!segment.includes('{')) {
      shape.push('literal');
      return escapeRegExp(segment);
    }
    let kind: 'param' | 'multi' = 'param';
    const source = segment
      .split(/(\{[^}]+\})/)
      .map((part) => {
        const name = /^\{([^}]+)\}$/.exec(part)?.[1];
        if (name === undefined) return escapeRegExp(part);
        paramNames.push(name);
        if (multi.has(name)) kind = 'multi';
        // A multi-segment parameter (a ref, a file path) may hold unencoded slashes.
        return multi.has(name) ? '(.+?)' : '([^/]+?)';
      })
      .join('');
    shape.push(kind);
    return source;
  });
  return { method, template, pattern: new RegExp(`^${segments.join('/')}$`), paramNames, shape, operation };
}

/** More literal segments first, then fewer multi-segment parameters, then literal-first by position. */
function bySpecificity(a: Route, b: Route): number {
  const count = (route: Route, kind: string) => route.shape.filter((k) => k === kind).length;
  const byLiterals = count(b, 'literal') - count(a, 'literal');
  if (byLiterals !== 0) return byLiterals;
  const byMulti = count(a, 'multi') - count(b, 'multi');
  if (byMulti !== 0) return byMulti;
  const rank = { literal: 0, param: 1, multi: 2 };
  for (let i = 0; i < Math.min(a.shape.length, b.shape.length); i++) {
    const diff = rank[a.shape[i]!] - rank[b.shape[i]!];
    if (diff !== 0) return diff;
  }
  return b.shape.length - a.shape.length;
}

function matchRoute(table: RouteTable, method: string, rawPath: string): { route: Route; params: Record<string, string> } | undefined {
  for (const route of table.get(method) ?? []) {
    const match = route.pattern.exec(rawPath);
    if (!match) continue;
    const params: Record<string, string> = {};
    route.paramNames.forEach((name, i) => (params[name] = safeDecode(match[i + 1] ?? '')));
    return { route, params };
  }
  return undefined;
}

let ajvInstances: { body: Ajv; parameters: Ajv } | undefined;

/** Bodies are checked as sent; parameters arrive as strings, so that instance coerces them. */
function ajvs(): { body: Ajv; parameters: Ajv } {
  if (ajvInstances) return ajvInstances;
  // ajv-formats is CommonJS: its plugin is the module's default export under Node's ESM loader.
  const addFormats = addFormatsModule.default;
  const body = new Ajv({ strict: false, allErrors: true });
  const parameters = new Ajv({ strict: false, allErrors: true, coerceTypes: 'array' });
  addFormats(body);
  addFormats(parameters);
  ajvInstances = { body, parameters };
  return ajvInstances;
}

const SCHEMA_MAPS = new Set(['properties', 'patternProperties']);
const SCHEMA_LISTS = new Set(['allOf', 'anyOf', 'oneOf']);
const SCHEMA_VALUES = new Set(['items', 'additionalProperties', 'not']);
const converted = new WeakMap<object, SchemaObject>();

/**
 * OpenAPI 3.0 schemas in JSON Schema terms. Ajv's own `nullable` support throws when a schema has
 * no `type` and still rejects `null` against an `enum`, both of which GitHub's description uses.
 * Memoized so Ajv, which caches compiled schemas by object, compiles each one once.
 */
function toJsonSchema(schema: SchemaObject): SchemaObject {
  let result = converted.get(schema);
  if (!result) {
    result = convertSchema(schema) as SchemaObject;
    converted.set(schema, result);
  }
  return result;
}

function convertSchema(schema: unknown): unknown {
  if (schema === null || typeof schema !== 'object' || Array.isArray(schema)) return schema;
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(schema)) {
    if (key === 'nullable') continue;
    if (SCHEMA_MAPS.has(key) && value && typeof value === 'object') {
      out[key] = Object.fromEntries(Object.entries(value).map(([name, sub]) => [name, convertSchema(sub)]));
    } else if (SCHEMA_LISTS.has(key) && Array.isArray(value)) {
      out[key] = value.map(convertSchema);
    } else if (SCHEMA_VALUES.has(key)) {
      out[key] = Array.isArray(value) ? value.map(convertSchema) : convertSchema(value);
    } else {
      out[key] = value;
    }
  }
  if ((schema as { nullable?: unknown }).nullable !== true) return out;
  if (typeof out.type !== 'string') return { anyOf: [{ type: 'null' }, out] };
  out.type = [out.type, 'null'];
  if (Array.isArray(out.enum) && !out.enum.includes(null)) out.enum = [...out.enum, null];
  return out;
}

/** Compiled on the first request to an operation: compiling all ~1,100 would take far too long. */
function compiledOperation(route: Route): CompiledOperation {
  if (route.compiled) return route.compiled;
  const declared = (route.operation.parameters ?? []).filter((p) => p.in === 'path' || p.in === 'query');
  const parameterSchema: SchemaObject = {
    type: 'object',
    properties: Object.fromEntries(declared.map((p) => [p.name, p.schema ?? {}])),
    required: declared.filter((p) => p.required || p.in === 'path').map((p) => p.name),
  };
  const bodySchema = route.operation.requestBody?.content?.['application/json']?.schema;
  route.compiled = {
    parameters: ajvs().parameters.compile(toJsonSchema(parameterSchema)),
    body: bodySchema ? ajvs().body.compile(toJsonSchema(bodySchema)) : undefined,
    bodyRequired: route.operation.requestBody?.required === true,
  };
  return route.compiled;
}

interface RequestProblem {
  summary: string;
  errors: Array<{ field: string; code: string; message: string }>;
}

/** What GitHub's description says is wrong with a request, or undefined when nothing is. */
function checkRequest(route: Route, params: Record<string, string>, query: Record<string, string>, body: unknown): RequestProblem | undefined {
  const compiled = compiledOperation(route);
  const problems: string[] = [];
  const errors: RequestProblem['errors'] = [];
  const collect = (validate: ValidateFunction, dataVar: string) => {
    const found = validate.errors ?? [];
    problems.push(describeErrors(found, dataVar));
    errors.push(...found.map((error) => toGitHubError(error, dataVar)));
  };
  // Undeclared query parameters are ignored by GitHub, so only declared ones are checked.
  if (!compiled.parameters({ ...query, ...params })) collect(compiled.parameters, 'parameters');
  if (compiled.body) {
    // An absent body counts as `{}`: GitHub accepts it when no property is required.
    const missing = body === undefined;
    if (!compiled.body(missing ? {} : body)) {
      if (missing && compiled.bodyRequired) problems.push('request body is required');
      collect(compiled.body, 'body');
    }
  } else if (compiled.bodyRequired && body === undefined) {
    problems.push('request body is required');
  }
  return problems.length > 0 ? { summary: problems.join('; '), errors } : undefined;
}

/** Ajv's errors in one line, an error repeated over array items said once with its count. */
function describeErrors(errors: ErrorObject[], dataVar: string): string {
  const counts = new Map<string, number>();
  for (const error of errors) {
    const path = `${dataVar}${error.instancePath.replace(/\/\d+(?=\/|$)/g, '/*')}`;
    const allowed = (error.params as { allowedValues?: unknown[] }).allowedValues;
    const line = `${path} ${error.message ?? 'is invalid'}${error.keyword === 'enum' && allowed ? ` (${allowed.map(String).join(', ')})` : ''}`;
    counts.set(line, (counts.get(line) ?? 0) + 1);
  }
  return [...counts].map(([line, count]) => (count > 1 ? `${line} (×${count})` : line)).join(', ');
}

function toGitHubError(error: ErrorObject, dataVar: string): RequestProblem['errors'][number] {
  const missing = (error.params as { missingProperty?: string }).missingProperty;
  const field = [error.instancePath.slice(1).replaceAll('/', '.'), missing].filter(Boolean).join('.');
  return { field: field || dataVar, code: error.keyword === 'required' ? 'missing_field' : 'invalid', message: `${dataVar}${error.instancePath} ${error.message ?? 'is invalid'}` };
}

function responseSchema(route: Route, status: number): SchemaObject | undefined {
  const responses = route.operation.responses ?? {};
  const response = responses[String(status)] ?? responses.default;
  return response?.content?.['application/json']?.schema;
}

// ---------------------------------------------------------------------------------------------
// State
// ---------------------------------------------------------------------------------------------

interface RepoState {
  id: number;
  owner: string;
  name: string;
  fullName: string;
  private: boolean;
  defaultBranch: string;
  pulls: Map<number, SeedPull>;
  files: Map<number, SeedPullFile[]>;
  commits: Map<number, SeedCommit[]>;
  /** ref → path → text */
  contents: Map<string, Map<string, string>>;
  permissions: Map<string, { login: string; permission: Permission }>;
  /** Every head and base SHA ever seeded: check runs can only be created on known commits. */
  knownShas: Set<string>;
}

interface Caller {
  token: string;
  scheme: 'token' | 'bearer';
  app: AppIdentity;
}

/** A fault's answer built from the request it answers. */
export type FaultBody = (request: { authorization: string | undefined }) => unknown;

interface Fault {
  method: string;
  path: RegExp;
  status: number;
  body: unknown;
  headers: Record<string, string>;
  remaining: number;
}

interface Reply {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
}

interface HandlerContext {
  params: Record<string, string>;
  query: Record<string, string>;
  body: Record<string, unknown>;
  caller: Caller;
  /** The raw request path with query, for building Link headers. */
  rawUrl: URL;
}

type Handler = (ctx: HandlerContext) => Reply;

const DOCS = 'https://docs.github.com/rest';
const ACTIONS_APP: AppIdentity = { id: 15368, slug: 'github-actions', name: 'GitHub Actions' };
const APP_PERMISSIONS = { checks: 'write', contents: 'read', issues: 'write', metadata: 'read', pull_requests: 'write' };
const APP_EVENTS = ['pull_request', 'issue_comment', 'check_run'];
const FILES_LIST_LIMIT = 3000;
const COMMENT_BODY_LIMIT = 65536;
/** GitHub's legacy `permission` value for each role (`role_name` keeps the real one). */
const LEGACY_PERMISSION: Record<Permission, string> = { admin: 'admin', maintain: 'write', write: 'write', triage: 'read', read: 'read', none: 'none' };
const WRITE_METHODS = new Set(['POST', 'PATCH', 'PUT', 'DELETE']);
/** Operations that only a GitHub App's JWT (sent as `Bearer`) may call. */
const JWT_TEMPLATES = new Set(['/app', '/app/installations/{installation_id}/access_tokens', '/repos/{owner}/{repo}/installation']);
/** One creation time for everything seeded, so answers are stable across runs. */
const CREATED_AT = '2024-01-01T00:00:00Z';

// ---------------------------------------------------------------------------------------------
// Small helpers
// ---------------------------------------------------------------------------------------------

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

function safeDecode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

/** GitHub's timestamps have no milliseconds. */
function isoNow(offsetMs = 0): string {
  return new Date(Date.now() + offsetMs).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** A stable positive id for a name, so users keep their id across requests and servers. */
function stableId(text: string): number {
  return 1000 + parseInt(createHash('sha1').update(text).digest('hex').slice(0, 7), 16);
}

function nodeId(prefix: string, id: number): string {
  return `${prefix}_${Buffer.from(String(id)).toString('base64url')}`;
}

/** The git blob SHA of a text, as the contents API reports it. */
function blobSha(text: string): string {
  const bytes = Buffer.from(text, 'utf8');
  return createHash('sha1').update(`blob ${bytes.length}\0`).update(bytes).digest('hex');
}

function repoKey(fullName: string): string {
  return fullName.toLowerCase();
}

/** `refs/heads/main` and `main` name the same branch. */
function normalizeRef(ref: string): string {
  return ref.replace(/^refs\/heads\//, '');
}

function notFound(): Reply {
  return { status: 404, body: { message: 'Not Found', documentation_url: DOCS, status: '404' } };
}

function parseAuthorization(header: string | undefined): { scheme: 'token' | 'bearer'; token: string } | undefined {
  const match = /^(token|bearer)\s+(\S+)\s*$/i.exec(header ?? '');
  if (!match) return undefined;
  return { scheme: match[1]!.toLowerCase() as 'token' | 'bearer', token: match[2]! };
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

/** One page of `items` and GitHub's `Link` header pointing at the others. */
function paginate<T>(items: readonly T[], rawUrl: URL): { page: T[]; headers: Record<string, string> } {
  const perPage = Math.min(100, Math.max(1, Number(rawUrl.searchParams.get('per_page') ?? 30) || 30));
  const pageNumber = Math.max(1, Number(rawUrl.searchParams.get('page') ?? 1) || 1);
  const lastPage = Math.max(1, Math.ceil(items.length / perPage));
  const page = items.slice((pageNumber - 1) * perPage, pageNumber * perPage);
  const linkTo = (n: number) => {
    const url = new URL(rawUrl);
    url.searchParams.set('page', String(n));
    return url.toString();
  };
  const links: string[] = [];
  if (pageNumber > 1) links.push(`<${linkTo(Math.min(pageNumber - 1, lastPage))}>; rel="prev"`);
  if (pageNumber < lastPage) links.push(`<${linkTo(pageNumber + 1)}>; rel="next"`, `<${linkTo(lastPage)}>; rel="last"`);
  if (pageNumber > 1) links.push(`<${linkTo(1)}>; rel="first"`);
  return { page, headers: links.length > 0 ? { link: links.join(', ') } : {} };
}

// ---------------------------------------------------------------------------------------------
// Response shapes (GitHub's, with the fields its schemas require)
// ---------------------------------------------------------------------------------------------

function userJson(api: string, login: string, type: 'User' | 'Bot' | 'Organization' = 'User') {
  const id = stableId(`user:${login.toLowerCase()}`);
  // Logins of bots hold brackets (`renovate[bot]`), which URLs must encode.
  const url = `${api}/users/${encodeURIComponent(login)}`;
  const botSlug = /^(.+)\[bot\]$/.exec(login)?.[1];
  return {
    login,
    id,
    node_id: nodeId(type === 'Bot' ? 'BOT' : 'U', id),
    avatar_url: `https://avatars.githubusercontent.com/u/${id}?v=4`,
    gravatar_id: '',
    url,
    html_url: botSlug ? `https://github.com/apps/${botSlug}` : `https://github.com/${login}`,
    followers_url: `${url}/followers`,
    following_url: `${url}/following{/other_user}`,
    gists_url: `${url}/gists{/gist_id}`,
    starred_url: `${url}/starred{/owner}{/repo}`,
    subscriptions_url: `${url}/subscriptions`,
    organizations_url: `${url}/orgs`,
    repos_url: `${url}/repos`,
    events_url: `${url}/events{/privacy}`,
    received_events_url: `${url}/received_events`,
    type,
    user_view_type: 'public',
    site_admin: false,
  };
}

/** The bot user an app acts as: `riskgate[bot]`, `github-actions[bot]`. */
function botUserJson(api: string, app: AppIdentity) {
  return userJson(api, `${app.slug}[bot]`, 'Bot');
}

function appJson(api: string, app: AppIdentity) {
  return {
    id: app.id,
    slug: app.slug,
    node_id: nodeId('A', app.id),
    client_id: `Iv1.${app.slug}`,
    owner: userJson(api, app.slug === ACTIONS_APP.slug ? 'github' : `${app.slug}-owner`, 'Organization'),
    name: app.name,
    description: null,
    external_url: `https://github.com/apps/${app.slug}`,
    html_url: `https://github.com/apps/${app.slug}`,
    created_at: CREATED_AT,
    updated_at: CREATED_AT,
    permissions: APP_PERMISSIONS,
    events: APP_EVENTS,
  };
}

const REPO_URL_TEMPLATES: Record<string, string> = {
  archive_url: '/{archive_format}{/ref}',
  assignees_url: '/assignees{/user}',
  blobs_url: '/git/blobs{/sha}',
  branches_url: '/branches{/branch}',
  collaborators_url: '/collaborators{/collaborator}',
  comments_url: '/comments{/number}',
  commits_url: '/commits{/sha}',
  compare_url: '/compare/{base}...{head}',
  contents_url: '/contents/{+path}',
  contributors_url: '/contributors',
  deployments_url: '/deployments',
  downloads_url: '/downloads',
  events_url: '/events',
  forks_url: '/forks',
  git_commits_url: '/git/commits{/sha}',
  git_refs_url: '/git/refs{/sha}',
  git_tags_url: '/git/tags{/sha}',
  hooks_url: '/hooks',
  issue_comment_url: '/issues/comments{/number}',
  issue_events_url: '/issues/events{/number}',
  issues_url: '/issues{/number}',
  keys_url: '/keys{/key_id}',
  labels_url: '/labels{/name}',
  languages_url: '/languages',
  merges_url: '/merges',
  milestones_url: '/milestones{/number}',
  notifications_url: '/notifications{?since,all,participating}',
  pulls_url: '/pulls{/number}',
  releases_url: '/releases{/id}',
  stargazers_url: '/stargazers',
  statuses_url: '/statuses/{sha}',
  subscribers_url: '/subscribers',
  subscription_url: '/subscription',
  tags_url: '/tags',
  teams_url: '/teams',
  trees_url: '/git/trees{/sha}',
};

interface RepoShape {
  id: number;
  fullName: string;
  private: boolean;
  defaultBranch: string;
  fork: boolean;
}

function repoJson(api: string, repo: RepoShape) {
  const [owner = '', name = ''] = repo.fullName.split('/');
  const url = `${api}/repos/${repo.fullName}`;
  const html = `https://github.com/${repo.fullName}`;
  return {
    id: repo.id,
    node_id: nodeId('R', repo.id),
    name,
    full_name: repo.fullName,
    private: repo.private,
    owner: userJson(api, owner),
    html_url: html,
    description: null,
    fork: repo.fork,
    url,
    ...Object.fromEntries(Object.entries(REPO_URL_TEMPLATES).map(([key, suffix]) => [key, `${url}${suffix}`])),
    git_url: `git://github.com/${repo.fullName}.git`,
    ssh_url: `git@github.com:${repo.fullName}.git`,
    clone_url: `${html}.git`,
    svn_url: html,
    mirror_url: null,
    homepage: null,
    language: null,
    size: 0,
    stargazers_count: 0,
    watchers_count: 0,
    watchers: 0,
    forks_count: 0,
    forks: 0,
    open_issues_count: 0,
    open_issues: 0,
    network_count: 0,
    subscribers_count: 0,
    has_issues: true,
    has_projects: true,
    has_wiki: true,
    has_pages: false,
    has_downloads: true,
    has_discussions: false,
    archived: false,
    disabled: false,
    is_template: false,
    allow_forking: true,
    web_commit_signoff_required: false,
    topics: [],
    visibility: repo.private ? 'private' : 'public',
    license: null,
    default_branch: repo.defaultBranch,
    pushed_at: CREATED_AT,
    created_at: CREATED_AT,
    updated_at: CREATED_AT,
  };
}

// ---------------------------------------------------------------------------------------------
// The server
// ---------------------------------------------------------------------------------------------

class FakeGitHub implements GitHubServer {
  url = '';
  readonly requests: RecordedRequest[] = [];
  readonly violations: string[] = [];
  readonly responseViolations: string[] = [];
  readonly comments: RecordedComment[] = [];
  readonly reactions: RecordedReaction[] = [];
  readonly contentReads: ContentRead[] = [];
  latencyMs = 0;
  private readonly repos = new Map<string, RepoState>();
  private readonly runs: CheckRunRecord[] = [];
  private readonly faults: Fault[] = [];
  private readonly readOnlyTokens = new Set<string>();
  /** Installation tokens this server issued: they identify this server's app. */
  private readonly installationTokens = new Set<string>();
  private readonly handlers: Map<string, Handler>;
  private readonly app: AppIdentity;
  private nextId = 1;
  private server?: Server;
  private readonly extraServers: Server[] = [];
  private readonly holds: Array<{ method: string; path: RegExp; skip: number; taken: boolean; arrived: (entry: RecordedRequest) => void; released: Promise<void>; release: () => void }> = [];

  constructor(
    private readonly routes: RouteTable,
    private readonly options: GitHubServerOptions,
  ) {
    this.app = { id: options.appId ?? 1, slug: 'riskgate', name: 'riskgate' };
    this.handlers = this.buildHandlers();
  }

  async start(): Promise<this> {
    this.server = createServer((req, res) => void this.handle(req, res));
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this;
  }

  holdNext(method: string, path: RegExp, skip = 0): HeldRequest {
    let arrived!: (entry: RecordedRequest) => void;
    const reached = new Promise<RecordedRequest>((resolve) => (arrived = resolve));
    let release!: () => void;
    const released = new Promise<void>((resolve) => (release = resolve));
    this.holds.push({ method: method.toUpperCase(), path, skip, taken: false, arrived, released, release });
    return { reached, release };
  }

  async openExtraPort(): Promise<string> {
    const server = createServer((req, res) => void this.handle(req, res));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    this.extraServers.push(server);
    return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  }

  async close(): Promise<void> {
    for (const hold of this.holds) hold.release();
    for (const server of this.extraServers) {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
    this.server?.closeAllConnections();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }

  // --- seeding ---------------------------------------------------------------------------------

  addRepo(fullName: string, repo: SeedRepo = {}): void {
    const [owner, name, extra] = fullName.split('/');
    if (!owner || !name || extra !== undefined) throw new Error(`addRepo: "${fullName}" is not owner/repo`);
    const existing = this.repos.get(repoKey(fullName));
    this.repos.set(repoKey(fullName), {
      pulls: new Map(),
      files: new Map(),
      commits: new Map(),
      contents: new Map(),
      permissions: new Map(),
      knownShas: new Set(),
      ...existing,
      id: repo.id ?? existing?.id ?? stableId(`repo:${repoKey(fullName)}`),
      owner,
      name,
      fullName,
      private: repo.private ?? existing?.private ?? false,
      defaultBranch: repo.defaultBranch ?? existing?.defaultBranch ?? 'main',
    });
  }

  setPull(fullName: string, pull: SeedPull): void {
    const repo = this.ensureRepo(fullName);
    repo.pulls.set(pull.number, { ...pull });
    repo.knownShas.add(pull.headSha).add(pull.baseSha);
  }

  setHead(fullName: string, number: number, newSha: string): void {
    const repo = this.ensureRepo(fullName);
    const pull = repo.pulls.get(number);
    if (!pull) throw new Error(`setHead: no pull #${number} seeded in ${fullName}`);
    pull.headSha = newSha;
    repo.knownShas.add(newSha);
  }

  setPullFiles(fullName: string, number: number, rows: SeedPullFile[]): void {
    this.ensureRepo(fullName).files.set(number, rows.map((row) => ({ ...row })));
  }

  setPullCommits(fullName: string, number: number, commits: SeedCommit[]): void {
    const repo = this.ensureRepo(fullName);
    repo.commits.set(number, commits.map((commit) => ({ ...commit })));
    for (const commit of commits) repo.knownShas.add(commit.sha);
  }

  setFile(fullName: string, ref: string, path: string, text: string): void {
    const repo = this.ensureRepo(fullName);
    const key = normalizeRef(ref);
    const files = repo.contents.get(key) ?? new Map<string, string>();
    files.set(path.replace(/^\/+/, ''), text);
    repo.contents.set(key, files);
  }

  setPermission(fullName: string, login: string, permission: Permission): void {
    this.ensureRepo(fullName).permissions.set(login.toLowerCase(), { login, permission });
  }

  setReadOnlyToken(token: string): void {
    this.readOnlyTokens.add(token);
  }

  createInstallationToken(): string {
    const token = `ghs_${randomBytes(18).toString('hex')}`;
    this.installationTokens.add(token);
    return token;
  }

  failNext(method: string, path: RegExp, status: number, body?: unknown, times = 1, headers: Record<string, string> = {}): void {
    const fallback = { message: STATUS_CODES[status] ?? 'Error', documentation_url: DOCS, status: String(status) };
    this.faults.push({ method: method.toUpperCase(), path, status, body: body ?? fallback, headers, remaining: times });
  }

  checkRuns(fullName?: string): CheckRunRecord[] {
    return this.runs.filter((run) => fullName === undefined || repoKey(run.fullName) === repoKey(fullName));
  }

  reset(): void {
    for (const hold of this.holds.splice(0)) hold.release();
    this.repos.clear();
    this.runs.length = 0;
    this.faults.length = 0;
    this.readOnlyTokens.clear();
    this.requests.length = 0;
    this.violations.length = 0;
    this.responseViolations.length = 0;
    this.comments.length = 0;
    this.reactions.length = 0;
    this.contentReads.length = 0;
  }

  private ensureRepo(fullName: string): RepoState {
    if (!this.repos.has(repoKey(fullName))) this.addRepo(fullName);
    return this.repos.get(repoKey(fullName))!;
  }

  // --- request pipeline --------------------------------------------------------------------------

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const rawUrl = new URL(req.url ?? '/', this.url);
    // GitHub Enterprise Server serves the same API under /api/v3 (probot's GHE_HOST).
    if (rawUrl.pathname.startsWith('/api/v3/')) rawUrl.pathname = rawUrl.pathname.slice('/api/v3'.length);
    const method = (req.method ?? 'GET').toUpperCase();
    const text = await readBody(req);
    const entry: RecordedRequest = {
      method,
      path: safeDecode(rawUrl.pathname),
      query: Object.fromEntries(rawUrl.searchParams),
      body: undefined,
      status: 0,
      authorization: req.headers.authorization,
      port: req.socket.localPort ?? 0,
    };
    this.requests.push(entry);
    let reply: Reply;
    try {
      reply = this.respond(method, rawUrl, text, req.headers.authorization, entry);
    } catch (error) {
      // A bug in the fake itself: make it loud rather than a silent 500 the client may retry.
      this.violations.push(`${method} ${entry.path}: fake GitHub server crashed: ${String(error)}`);
      reply = { status: 500, body: { message: 'Server Error' } };
    }
    entry.status = reply.status;
    const hold = this.holds.find((h) => !h.taken && (h.method === '*' || h.method === method) && h.path.test(entry.path));
    if (hold && hold.skip > 0) {
      // Let this one through; a later match is held.
      hold.skip -= 1;
    } else if (hold) {
      hold.taken = true;
      hold.arrived(entry);
      await hold.released;
    }
    if (this.latencyMs > 0) await new Promise((resolve) => setTimeout(resolve, this.latencyMs));
    if (res.destroyed) return;
    res.writeHead(reply.status, { 'content-type': 'application/json; charset=utf-8', 'x-github-request-id': `FAKE:${this.requests.length}`, ...reply.headers });
    res.end(reply.status === 204 || reply.body === undefined ? undefined : JSON.stringify(reply.body));
  }

  private respond(method: string, rawUrl: URL, text: string, authorization: string | undefined, entry: RecordedRequest): Reply {
    const where = `${method} ${entry.path}`;
    if (text.trim() !== '') {
      try {
        entry.body = JSON.parse(text);
      } catch {
        return this.reject(400, `${where}: body is not JSON`, { message: 'Problems parsing JSON', documentation_url: DOCS, status: '400' });
      }
    }
    const matched = matchRoute(this.routes, method, rawUrl.pathname);
    if (!matched) return this.reject(404, `${where}: no such operation in GitHub's OpenAPI description`, notFound().body);
    const { route, params } = matched;

    const problem = checkRequest(route, params, entry.query, entry.body);
    if (problem) return this.reject(422, `${where}: ${problem.summary}`, { message: 'Validation Failed', errors: problem.errors, documentation_url: DOCS, status: '422' });

    const caller = this.authenticate(authorization, route.template);
    if ('status' in caller) return caller;

    const fault = this.takeFault(method, entry.path, authorization);
    if (fault) return fault;

    if (WRITE_METHODS.has(method) && this.readOnlyTokens.has(caller.token)) {
      return { status: 403, body: { message: 'Resource not accessible by integration', documentation_url: DOCS, status: '403' } };
    }

    const handler = this.handlers.get(`${method} ${route.template}`);
    if (!handler) {
      return this.reject(501, `${where}: valid for GitHub (${route.template}) but not faked by test/support/github-server.ts`, { message: 'Not Implemented' });
    }
    const body = entry.body !== null && typeof entry.body === 'object' && !Array.isArray(entry.body) ? (entry.body as Record<string, unknown>) : {};
    const reply = handler({ params, query: entry.query, body, caller, rawUrl });
    if (this.options.validateResponses) this.checkResponse(route, where, reply);
    return reply;
  }

  /** Records a call GitHub would refuse and answers as GitHub does. */
  private reject(status: number, violation: string, body: unknown): Reply {
    this.violations.push(violation);
    return { status, body };
  }

  private authenticate(header: string | undefined, template: string): Caller | Reply {
    const credentials = parseAuthorization(header);
    if (!credentials) return { status: 401, body: { message: 'Requires authentication', documentation_url: DOCS, status: '401' } };
    if (JWT_TEMPLATES.has(template)) {
      // The JWT's signature is not checked; only that an app JWT (not a token) was sent.
      if (credentials.scheme !== 'bearer' || credentials.token.split('.').length !== 3) {
        return { status: 401, body: { message: 'A JSON web token could not be decoded', documentation_url: DOCS, status: '401' } };
      }
      return { ...credentials, app: this.app };
    }
    return { ...credentials, app: this.installationTokens.has(credentials.token) ? this.app : ACTIONS_APP };
  }

  private takeFault(method: string, path: string, authorization: string | undefined): Reply | undefined {
    const index = this.faults.findIndex((fault) => (fault.method === '*' || fault.method === method) && fault.path.test(path));
    const fault = this.faults[index];
    if (!fault) return undefined;
    if (--fault.remaining <= 0) this.faults.splice(index, 1);
    const body = typeof fault.body === 'function' ? (fault.body as FaultBody)({ authorization }) : fault.body;
    return { status: fault.status, body, headers: fault.headers };
  }

  private checkResponse(route: Route, where: string, reply: Reply): void {
    const schema = reply.status < 300 ? responseSchema(route, reply.status) : undefined;
    if (!schema) return;
    try {
      const validate = ajvs().body.compile(toJsonSchema(schema));
      if (!validate(reply.body)) this.responseViolations.push(`${where} → ${reply.status}: ${describeErrors(validate.errors ?? [], 'response')}`);
    } catch (error) {
      this.responseViolations.push(`${where} → ${reply.status}: response schema does not compile: ${String(error)}`);
    }
  }

  // --- handlers ----------------------------------------------------------------------------------

  private buildHandlers(): Map<string, Handler> {
    const repo = (fn: (repo: RepoState, ctx: HandlerContext) => Reply): Handler => {
      return (ctx) => {
        const state = this.repos.get(repoKey(`${ctx.params.owner}/${ctx.params.repo}`));
        return state ? fn(state, ctx) : notFound();
      };
    };
    const pull = (fn: (repo: RepoState, pull: SeedPull, ctx: HandlerContext) => Reply): Handler =>
      repo((state, ctx) => {
        const found = state.pulls.get(Number(ctx.params.pull_number ?? ctx.params.issue_number));
        return found ? fn(state, found, ctx) : notFound();
      });
    return new Map<string, Handler>([
      ['GET /app', () => ({ status: 200, body: appJson(this.url, this.app) })],
      ['POST /app/installations/{installation_id}/access_tokens', (ctx) => this.issueAccessToken(ctx)],
      ['GET /repos/{owner}/{repo}/installation', repo((state) => ({ status: 200, body: this.installationJson(state) }))],
      ['GET /repos/{owner}/{repo}', repo((state) => ({ status: 200, body: this.repoJsonOf(state) }))],
      ['GET /repos/{owner}/{repo}/pulls/{pull_number}', pull((state, found) => ({ status: 200, body: this.pullJson(state, found) }))],
      ['GET /repos/{owner}/{repo}/pulls/{pull_number}/files', pull((state, found, ctx) => this.listPullFiles(state, found, ctx))],
      ['GET /repos/{owner}/{repo}/pulls/{pull_number}/commits', pull((state, found, ctx) => this.listPullCommits(state, found, ctx))],
      ['GET /repos/{owner}/{repo}/contents/{path}', repo((state, ctx) => this.getContent(state, ctx))],
      ['GET /repos/{owner}/{repo}/collaborators/{username}/permission', repo((state, ctx) => this.getPermission(state, ctx))],
      ['POST /repos/{owner}/{repo}/check-runs', repo((state, ctx) => this.createCheckRun(state, ctx))],
      ['PATCH /repos/{owner}/{repo}/check-runs/{check_run_id}', repo((state, ctx) => this.updateCheckRun(state, ctx))],
      ['GET /repos/{owner}/{repo}/check-runs/{check_run_id}', repo((state, ctx) => this.withRun(state, ctx, (run) => ({ status: 200, body: this.checkRunJson(state, run) })))],
      ['GET /repos/{owner}/{repo}/check-runs/{check_run_id}/annotations', repo((state, ctx) => this.withRun(state, ctx, (run) => this.listAnnotations(state, run, ctx)))],
      ['GET /repos/{owner}/{repo}/commits/{ref}/check-runs', repo((state, ctx) => this.listCheckRunsForRef(state, ctx))],
      ['POST /repos/{owner}/{repo}/issues/{issue_number}/comments', pull((state, found, ctx) => this.createComment(state, found, ctx))],
      ['GET /repos/{owner}/{repo}/issues/{issue_number}/comments', pull((state, found, ctx) => this.listComments(state, found, ctx))],
      ['PATCH /repos/{owner}/{repo}/issues/comments/{comment_id}', repo((state, ctx) => this.updateComment(state, ctx))],
      ['POST /repos/{owner}/{repo}/issues/comments/{comment_id}/reactions', repo((state, ctx) => this.createReaction(state, ctx))],
    ]);
  }

  private issueAccessToken(ctx: HandlerContext): Reply {
    const requested = ctx.body.permissions as Record<string, string> | undefined;
    return {
      status: 201,
      body: {
        token: this.createInstallationToken(),
        expires_at: isoNow(60 * 60 * 1000),
        permissions: requested ?? APP_PERMISSIONS,
        repository_selection: 'all',
      },
    };
  }

  private installationJson(state: RepoState) {
    const id = this.options.installationId ?? 1;
    return {
      id,
      account: userJson(this.url, state.owner),
      app_id: this.app.id,
      app_slug: this.app.slug,
      target_id: stableId(`user:${state.owner.toLowerCase()}`),
      target_type: 'User',
      repository_selection: 'all',
      single_file_name: null,
      access_tokens_url: `${this.url}/app/installations/${id}/access_tokens`,
      repositories_url: `${this.url}/installation/repositories`,
      html_url: `https://github.com/settings/installations/${id}`,
      events: APP_EVENTS,
      permissions: APP_PERMISSIONS,
      created_at: CREATED_AT,
      updated_at: CREATED_AT,
      suspended_by: null,
      suspended_at: null,
    };
  }

  private repoJsonOf(state: RepoState) {
    return repoJson(this.url, { id: state.id, fullName: state.fullName, private: state.private, defaultBranch: state.defaultBranch, fork: false });
  }

  /** A fork that was never seeded still answers as a repository, as it exists on GitHub. */
  private headRepoJson(state: RepoState, found: SeedPull) {
    const fullName = found.headRepoFullName ?? state.fullName;
    if (repoKey(fullName) === repoKey(state.fullName)) return this.repoJsonOf(state);
    const seeded = this.repos.get(repoKey(fullName));
    return repoJson(this.url, { id: seeded?.id ?? stableId(`repo:${repoKey(fullName)}`), fullName, private: state.private, defaultBranch: 'main', fork: true });
  }

  private pullJson(state: RepoState, found: SeedPull) {
    const api = `${this.url}/repos/${state.fullName}`;
    const html = `https://github.com/${state.fullName}/pull/${found.number}`;
    const files = state.files.get(found.number) ?? [];
    const id = stableId(`pull:${repoKey(state.fullName)}#${found.number}`);
    const headRepo = this.headRepoJson(state, found);
    const headRef = found.headRef ?? `pr-${found.number}`;
    const baseRef = found.baseRef ?? 'main';
    const author = userJson(this.url, found.user.login, found.user.type ?? 'User');
    return {
      url: `${api}/pulls/${found.number}`,
      id,
      node_id: nodeId('PR', id),
      html_url: html,
      diff_url: `${html}.diff`,
      patch_url: `${html}.patch`,
      issue_url: `${api}/issues/${found.number}`,
      commits_url: `${api}/pulls/${found.number}/commits`,
      review_comments_url: `${api}/pulls/${found.number}/comments`,
      review_comment_url: `${api}/pulls/comments{/number}`,
      comments_url: `${api}/issues/${found.number}/comments`,
      statuses_url: `${api}/statuses/${found.headSha}`,
      number: found.number,
      state: found.state ?? 'open',
      locked: false,
      title: found.title,
      user: author,
      body: found.body ?? null,
      labels: (found.labels ?? []).map((name) => this.labelJson(state, name)),
      milestone: null,
      active_lock_reason: null,
      created_at: CREATED_AT,
      updated_at: CREATED_AT,
      closed_at: found.state === 'closed' ? CREATED_AT : null,
      merged_at: found.merged ? CREATED_AT : null,
      merge_commit_sha: null,
      assignee: null,
      assignees: [],
      requested_reviewers: [],
      requested_teams: [],
      head: { label: `${headRepo.owner.login}:${headRef}`, ref: headRef, sha: found.headSha, user: headRepo.owner, repo: headRepo },
      base: { label: `${state.owner}:${baseRef}`, ref: baseRef, sha: found.baseSha, user: userJson(this.url, state.owner), repo: this.repoJsonOf(state) },
      _links: {
        self: { href: `${api}/pulls/${found.number}` },
        html: { href: html },
        issue: { href: `${api}/issues/${found.number}` },
        comments: { href: `${api}/issues/${found.number}/comments` },
        review_comments: { href: `${api}/pulls/${found.number}/comments` },
        review_comment: { href: `${api}/pulls/comments{/number}` },
        commits: { href: `${api}/pulls/${found.number}/commits` },
        statuses: { href: `${api}/statuses/${found.headSha}` },
      },
      author_association: this.associationOf(state, found.user.login),
      auto_merge: null,
      draft: found.draft ?? false,
      merged: found.merged ?? false,
      mergeable: true,
      rebaseable: true,
      mergeable_state: 'clean',
      merged_by: null,
      comments: this.comments.filter((c) => c.fullName === state.fullName && c.issueNumber === found.number).length,
      review_comments: 0,
      maintainer_can_modify: false,
      commits: state.commits.get(found.number)?.length ?? 1,
      additions: found.additions ?? files.reduce((sum, row) => sum + row.additions, 0),
      deletions: found.deletions ?? files.reduce((sum, row) => sum + row.deletions, 0),
      changed_files: found.changedFiles ?? files.length,
    };
  }

  private labelJson(state: RepoState, name: string) {
    const id = stableId(`label:${repoKey(state.fullName)}:${name}`);
    return { id, node_id: nodeId('LA', id), url: `${this.url}/repos/${state.fullName}/labels/${encodeURIComponent(name)}`, name, description: null, color: 'ededed', default: false };
  }

  private associationOf(state: RepoState, login: string): string {
    if (login.toLowerCase() === state.owner.toLowerCase()) return 'OWNER';
    const permission = state.permissions.get(login.toLowerCase())?.permission;
    return permission && permission !== 'none' && permission !== 'read' ? 'COLLABORATOR' : 'CONTRIBUTOR';
  }

  private listPullFiles(state: RepoState, found: SeedPull, ctx: HandlerContext): Reply {
    // GitHub lists at most 3,000 files of a pull request, however many it changed.
    const rows = (state.files.get(found.number) ?? []).slice(0, FILES_LIST_LIMIT);
    const { page, headers } = paginate(rows, ctx.rawUrl);
    return { status: 200, headers, body: page.map((row) => this.pullFileJson(state, found, row)) };
  }

  private pullFileJson(state: RepoState, found: SeedPull, row: SeedPullFile) {
    const { sha, ...fields } = row;
    const path = encodeURIComponent(row.filename);
    // As GitHub: the blob SHA of the file at the head, the same the contents API gives for it.
    const atHead = state.contents.get(this.resolveContentRef(state, found.headSha))?.get(row.filename);
    return {
      sha: sha ?? blobSha(atHead ?? `${found.headSha}:${row.filename}`),
      ...fields,
      blob_url: `https://github.com/${state.fullName}/blob/${found.headSha}/${path}`,
      raw_url: `https://github.com/${state.fullName}/raw/${found.headSha}/${path}`,
      contents_url: `${this.url}/repos/${state.fullName}/contents/${path}?ref=${found.headSha}`,
    };
  }

  private listPullCommits(state: RepoState, found: SeedPull, ctx: HandlerContext): Reply {
    const { page, headers } = paginate(state.commits.get(found.number) ?? [], ctx.rawUrl);
    return { status: 200, headers, body: page.map((commit) => this.commitJson(state, commit)) };
  }

  private commitJson(state: RepoState, commit: SeedCommit) {
    const api = `${this.url}/repos/${state.fullName}`;
    const login = commit.author?.login;
    const person = { name: commit.author?.name ?? login ?? 'A U Thor', email: commit.author?.email ?? 'author@example.com', date: CREATED_AT };
    return {
      url: `${api}/commits/${commit.sha}`,
      sha: commit.sha,
      node_id: nodeId('C', stableId(commit.sha)),
      html_url: `https://github.com/${state.fullName}/commit/${commit.sha}`,
      comments_url: `${api}/commits/${commit.sha}/comments`,
      commit: {
        url: `${api}/git/commits/${commit.sha}`,
        author: person,
        committer: person,
        message: commit.message ?? 'A change',
        comment_count: 0,
        tree: { sha: blobSha(`tree:${commit.sha}`), url: `${api}/git/trees/${blobSha(`tree:${commit.sha}`)}` },
      },
      author: login ? userJson(this.url, login) : null,
      committer: login ? userJson(this.url, login) : null,
      parents: [],
    };
  }

  /** Files are stored per ref; a SHA that is a seeded pull's head or base reads that branch. */
  private resolveContentRef(state: RepoState, ref: string | undefined): string {
    if (ref === undefined) return state.defaultBranch;
    const normalized = normalizeRef(ref);
    if (state.contents.has(normalized)) return normalized;
    for (const found of state.pulls.values()) {
      if (found.baseSha === ref) return found.baseRef ?? 'main';
      if (found.headSha === ref) return found.headRef ?? `pr-${found.number}`;
    }
    return normalized;
  }

  private getContent(state: RepoState, ctx: HandlerContext): Reply {
    const path = (ctx.params.path ?? '').replace(/^\/+|\/+$/g, '');
    this.contentReads.push({ fullName: state.fullName, path, ref: ctx.query.ref });
    const ref = this.resolveContentRef(state, ctx.query.ref);
    const files = state.contents.get(ref) ?? new Map<string, string>();
    const text = files.get(path);
    if (text !== undefined) return { status: 200, body: this.contentFileJson(state, ref, path, text) };
    const listing = this.directoryListing(state, ref, path, files);
    return listing.length > 0 ? { status: 200, body: listing } : notFound();
  }

  private contentFileJson(state: RepoState, ref: string, path: string, text: string) {
    const sha = blobSha(text);
    const self = `${this.url}/repos/${state.fullName}/contents/${path}?ref=${encodeURIComponent(ref)}`;
    const git = `${this.url}/repos/${state.fullName}/git/blobs/${sha}`;
    const html = `https://github.com/${state.fullName}/blob/${ref}/${path}`;
    // GitHub wraps the base64 at 60 characters; Buffer.from(content, 'base64') ignores the breaks.
    const content = (Buffer.from(text, 'utf8').toString('base64').match(/.{1,60}/g) ?? []).join('\n');
    return {
      type: 'file',
      encoding: 'base64',
      size: Buffer.byteLength(text, 'utf8'),
      name: path.split('/').pop() ?? path,
      path,
      content: content === '' ? '' : `${content}\n`,
      sha,
      url: self,
      git_url: git,
      html_url: html,
      download_url: `https://raw.githubusercontent.com/${state.fullName}/${ref}/${path}`,
      _links: { self, git, html },
    };
  }

  /** A directory answers with its entries, as GitHub lists a folder (files without content). */
  private directoryListing(state: RepoState, ref: string, dir: string, files: Map<string, string>) {
    const prefix = dir === '' ? '' : `${dir}/`;
    const entries = new Map<string, 'file' | 'dir'>();
    for (const path of files.keys()) {
      if (!path.startsWith(prefix)) continue;
      const [name = '', ...rest] = path.slice(prefix.length).split('/');
      entries.set(name, rest.length > 0 ? 'dir' : 'file');
    }
    return [...entries].map(([name, type]) => {
      const path = `${prefix}${name}`;
      if (type === 'file') {
        const { content: _content, encoding: _encoding, ...entry } = this.contentFileJson(state, ref, path, files.get(path) ?? '');
        return entry;
      }
      const url = `${this.url}/repos/${state.fullName}/contents/${path}?ref=${encodeURIComponent(ref)}`;
      const html = `https://github.com/${state.fullName}/tree/${ref}/${path}`;
      const sha = blobSha(`dir:${path}`);
      const git = `${this.url}/repos/${state.fullName}/git/trees/${sha}`;
      return { type, name, path, sha, size: 0, url, git_url: git, html_url: html, download_url: null, _links: { self: url, git, html } };
    });
  }

  private getPermission(state: RepoState, ctx: HandlerContext): Reply {
    const seeded = state.permissions.get((ctx.params.username ?? '').toLowerCase());
    if (!seeded) return notFound();
    const role = seeded.permission;
    const rank = ['none', 'read', 'triage', 'write', 'maintain', 'admin'].indexOf(role);
    const permissions = { pull: rank >= 1, triage: rank >= 2, push: rank >= 3, maintain: rank >= 4, admin: rank >= 5 };
    return {
      status: 200,
      body: {
        permission: LEGACY_PERMISSION[role],
        role_name: role,
        user: { ...userJson(this.url, seeded.login), permissions, role_name: role },
      },
    };
  }

  // --- check runs --------------------------------------------------------------------------------

  private createCheckRun(state: RepoState, ctx: HandlerContext): Reply {
    const input = ctx.body as CheckRunInput;
    const where = `POST /repos/${state.fullName}/check-runs`;
    const head = input.head_sha ?? '';
    // GitHub refuses a check run on a commit it does not know.
    if (!state.knownShas.has(head)) return this.semantic(where, 'CheckRun', 'head_sha', `No commit found for SHA: ${head}`);
    const refused = refusedCheckRunChange(input, true);
    if (refused) return this.semantic(where, 'CheckRun', refused.field, refused.message);
    const now = isoNow();
    const run: CheckRunRecord = {
      id: this.nextId++,
      fullName: state.fullName,
      name: input.name ?? '',
      head_sha: head,
      status: input.status ?? 'queued',
      conclusion: null,
      started_at: input.started_at ?? now,
      completed_at: null,
      output: { title: null, summary: null, text: null },
      actions: [],
      external_id: input.external_id ?? '',
      details_url: input.details_url ?? null,
      app: { id: ctx.caller.app.id, slug: ctx.caller.app.slug },
      annotations: [],
      updates: 0,
    };
    applyCheckRunInput(run, input);
    this.runs.push(run);
    return { status: 201, body: this.checkRunJson(state, run) };
  }

  private updateCheckRun(state: RepoState, ctx: HandlerContext): Reply {
    return this.withRun(state, ctx, (run) => {
      // Only the app that created a check run may change it.
      if (run.app.id !== ctx.caller.app.id) return { status: 403, body: { message: 'Invalid app_id', documentation_url: DOCS, status: '403' } };
      const input = ctx.body as CheckRunInput;
      const refused = refusedCheckRunChange(input, false);
      if (refused) return this.semantic(`PATCH /repos/${state.fullName}/check-runs/${run.id}`, 'CheckRun', refused.field, refused.message);
      applyCheckRunInput(run, input);
      run.updates += 1;
      return { status: 200, body: this.checkRunJson(state, run) };
    });
  }

  private withRun(state: RepoState, ctx: HandlerContext, fn: (run: CheckRunRecord) => Reply): Reply {
    const run = this.runs.find((r) => r.id === Number(ctx.params.check_run_id) && repoKey(r.fullName) === repoKey(state.fullName));
    return run ? fn(run) : notFound();
  }

  /** A rule GitHub enforces beyond the schema: recorded as a violation, answered 422. */
  private semantic(where: string, resource: string, field: string, message: string): Reply {
    return this.reject(422, `${where}: ${message}`, { message: 'Validation Failed', errors: [{ resource, field, code: 'invalid', message }], documentation_url: DOCS, status: '422' });
  }

  /** A branch name resolves to the head of a seeded pull on it; anything else is taken as a SHA. */
  private resolveCommit(state: RepoState, ref: string): string {
    const branch = normalizeRef(ref);
    const pulls = [...state.pulls.values()].reverse();
    return pulls.find((p) => (p.headRef ?? `pr-${p.number}`) === branch)?.headSha ?? pulls.find((p) => (p.baseRef ?? 'main') === branch)?.baseSha ?? ref;
  }

  private listCheckRunsForRef(state: RepoState, ctx: HandlerContext): Reply {
    const sha = this.resolveCommit(state, ctx.params.ref ?? '');
    const { check_name: name, status, app_id: appId, filter = 'latest' } = ctx.query;
    let runs = this.checkRuns(state.fullName)
      .filter((run) => run.head_sha === sha)
      .filter((run) => name === undefined || run.name === name)
      .filter((run) => status === undefined || run.status === status)
      .filter((run) => appId === undefined || run.app.id === Number(appId))
      .sort((a, b) => b.id - a.id);
    // `latest` keeps the newest run per name and app, as a re-run supersedes the older one.
    if (filter === 'latest') runs = runs.filter((run, i) => runs.findIndex((other) => other.name === run.name && other.app.id === run.app.id) === i);
    const { page, headers } = paginate(runs, ctx.rawUrl);
    return { status: 200, headers, body: { total_count: runs.length, check_runs: page.map((run) => this.checkRunJson(state, run)) } };
  }

  private listAnnotations(state: RepoState, run: CheckRunRecord, ctx: HandlerContext): Reply {
    const { page, headers } = paginate(run.annotations, ctx.rawUrl);
    const body = page.map((a) => ({
      path: a.path,
      start_line: a.start_line,
      end_line: a.end_line,
      start_column: a.start_column ?? null,
      end_column: a.end_column ?? null,
      annotation_level: a.annotation_level,
      title: a.title ?? null,
      message: a.message,
      raw_details: a.raw_details ?? null,
      blob_href: `https://github.com/${state.fullName}/blob/${run.head_sha}/${a.path}`,
    }));
    return { status: 200, headers, body };
  }

  private checkRunJson(state: RepoState, run: CheckRunRecord) {
    const url = `${this.url}/repos/${state.fullName}/check-runs/${run.id}`;
    const app = run.app.id === ACTIONS_APP.id ? ACTIONS_APP : this.app;
    const pulls = [...state.pulls.values()].filter((p) => p.headSha === run.head_sha && !isFork(state, p));
    const repoRef = { id: state.id, url: `${this.url}/repos/${state.fullName}`, name: state.name };
    return {
      id: run.id,
      name: run.name,
      node_id: nodeId('CR', run.id),
      head_sha: run.head_sha,
      external_id: run.external_id,
      url,
      html_url: `https://github.com/${state.fullName}/runs/${run.id}`,
      details_url: run.details_url ?? `https://github.com/${state.fullName}/runs/${run.id}`,
      status: run.status,
      conclusion: run.conclusion,
      started_at: run.started_at,
      completed_at: run.completed_at,
      output: { ...run.output, annotations_count: run.annotations.length, annotations_url: `${url}/annotations` },
      check_suite: { id: stableId(`suite:${repoKey(state.fullName)}:${run.head_sha}:${app.id}`) },
      app: appJson(this.url, app),
      pull_requests: pulls.map((p) => ({
        id: stableId(`pull:${repoKey(state.fullName)}#${p.number}`),
        number: p.number,
        url: `${this.url}/repos/${state.fullName}/pulls/${p.number}`,
        head: { ref: p.headRef ?? `pr-${p.number}`, sha: p.headSha, repo: repoRef },
        base: { ref: p.baseRef ?? 'main', sha: p.baseSha, repo: repoRef },
      })),
    };
  }

  // --- comments and reactions ----------------------------------------------------------------------

  private createComment(state: RepoState, found: SeedPull, ctx: HandlerContext): Reply {
    const body = String(ctx.body.body ?? '');
    const where = `POST /repos/${state.fullName}/issues/${found.number}/comments`;
    if (body.length > COMMENT_BODY_LIMIT) return this.semantic(where, 'IssueComment', 'body', `Body is too long (maximum is ${COMMENT_BODY_LIMIT} characters)`);
    const comment: RecordedComment = { id: this.nextId++, fullName: state.fullName, issueNumber: found.number, body, app: { id: ctx.caller.app.id, slug: ctx.caller.app.slug } };
    this.comments.push(comment);
    return { status: 201, body: this.commentJson(state, comment) };
  }

  private listComments(state: RepoState, found: SeedPull, ctx: HandlerContext): Reply {
    const comments = this.comments.filter((c) => c.fullName === state.fullName && c.issueNumber === found.number);
    const { page, headers } = paginate(comments, ctx.rawUrl);
    return { status: 200, headers, body: page.map((c) => this.commentJson(state, c)) };
  }

  private updateComment(state: RepoState, ctx: HandlerContext): Reply {
    const comment = this.comments.find((c) => c.id === Number(ctx.params.comment_id) && c.fullName === state.fullName);
    if (!comment) return notFound();
    if (comment.app.id !== ctx.caller.app.id) return { status: 403, body: { message: 'Resource not accessible by integration', documentation_url: DOCS, status: '403' } };
    const body = String(ctx.body.body ?? '');
    if (body.length > COMMENT_BODY_LIMIT) return this.semantic(`PATCH /repos/${state.fullName}/issues/comments/${comment.id}`, 'IssueComment', 'body', `Body is too long (maximum is ${COMMENT_BODY_LIMIT} characters)`);
    comment.body = body;
    return { status: 200, body: this.commentJson(state, comment) };
  }

  private commentJson(state: RepoState, comment: RecordedComment) {
    const api = `${this.url}/repos/${state.fullName}`;
    const app = comment.app.id === ACTIONS_APP.id ? ACTIONS_APP : this.app;
    return {
      id: comment.id,
      node_id: nodeId('IC', comment.id),
      url: `${api}/issues/comments/${comment.id}`,
      html_url: `https://github.com/${state.fullName}/pull/${comment.issueNumber}#issuecomment-${comment.id}`,
      issue_url: `${api}/issues/${comment.issueNumber}`,
      body: comment.body,
      user: botUserJson(this.url, app),
      author_association: 'NONE',
      created_at: CREATED_AT,
      updated_at: CREATED_AT,
      performed_via_github_app: appJson(this.url, app),
    };
  }

  private createReaction(state: RepoState, ctx: HandlerContext): Reply {
    const commentId = Number(ctx.params.comment_id);
    const content = String(ctx.body.content);
    const user = botUserJson(this.url, ctx.caller.app);
    // Reacting twice with the same content answers the existing reaction with 200, as GitHub does.
    const existing = this.reactions.find((r) => r.fullName === state.fullName && r.commentId === commentId && r.content === content);
    const reaction = existing ?? { id: this.nextId++, fullName: state.fullName, commentId, content };
    if (!existing) this.reactions.push(reaction);
    return { status: existing ? 200 : 201, body: { id: reaction.id, node_id: nodeId('REA', reaction.id), user, content, created_at: CREATED_AT } };
  }
}

interface CheckRunInput {
  name?: string;
  head_sha?: string;
  details_url?: string;
  external_id?: string;
  status?: CheckRunStatus;
  conclusion?: CheckRunConclusion;
  started_at?: string;
  completed_at?: string;
  output?: { title?: string; summary?: string; text?: string; annotations?: CheckRunAnnotation[] };
  actions?: CheckRunAction[];
}

/** GitHub's rules on check run changes that its schema does not express. */
function refusedCheckRunChange(input: CheckRunInput, creating: boolean): { field: string; message: string } | undefined {
  if (input.conclusion === 'stale') return { field: 'conclusion', message: 'conclusion "stale" can only be set by GitHub' };
  if (creating && (input.status === 'completed' || input.completed_at !== undefined) && input.conclusion === undefined) {
    return { field: 'conclusion', message: 'conclusion is required when status is completed or completed_at is given' };
  }
  return undefined;
}

/** Merges a create or update body into a run: output fields replace, annotations append. */
function applyCheckRunInput(run: CheckRunRecord, input: CheckRunInput): void {
  if (input.name !== undefined) run.name = input.name;
  if (input.details_url !== undefined) run.details_url = input.details_url;
  if (input.external_id !== undefined) run.external_id = input.external_id;
  if (input.started_at !== undefined) run.started_at = input.started_at;
  if (input.status !== undefined) run.status = input.status;
  if (input.actions !== undefined) run.actions = input.actions;
  if (input.output) {
    const { annotations = [], title, summary, text } = input.output;
    if (title !== undefined) run.output.title = title;
    if (summary !== undefined) run.output.summary = summary;
    if (text !== undefined) run.output.text = text;
    run.annotations.push(...annotations);
  }
  // Giving a conclusion completes the run, whatever status was sent.
  if (input.conclusion !== undefined) {
    run.conclusion = input.conclusion;
    run.status = 'completed';
  }
  if (run.status === 'completed') run.completed_at = input.completed_at ?? run.completed_at ?? isoNow();
}

function isFork(state: RepoState, pull: SeedPull): boolean {
  return pull.headRepoFullName !== undefined && repoKey(pull.headRepoFullName) !== repoKey(state.fullName);
}

/** Starts a fake GitHub on 127.0.0.1 (a free port); loads GitHub's OpenAPI description on first use. */
export async function startGitHubServer(options: GitHubServerOptions = {}): Promise<GitHubServer> {
  const routes = await loadRouteTable();
  return new FakeGitHub(routes, options).start();
}
