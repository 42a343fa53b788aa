import { existsSync } from 'node:fs';
import { run } from 'probot';
import { AnthropicModel } from '../model/anthropic-model.js';
import { createCallLimiter } from '../run/call-limiter.js';
import { defaultResultDirectory, FileResultStore } from '../store/file-result-store.js';
import { inMemoryJobQueue } from './in-memory-job-queue.js';
import { riskgateApp } from './riskgate-app.js';

// Model calls in flight across every PR the process gates, and PRs gated at once.
const APP_MAX_CONCURRENT_CALLS = 12;
const APP_CONCURRENT_GATES = 4;

/** Reads the App's settings from the environment; missing or unsafe ones stop the start with a message. */
export function appSettingsFromEnv(env: NodeJS.ProcessEnv): { appId: number; apiKey?: string; baseURL?: string } {
  const problems: string[] = [];
  const appId = Number(env.APP_ID);
  if (!Number.isInteger(appId) || appId <= 0) problems.push('APP_ID must be the numeric id of the GitHub App (its settings page shows it)');
  if (!env.PRIVATE_KEY && !env.PRIVATE_KEY_PATH) problems.push("PRIVATE_KEY (the .pem's contents) or PRIVATE_KEY_PATH must be set");
  // probot falls back to the secret "development": anyone could then sign webhooks.
  if (!env.WEBHOOK_SECRET || env.WEBHOOK_SECRET === 'development') problems.push('WEBHOOK_SECRET must be set to the secret given when the App was registered');
  if (problems.length > 0) throw new Error(`riskgate App cannot start:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
  return { appId, ...(env.ANTHROPIC_API_KEY ? { apiKey: env.ANTHROPIC_API_KEY } : {}), ...(env.ANTHROPIC_BASE_URL ? { baseURL: env.ANTHROPIC_BASE_URL } : {}) };
}

/** No App yet: probot's registration flow from app.yml (it writes APP_ID, PRIVATE_KEY and WEBHOOK_SECRET to .env). */
export function needsRegistration(env: NodeJS.ProcessEnv): boolean {
  return !env.APP_ID && !env.PRIVATE_KEY && !env.PRIVATE_KEY_PATH && env.NODE_ENV !== 'production';
}

/**
 * `npm start`: the App on probot's server (port from PORT, webhooks at /api/github/webhooks), with
 * `.env` read first. Without any App settings, outside production, it serves the registration page.
 */
export async function startApp(env: NodeJS.ProcessEnv = process.env): Promise<void> {
  if (existsSync('.env')) process.loadEnvFile('.env');
  if (needsRegistration(env)) {
    console.log(`riskgate: no APP_ID yet; open http://localhost:${env.PORT ?? 3000} to register the App from app.yml, then run npm start again`);
    await run(() => undefined);
    return;
  }
  const settings = appSettingsFromEnv(env);
  const queue = inMemoryJobQueue({ concurrency: APP_CONCURRENT_GATES, onError: (error) => console.error('riskgate: a gate job failed:', error instanceof Error ? error.message : error) });
  if (!settings.apiKey) console.warn('riskgate: ANTHROPIC_API_KEY is not set; pull requests get the risk score only, and their checks say so');
  await run(
    riskgateApp({
      appId: settings.appId,
      queue,
      ...(settings.apiKey ? { model: new AnthropicModel({ apiKey: settings.apiKey, ...(settings.baseURL ? { baseURL: settings.baseURL } : {}) }) } : {}),
      store: new FileResultStore(defaultResultDirectory(env)),
      limiter: createCallLimiter(APP_MAX_CONCURRENT_CALLS),
    }),
  );
}
