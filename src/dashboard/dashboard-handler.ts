import { readFile } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type { TLSSocket } from 'node:tls';
import type { TokenSetting } from './dashboard-auth.js';
import { bearerToken, DashboardAuth, DASHBOARD_PATH, MIN_TOKEN_LENGTH, tokenMatches } from './dashboard-auth.js';
import type { BudgetLimits } from '../budget/budget-limits.js';
import type { DashboardSource } from './dashboard-data.js';
import { DEFAULT_DAYS, MAX_DAYS, summarize } from './dashboard-data.js';
import { clientAddress } from './client-address.js';
import { ASSET_PATHS, dashboardPage, loginPage } from './dashboard-page.js';
import { GuessLimiter } from './guess-limiter.js';
import { isSameOrigin } from './same-origin.js';
import { DASHBOARD_SCRIPT } from './dashboard-script.js';
import { DASHBOARD_STYLE } from './dashboard-style.js';

/** What /metrics needs of the metrics: the prom-client registry's text. */
export interface MetricsExposition {
  readonly contentType: string;
  metrics(): Promise<string>;
}

export interface DashboardHandlerOptions {
  source: DashboardSource;
  /** The operator's budget caps, shown with what each has spent; absent: none shown. */
  budgets?: BudgetLimits;
  /** Links to pull requests point here (GHES); default https://github.com. */
  githubUrl?: string;
  /** DASHBOARD_TOKEN (see readTokenSetting): off or refused keeps the dashboard shut. */
  dashboardToken: TokenSetting;
  /** Given: /metrics is served; absent: /metrics is left to other handlers. */
  metrics?: MetricsExposition;
  /** METRICS_TOKEN: off leaves /metrics open (scrapers on a private network), on requires it as a bearer, refused shuts /metrics. */
  metricsToken?: TokenSetting;
  /** Reverse proxies in front of the App that append to X-Forwarded-For (DASHBOARD_TRUSTED_PROXY_HOPS); default 0. */
  trustedProxyHops?: number;
  /** Failed token guesses per client; default: a limiter of this handler's own. */
  guesses?: GuessLimiter;
  now?: () => number;
}

/** probot's Handler: true when it answered the request, false to let the next handler have it. */
export type RequestHandler = (req: IncomingMessage, res: ServerResponse) => Promise<boolean>;

const METRICS_PATH = '/metrics';
const LOGIN_PATH = `${DASHBOARD_PATH}/login`;
const LOGOUT_PATH = `${DASHBOARD_PATH}/logout`;
const SUMMARY_PATH = `${DASHBOARD_PATH}/api/summary`;
// A login form carries one short field; anything bigger is not a login.
const MAX_FORM_BYTES = 4096;
const FORM_CONTENT_TYPE = 'application/x-www-form-urlencoded';

const CONTENT_TYPES = {
  html: 'text/html; charset=utf-8',
  js: 'text/javascript; charset=utf-8',
  css: 'text/css; charset=utf-8',
  json: 'application/json; charset=utf-8',
  text: 'text/plain; charset=utf-8',
} as const;

// Scripts and styles from this origin only: no inline script, so injected markup could not run any.
const CONTENT_SECURITY_POLICY = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "form-action 'self'",
  "frame-ancestors 'none'",
  "base-uri 'none'",
].join('; ');

const SECURITY_HEADERS = {
  'Content-Security-Policy': CONTENT_SECURITY_POLICY,
  'X-Content-Type-Options': 'nosniff',
  'Cache-Control': 'no-store',
  // No Referer to any other site; `no-referrer` would also make the browser send `Origin: null` on
  // the dashboard's own login and logout, which the origin check must refuse.
  'Referrer-Policy': 'same-origin',
  'X-Frame-Options': 'DENY',
} as const;

const DISABLED_MESSAGE = `The riskgate dashboard is off. To enable it, set DASHBOARD_TOKEN to a random secret of at least ${MIN_TOKEN_LENGTH} characters (e.g. \`openssl rand -hex 32\`), restart the App, open /dashboard and sign in with that token.\n`;

type Headers = Record<string, string | string[]>;

function send(res: ServerResponse, status: number, contentType: string, body: string | Buffer, headers: Headers = {}): true {
  res.writeHead(status, { ...SECURITY_HEADERS, 'Content-Type': contentType, 'Content-Length': Buffer.byteLength(body), ...headers });
  res.end(body);
  return true;
}

function redirect(res: ServerResponse, location: string, headers: Headers = {}): true {
  // 303: the browser follows with a GET, so a reload never re-posts the login form.
  res.writeHead(303, { ...SECURITY_HEADERS, Location: location, 'Content-Length': 0, ...headers });
  res.end();
  return true;
}

function methodNotAllowed(res: ServerResponse, allowed: string): true {
  return send(res, 405, CONTENT_TYPES.text, 'Method not allowed.\n', { Allow: allowed });
}

function tooManyGuesses(res: ServerResponse, retryAfterMs: number, json: boolean): true {
  const headers = { 'Retry-After': String(Math.ceil(retryAfterMs / 1000)) };
  return json ? send(res, 429, CONTENT_TYPES.json, JSON.stringify({ error: 'too many failed attempts; try again later' }), headers) : send(res, 429, CONTENT_TYPES.text, 'Too many failed attempts; try again later.\n', headers);
}

function crossOrigin(res: ServerResponse): true {
  return send(res, 403, CONTENT_TYPES.text, 'Refused: this request did not come from the dashboard itself.\n');
}

/** Behind a TLS-terminating proxy the socket is plain, so its forwarded protocol counts too (it can only make the cookie stricter). */
function isHttps(req: IncomingMessage): boolean {
  return (req.socket as Partial<TLSSocket>).encrypted === true || req.headers['x-forwarded-proto'] === 'https';
}

async function readForm(req: IncomingMessage): Promise<URLSearchParams | 'too-large' | 'not-a-form'> {
  if (!(req.headers['content-type'] ?? '').toLowerCase().startsWith(FORM_CONTENT_TYPE)) return 'not-a-form';
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_FORM_BYTES) return 'too-large';
    chunks.push(chunk as Buffer);
  }
  return new URLSearchParams(Buffer.concat(chunks).toString('utf8'));
}

/** `?days=`: whole days from 1 to MAX_DAYS, DEFAULT_DAYS when absent; undefined when malformed. */
function parseDays(value: string | null): number | undefined {
  if (value === null || value === '') return DEFAULT_DAYS;
  if (!/^\d{1,4}$/.test(value)) return undefined;
  const days = Number(value);
  return days >= 1 && days <= MAX_DAYS ? days : undefined;
}

// Chart.js's UMD build, found next to its CommonJS entry (its package exports do not list dist files).
let chartScript: Promise<Buffer> | undefined;
function loadChartScript(): Promise<Buffer> {
  chartScript ??= readFile(join(dirname(createRequire(import.meta.url).resolve('chart.js')), 'chart.umd.js'));
  return chartScript;
}

/**
 * The cost dashboard and /metrics, as one probot handler. Routes:
 * - GET  /dashboard                the page, or the login form without a session
 * - GET  /dashboard/login          the login form
 * - POST /dashboard/login          token → session cookie, 303 to /dashboard; wrong: 401
 * - POST /dashboard/logout         clears the session
 * - GET  /dashboard/api/summary    JSON (?days=1..366), by session or `Authorization: Bearer <token>`
 * - GET  /dashboard/assets/…       chart.js and the page script (signed in), the stylesheet (open: the login form uses it)
 * - GET  /metrics                  Prometheus text, when metrics are given
 *
 * A client's failed token guesses (wrong login, wrong bearer token) are limited (GuessLimiter);
 * logins and logouts from another origin are refused.
 */
export function dashboardHandler(options: DashboardHandlerOptions): RequestHandler {
  const now = options.now ?? Date.now;
  const guesses = options.guesses ?? new GuessLimiter();
  const clientOf = (req: IncomingMessage) => clientAddress(req, options.trustedProxyHops ?? 0);
  const auth = options.dashboardToken.state === 'on' ? new DashboardAuth(options.dashboardToken.token) : undefined;
  const disabledMessage = options.dashboardToken.state === 'refused' ? `${options.dashboardToken.reason}\n` : DISABLED_MESSAGE;

  async function serveMetrics(req: IncomingMessage, res: ServerResponse, metrics: MetricsExposition): Promise<true> {
    if (req.method !== 'GET') return methodNotAllowed(res, 'GET');
    const setting = options.metricsToken ?? { state: 'off' };
    // A token set but too short shuts /metrics rather than leaving it open.
    if (setting.state === 'refused') return send(res, 404, CONTENT_TYPES.text, `${setting.reason}\n`);
    if (setting.state === 'on') {
      const bearer = bearerToken(req);
      const client = clientOf(req);
      const wait = bearer === undefined ? 0 : guesses.retryAfterMs(client, now());
      if (wait > 0) return tooManyGuesses(res, wait, false);
      if (bearer === undefined || !tokenMatches(setting.token, bearer)) {
        if (bearer !== undefined) guesses.failed(client, now());
        return send(res, 401, CONTENT_TYPES.text, 'Unauthorized.\n', { 'WWW-Authenticate': 'Bearer realm="metrics"' });
      }
    }
    try {
      return send(res, 200, metrics.contentType, await metrics.metrics());
    } catch (error) {
      console.error('riskgate: /metrics failed:', error instanceof Error ? error.message : error);
      return send(res, 500, CONTENT_TYPES.text, 'Metrics are unavailable.\n');
    }
  }

  async function serveSummary(url: URL, res: ServerResponse): Promise<true> {
    const days = parseDays(url.searchParams.get('days'));
    if (days === undefined) return send(res, 400, CONTENT_TYPES.json, JSON.stringify({ error: `days must be a whole number from 1 to ${MAX_DAYS}` }));
    try {
      return send(res, 200, CONTENT_TYPES.json, JSON.stringify(await summarize(options.source, days, now(), { ...(options.budgets ? { budgets: options.budgets } : {}), ...(options.githubUrl ? { githubUrl: options.githubUrl } : {}) })));
    } catch (error) {
      console.error('riskgate: the dashboard summary failed:', error instanceof Error ? error.message : error);
      return send(res, 500, CONTENT_TYPES.json, JSON.stringify({ error: 'the summary could not be computed' }));
    }
  }

  async function login(req: IncomingMessage, res: ServerResponse, signedIn: DashboardAuth, client: string): Promise<true> {
    const form = await readForm(req);
    if (form === 'too-large') return send(res, 413, CONTENT_TYPES.text, 'Request too large.\n', { Connection: 'close' });
    if (form === 'not-a-form') return send(res, 415, CONTENT_TYPES.text, `Send the login as ${FORM_CONTENT_TYPE}.\n`);
    const cookie = signedIn.loginWithToken(form.get('token') ?? '', now(), isHttps(req));
    // A wrong token learns nothing: the same form, no reason.
    if (cookie === undefined) {
      guesses.failed(client, now());
      return send(res, 401, CONTENT_TYPES.html, loginPage(true));
    }
    return redirect(res, DASHBOARD_PATH, { 'Set-Cookie': cookie });
  }

  return async (req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const path = url.pathname;
    const method = req.method ?? 'GET';

    if (path === METRICS_PATH) return options.metrics ? serveMetrics(req, res, options.metrics) : false;
    if (path !== DASHBOARD_PATH && !path.startsWith(`${DASHBOARD_PATH}/`)) return false;
    if (!auth) return send(res, 404, CONTENT_TYPES.text, disabledMessage);

    const route = path === `${DASHBOARD_PATH}/` ? DASHBOARD_PATH : path;
    const isApi = route.startsWith(`${DASHBOARD_PATH}/api/`);
    const client = clientOf(req);
    // A bearer token or a login form is a guess at the token: a client refused for guessing is not heard.
    const guessing = bearerToken(req) !== undefined || (route === LOGIN_PATH && method === 'POST');
    const wait = guessing ? guesses.retryAfterMs(client, now()) : 0;
    if (wait > 0) return tooManyGuesses(res, wait, isApi);
    const principal = auth.authenticate(req, now());
    if (bearerToken(req) !== undefined && !principal) guesses.failed(client, now());
    switch (route) {
      case DASHBOARD_PATH:
        if (method !== 'GET') return methodNotAllowed(res, 'GET');
        return send(res, 200, CONTENT_TYPES.html, principal ? dashboardPage() : loginPage(false));
      case LOGIN_PATH:
        if (method === 'GET') return principal ? redirect(res, DASHBOARD_PATH) : send(res, 200, CONTENT_TYPES.html, loginPage(false));
        if (method === 'POST') return isSameOrigin(req) ? login(req, res, auth, client) : crossOrigin(res);
        return methodNotAllowed(res, 'GET, POST');
      case LOGOUT_PATH:
        if (method !== 'POST') return methodNotAllowed(res, 'POST');
        if (!isSameOrigin(req)) return crossOrigin(res);
        return redirect(res, DASHBOARD_PATH, { 'Set-Cookie': auth.endSession(isHttps(req)) });
      case ASSET_PATHS.style:
        if (method !== 'GET') return methodNotAllowed(res, 'GET');
        return send(res, 200, CONTENT_TYPES.css, DASHBOARD_STYLE);
    }

    if (!principal) {
      return isApi
        ? send(res, 401, CONTENT_TYPES.json, JSON.stringify({ error: 'unauthorized' }), { 'WWW-Authenticate': 'Bearer realm="riskgate dashboard"' })
        : send(res, 401, CONTENT_TYPES.text, 'Unauthorized.\n');
    }
    if (method !== 'GET') return methodNotAllowed(res, 'GET');
    switch (route) {
      case SUMMARY_PATH:
        return serveSummary(url, res);
      case ASSET_PATHS.chart:
        return send(res, 200, CONTENT_TYPES.js, await loadChartScript());
      case ASSET_PATHS.script:
        return send(res, 200, CONTENT_TYPES.js, DASHBOARD_SCRIPT);
      default:
        return isApi ? send(res, 404, CONTENT_TYPES.json, JSON.stringify({ error: 'not found' })) : send(res, 404, CONTENT_TYPES.text, 'Not found.\n');
    }
  };
}
