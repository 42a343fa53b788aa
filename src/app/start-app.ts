import { existsSync, readFileSync } from 'node:fs';
import { ProbotOctokit, run } from 'probot';
import { z } from 'zod';
import { budgetLimitsFromEnv, hasAnyLimit, type BudgetLimits } from '../budget/budget-limits.js';
import { dashboardSettingsFromEnv } from '../dashboard/dashboard-auth.js';
import { dashboardHandler } from '../dashboard/dashboard-handler.js';
import { budgetRatiosOf } from '../budget/budget-status.js';
import { startBudgetAlerts } from './budget-alerts.js';
import { PrometheusMetrics } from '../metrics/prometheus-metrics.js';
import { openBreaker } from '../model/open-model-router.js';
import { openProviders } from '../model/open-providers.js';
import { DEFAULT_QUEUE_LIMITS, type QueueLimits } from '../queue/job-queue.js';
import { createCallLimiter } from '../run/call-limiter.js';
import { secretsFromEnv } from '../security/configured-secrets.js';
import { secretRedactor, type NamedSecret, type Redact } from '../security/redact-secrets.js';
import { withShortWriteTurns, type ThrottleOptions } from './github-write-turns.js';
import { openBackends } from './open-backends.js';
import { DEFAULT_SCORE_TIMEOUT_MS, workerPreparer } from './prepare-in-worker.js';
import { redactingLogger } from './redacting-logger.js';
import { riskgateApp } from './riskgate-app.js';
import { stateKeyFromEnv } from './state-key.js';

// Model calls in flight across every PR the process gates.
const APP_MAX_CONCURRENT_CALLS = 12;
// Cached answers unused this long are evicted (a rebase a month later pays again), checked this often.
const RESULT_RETENTION_MS = 30 * 24 * 60 * 60 * 1000;
const RESULT_PRUNE_INTERVAL_MS = 6 * 60 * 60 * 1000;

export interface AppSettings {
  appId: number;
  apiKey?: string;
  baseURL?: string;
  queue: QueueLimits;
  budgets: BudgetLimits;
  /** False for a web-only process: its jobs are worked by other processes sharing the queue. */
  work: boolean;
  /** False only against a local test server: GitHub asks for writes a second apart. */
  throttle: boolean;
  /** How long scoring one change may take on its worker thread before the change fails the gate. */
  scoreTimeoutMs: number;
}

function positiveInteger(env: NodeJS.ProcessEnv, name: string, fallback: number, problems: string[]): number {
  const raw = env[name];
  if (raw === undefined || raw.trim() === '') return fallback;
  const parsed = z.coerce.number().int().positive().safeParse(raw.trim());
  if (!parsed.success) {
    problems.push(`${name} must be a whole number above 0, not "${raw}"`);
    return fallback;
  }
  return parsed.data;
}

/** Reads the App's settings from the environment; missing or unsafe ones stop the start with a message naming each. */
export function appSettingsFromEnv(env: NodeJS.ProcessEnv): AppSettings {
  const problems: string[] = [];
  const appId = Number(env.APP_ID);
  if (!Number.isInteger(appId) || appId <= 0) problems.push('APP_ID must be the numeric id of the GitHub App (its settings page shows it)');
  if (!env.PRIVATE_KEY && !env.PRIVATE_KEY_PATH) problems.push("PRIVATE_KEY (the .pem's contents) or PRIVATE_KEY_PATH must be set");
  // probot falls back to the secret "development": anyone could then sign webhooks.
  if (!env.WEBHOOK_SECRET || env.WEBHOOK_SECRET === 'development') problems.push('WEBHOOK_SECRET must be set to the secret given when the App was registered');
  const queue: QueueLimits = {
    concurrency: positiveInteger(env, 'RISKGATE_CONCURRENCY', DEFAULT_QUEUE_LIMITS.concurrency, problems),
    perRepository: positiveInteger(env, 'RISKGATE_REPO_CONCURRENCY', DEFAULT_QUEUE_LIMITS.perRepository, problems),
    leaseMs: positiveInteger(env, 'RISKGATE_JOB_LEASE_MS', DEFAULT_QUEUE_LIMITS.leaseMs, problems),
    maxAttempts: positiveInteger(env, 'RISKGATE_JOB_ATTEMPTS', DEFAULT_QUEUE_LIMITS.maxAttempts, problems),
  };
  const scoreTimeoutMs = positiveInteger(env, 'RISKGATE_SCORE_TIMEOUT_SECONDS', DEFAULT_SCORE_TIMEOUT_MS / 1000, problems) * 1000;
  let budgets: BudgetLimits = { installation: {}, repository: {}, outsideAuthor: {} };
  try {
    budgets = budgetLimitsFromEnv(env);
  } catch (error) {
    problems.push((error as Error).message);
  }
  for (const [name, allowed] of [['RISKGATE_WORKER', ['on', 'off']], ['RISKGATE_GITHUB_THROTTLE', ['on', 'off']]] as const) {
    const value = env[name];
    if (value !== undefined && !(allowed as readonly string[]).includes(value)) problems.push(`${name} must be ${allowed.join(' or ')}, not "${value}"`);
  }
  if (problems.length > 0) throw new Error(`riskgate App cannot start:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
  return {
    appId,
    ...(env.ANTHROPIC_API_KEY ? { apiKey: env.ANTHROPIC_API_KEY } : {}),
    ...(env.ANTHROPIC_BASE_URL ? { baseURL: env.ANTHROPIC_BASE_URL } : {}),
    queue,
    budgets,
    work: env.RISKGATE_WORKER !== 'off',
    throttle: env.RISKGATE_GITHUB_THROTTLE !== 'off',
    scoreTimeoutMs,
  };
}

/** No App yet: probot's registration flow from app.yml (it writes APP_ID, PRIVATE_KEY and WEBHOOK_SECRET to .env). */
export function needsRegistration(env: NodeJS.ProcessEnv): boolean {
  return !env.APP_ID && !env.PRIVATE_KEY && !env.PRIVATE_KEY_PATH && env.NODE_ENV !== 'production';
}

/** The App's secrets: the environment's, and the private key's file when it is given by path. */
function appSecrets(env: NodeJS.ProcessEnv): NamedSecret[] {
  const secrets = secretsFromEnv(env);
  if (env.PRIVATE_KEY_PATH && existsSync(env.PRIVATE_KEY_PATH)) {
    try {
      secrets.push({ name: 'PRIVATE_KEY_PATH', value: readFileSync(env.PRIVATE_KEY_PATH, 'utf8') });
    } catch {
      // Unreadable: probot says so when it loads the key; the PEM shape is still redacted.
    }
  }
  return secrets;
}

/**
 * `npm start`: the App on probot's server (port from PORT, webhooks at /api/github/webhooks), with
 * `.env` read first. Without any App settings, outside production, it serves the registration page.
 * SIGTERM and SIGINT stop taking jobs and let running ones finish before the process exits.
 */
export async function startApp(env: NodeJS.ProcessEnv = process.env): Promise<void> {
  if (existsSync('.env')) process.loadEnvFile('.env');
  // Everything the App prints, logs or posts is redacted: errors may quote a secret an upstream echoed.
  const redact = secretRedactor(appSecrets(env));
  try {
    await startRedacted(env, redact);
  } catch (error) {
    // No `cause`: the original message is what may hold the secret.
    // eslint-disable-next-line preserve-caught-error
    throw new Error(redact(error instanceof Error ? error.message : String(error)));
  }
}

async function startRedacted(env: NodeJS.ProcessEnv, redact: Redact): Promise<void> {
  const say = (text: string) => redact(text);
  const why = (error: unknown) => redact(error instanceof Error ? error.message : String(error));
  if (needsRegistration(env)) {
    console.log(`riskgate: no APP_ID yet; open http://localhost:${env.PORT ?? 3000} to register the App from app.yml, then run npm start again`);
    await run(() => undefined);
    return;
  }
  const settings = appSettingsFromEnv(env);
  const stateKey = stateKeyFromEnv(env);
  const backends = await openBackends(env, settings.queue, (error) => console.error(`riskgate: queue trouble: ${why(error)}`));
  console.log(say(`riskgate: ${backends.description}${settings.work ? '' : ' (web only: RISKGATE_WORKER=off)'}`));
  // A wrong provider declaration stops the App here, naming every wrong variable.
  const breaker = await openBreaker(env, (message) => console.warn(say(`riskgate: ${message}`)));
  const model = openProviders(env, breaker.breaker);
  if (!model) console.warn('riskgate: no model provider: neither ANTHROPIC_API_KEY nor RISKGATE_PROVIDERS is set; pull requests get the risk score only, and their checks say so');
  if (hasAnyLimit(settings.budgets)) console.log(`riskgate: budgets ${JSON.stringify(settings.budgets)}`);
  const dashboard = dashboardSettingsFromEnv(env);
  for (const warning of dashboard.warnings) console.warn(say(`riskgate: ${warning}`));
  const metrics = new PrometheusMetrics(() => backends.queue.counts(), hasAnyLimit(settings.budgets) ? budgetRatiosOf(settings.budgets, backends.store) : undefined);
  startBudgetAlerts(env, settings.budgets, backends.store, (message) => console.warn(say(message)));
  const server = await run(
    riskgateApp({
      appId: settings.appId,
      queue: backends.queue,
      ...(model ? { model } : {}),
      store: backends.store,
      limiter: createCallLimiter(APP_MAX_CONCURRENT_CALLS),
      stateKey,
      budgets: settings.budgets,
      work: settings.work,
      metrics,
      // Scoring is CPU work on the change's content: off the event loop that answers webhooks.
      prepare: workerPreparer({ deadlineMs: settings.scoreTimeoutMs, workers: settings.queue.concurrency }),
      redact,
      routes: dashboardHandler({ source: backends.store, dashboardToken: dashboard.dashboardToken, metricsToken: dashboard.metricsToken, trustedProxyHops: dashboard.trustedProxyHops, metrics, budgets: settings.budgets, ...(env.GHE_HOST ? { githubUrl: `${env.GHE_PROTOCOL ?? 'https'}://${env.GHE_HOST}` } : {}) }),
    }),
    {
      log: await redactingLogger(env, redact),
      Octokit: ProbotOctokit.defaults((options: Record<string, unknown>) => ({
        ...options,
        // With REDIS_URL, a killed process's write turn blocks the installation's writes everywhere until it expires.
        throttle: settings.throttle ? withShortWriteTurns(options.throttle as ThrottleOptions | undefined) : { ...(options.throttle as object), enabled: false },
      })),
    },
  );
  const prune = () =>
    backends.store.pruneResults(RESULT_RETENTION_MS).then(
      (n) => n > 0 && console.log(`riskgate: evicted ${n} cached result(s) unused for 30 days`),
      (error: unknown) => console.warn(`riskgate: the result cache could not be pruned: ${why(error)}`),
    );
  void prune();
  setInterval(() => void prune(), RESULT_PRUNE_INTERVAL_MS).unref();
  const stop = async () => {
    await server.stop().catch(() => undefined);
    await backends.close();
    await breaker.close();
    process.exit(0);
  };
  process.once('SIGTERM', () => void stop());
}
