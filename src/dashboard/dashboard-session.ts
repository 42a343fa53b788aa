import { createHmac, timingSafeEqual } from 'node:crypto';

/** Who signed in, by which method, until when. */
export interface DashboardSession {
  /** `token` for the shared-token login; another method would name its user, e.g. `github:octocat`. */
  subject: string;
  /** Epoch milliseconds. */
  expiresAt: number;
}

const SIGNATURE_ALGORITHM = 'sha256';
// Separates the session key from any other use of the same secret.
const SESSION_KEY_CONTEXT = 'riskgate dashboard session v1';

/**
 * A session as a cookie value: `base64url(json).base64url(hmac)`. Stateless, so several App
 * processes behind one load balancer accept each other's sessions and a restart logs nobody out;
 * changing the secret it is keyed from logs everybody out.
 */
export class SessionCodec {
  private readonly key: Buffer;

  constructor(secret: string) {
    this.key = createHmac(SIGNATURE_ALGORITHM, secret).update(SESSION_KEY_CONTEXT).digest();
  }

  encode(session: DashboardSession): string {
    const payload = Buffer.from(JSON.stringify(session)).toString('base64url');
    return `${payload}.${this.sign(payload).toString('base64url')}`;
  }

  /** The session, or undefined when the value is malformed, forged or expired. */
  decode(value: string, now: number): DashboardSession | undefined {
    const [payload, signature, ...rest] = value.split('.');
    if (payload === undefined || signature === undefined || rest.length > 0) return undefined;
    const expected = this.sign(payload);
    const given = Buffer.from(signature, 'base64url');
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) return undefined;
    let session: unknown;
    try {
      session = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
    } catch {
      return undefined;
    }
    if (!isSession(session) || session.expiresAt <= now) return undefined;
    return session;
  }

  private sign(payload: string): Buffer {
    return createHmac(SIGNATURE_ALGORITHM, this.key).update(payload).digest();
  }
}

function isSession(value: unknown): value is DashboardSession {
  if (typeof value !== 'object' || value === null) return false;
  const { subject, expiresAt } = value as Record<string, unknown>;
  return typeof subject === 'string' && typeof expiresAt === 'number' && Number.isFinite(expiresAt);
}
