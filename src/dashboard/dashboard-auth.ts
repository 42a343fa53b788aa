import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { DashboardSession } from './dashboard-session.js';
import { SessionCodec } from './dashboard-session.js';

/** A shorter shared secret could be guessed; this length of random characters cannot. */
export const MIN_TOKEN_LENGTH = 24;
export const SESSION_COOKIE = 'riskgate_dashboard';
/** The cookie is sent to the dashboard's paths only (not to webhooks or /metrics). */
export const DASHBOARD_PATH = '/dashboard';
const SESSION_TTL_MS = 12 * 60 * 60 * 1000;
const TOKEN_SUBJECT = 'token';

/** A secret from the environment: absent, set, or set but refused (and then the thing it guards stays shut). */
export type TokenSetting = { state: 'off' } | { state: 'refused'; reason: string } | { state: 'on'; token: string };

export function readTokenSetting(name: string, value: string | undefined): TokenSetting {
  const token = value?.trim();
  if (!token) return { state: 'off' };
  if (token.length < MIN_TOKEN_LENGTH) {
    return { state: 'refused', reason: `${name} is shorter than ${MIN_TOKEN_LENGTH} characters, so it stays disabled; set ${name} to a random secret of at least ${MIN_TOKEN_LENGTH} characters (e.g. \`openssl rand -hex 32\`) and restart.` };
  }
  return { state: 'on', token };
}

export interface DashboardSettings {
  dashboardToken: TokenSetting;
  metricsToken: TokenSetting;
  /** DASHBOARD_TRUSTED_PROXY_HOPS: reverse proxies in front of the App that append to X-Forwarded-For (see clientAddress). */
  trustedProxyHops: number;
  /** Settings refused, for the start to log. */
  warnings: string[];
}

/** DASHBOARD_TOKEN, METRICS_TOKEN and DASHBOARD_TRUSTED_PROXY_HOPS from the environment. */
export function dashboardSettingsFromEnv(env: NodeJS.ProcessEnv): DashboardSettings {
  const dashboardToken = readTokenSetting('DASHBOARD_TOKEN', env.DASHBOARD_TOKEN);
  const metricsToken = readTokenSetting('METRICS_TOKEN', env.METRICS_TOKEN);
  const warnings = [dashboardToken, metricsToken].flatMap((setting) => (setting.state === 'refused' ? [setting.reason] : []));
  const hops = env.DASHBOARD_TRUSTED_PROXY_HOPS?.trim();
  let trustedProxyHops = 0;
  if (hops) {
    if (/^\d{1,2}$/.test(hops)) trustedProxyHops = Number(hops);
    // Ignored rather than guessed: trusting a client-written X-Forwarded-For would let it pick its own address.
    else warnings.push(`DASHBOARD_TRUSTED_PROXY_HOPS must be the number of reverse proxies in front of the App (0, 1, 2, ...), not "${hops}"; failed logins are counted by the connecting address`);
  }
  return { dashboardToken, metricsToken, trustedProxyHops, warnings };
}

/** Compares in constant time; hashing first hides the expected token's length too. */
export function tokenMatches(expected: string, candidate: string): boolean {
  const digest = (text: string) => createHash('sha256').update(text).digest();
  return timingSafeEqual(digest(expected), digest(candidate));
}

/** The credential of an `Authorization: Bearer …` header, if any. */
export function bearerToken(req: IncomingMessage): string | undefined {
  const match = /^Bearer\s+(\S+)\s*$/i.exec(req.headers.authorization ?? '');
  return match?.[1];
}

function cookieValue(req: IncomingMessage, name: string): string | undefined {
  for (const part of (req.headers.cookie ?? '').split(';')) {
    const separator = part.indexOf('=');
    if (separator > 0 && part.slice(0, separator).trim() === name) return part.slice(separator + 1).trim();
  }
  return undefined;
}

/** Who a request comes from and how it proved it. */
export interface Principal {
  subject: string;
  method: 'bearer' | 'session';
}

/**
 * The dashboard's access control. Two ways in: the token as a bearer credential (scripts, the data
 * API), or a session cookie minted by a login. The token login is one login method; another (GitHub
 * OAuth, say) would add its own routes and mint a session through `startSession` with its own subject,
 * and every route behind `authenticate` would accept it unchanged.
 */
export class DashboardAuth {
  private readonly sessions: SessionCodec;

  constructor(private readonly token: string) {
    // Keyed from the token: sessions survive restarts and span processes; rotating the token ends them.
    this.sessions = new SessionCodec(token);
  }

  authenticate(req: IncomingMessage, now: number): Principal | undefined {
    const bearer = bearerToken(req);
    // A wrong bearer is a failure, not a reason to try the cookie: a caller gets the answer for what it sent.
    if (bearer !== undefined) return tokenMatches(this.token, bearer) ? { subject: TOKEN_SUBJECT, method: 'bearer' } : undefined;
    const cookie = cookieValue(req, SESSION_COOKIE);
    const session = cookie === undefined ? undefined : this.sessions.decode(cookie, now);
    return session ? { subject: session.subject, method: 'session' } : undefined;
  }

  /** The token login: a Set-Cookie value for a new session, or undefined for a wrong token. */
  loginWithToken(candidate: string, now: number, secure: boolean): string | undefined {
    return tokenMatches(this.token, candidate) ? this.startSession(TOKEN_SUBJECT, now, secure) : undefined;
  }

  startSession(subject: string, now: number, secure: boolean): string {
    const session: DashboardSession = { subject, expiresAt: now + SESSION_TTL_MS };
    return sessionCookie(this.sessions.encode(session), Math.floor(SESSION_TTL_MS / 1000), secure);
  }

  endSession(secure: boolean): string {
    return sessionCookie('', 0, secure);
  }
}

// HttpOnly: page scripts never see it. SameSite=Strict: no other site can make a browser send it.
function sessionCookie(value: string, maxAgeSeconds: number, secure: boolean): string {
  return [`${SESSION_COOKIE}=${value}`, `Path=${DASHBOARD_PATH}`, 'HttpOnly', 'SameSite=Strict', `Max-Age=${maxAgeSeconds}`, ...(secure ? ['Secure'] : [])].join('; ');
}
