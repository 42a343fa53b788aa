import { getTransformStream } from '@probot/pino';
import { pino, type Logger } from 'pino';
import type { Redact } from '../security/redact-secrets.js';

/**
 * The App's logger: probot's own (pino, formatted by @probot/pino, from the same LOG_* settings
 * probot reads), with every line redacted just before it is written. Probot, its HTTP log,
 * Octokit's request errors and riskgate's jobs all log through it.
 */
export async function redactingLogger(env: NodeJS.ProcessEnv, redact: Redact): Promise<Logger> {
  // probot's defaults: JSON in production, pretty otherwise, unless LOG_FORMAT says.
  const logFormat = env.LOG_FORMAT ? (env.LOG_FORMAT === 'pretty' ? 'pretty' : 'json') : env.NODE_ENV === 'production' ? 'json' : 'pretty';
  const transform = await getTransformStream({ logFormat, logLevelInString: env.LOG_LEVEL_IN_STRING === 'true', ...(env.SENTRY_DSN ? { sentryDsn: env.SENTRY_DSN } : {}) });
  // As probot does: SonicBoom writes to fd 1 (its types lack `writable`, which pipe never reads).
  transform.pipe(pino.destination(1) as unknown as NodeJS.WritableStream);
  return pino({ level: env.LOG_LEVEL || 'info', name: 'probot', messageKey: env.LOG_MESSAGE_KEY || 'msg', hooks: { streamWrite: redact } }, transform);
}
