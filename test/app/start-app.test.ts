import { spawn } from 'node:child_process';
import { tmpdir } from 'node:os';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { appSettingsFromEnv, needsRegistration } from '../../src/app/start-app.js';

const LAUNCHER = fileURLToPath(new URL('../../bin/riskgate-app.js', import.meta.url));

describe('npm start', () => {
  it('refuses to start without its settings, naming each, and never with the "development" secret', async () => {
    const child = spawn(process.execPath, [LAUNCHER], { cwd: tmpdir(), env: { PATH: process.env.PATH, APP_ID: 'x', WEBHOOK_SECRET: 'development' } });
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    const code = await new Promise((resolve) => child.on('close', resolve));
    expect(code).toBe(1);
    expect(stderr).toContain('riskgate App cannot start');
    for (const name of ['APP_ID', 'PRIVATE_KEY', 'WEBHOOK_SECRET']) expect(stderr).toContain(name);
  });

  it('registers from app.yml only when no App is configured, and never in production', () => {
    expect(needsRegistration({})).toBe(true);
    expect(needsRegistration({ NODE_ENV: 'production' })).toBe(false);
    expect(needsRegistration({ APP_ID: '1' })).toBe(false);
  });

  it('reads a complete environment; the Anthropic key, queue limits and budgets are optional', () => {
    const base = { APP_ID: '42', PRIVATE_KEY: 'pem', WEBHOOK_SECRET: 's3cret' };
    expect(appSettingsFromEnv(base)).toEqual({
      appId: 42,
      queue: { concurrency: 4, perRepository: 2, leaseMs: 30_000, maxAttempts: 3 },
      budgets: { installation: {}, repository: {}, outsideAuthor: {} },
      work: true,
      throttle: true,
      scoreTimeoutMs: 60_000,
    });
    const tuned = appSettingsFromEnv({
      ...base,
      PRIVATE_KEY_PATH: 'k.pem',
      ANTHROPIC_API_KEY: 'sk',
      ANTHROPIC_BASE_URL: 'http://gw',
      RISKGATE_CONCURRENCY: '8',
      RISKGATE_REPO_CONCURRENCY: '1',
      RISKGATE_BUDGET_INSTALLATION_MONTH_USD: '500',
      RISKGATE_WORKER: 'off',
      RISKGATE_SCORE_TIMEOUT_SECONDS: '5',
    });
    expect(tuned).toMatchObject({ apiKey: 'sk', baseURL: 'http://gw', queue: { concurrency: 8, perRepository: 1 }, budgets: { installation: { month: 500 } }, work: false, scoreTimeoutMs: 5_000 });
    expect(() => appSettingsFromEnv({ APP_ID: 'abc', PRIVATE_KEY: 'pem', WEBHOOK_SECRET: 's' })).toThrow(/APP_ID must be the numeric id/);
  });

  it('names every bad queue, budget or switch setting with what it allows', () => {
    const bad = { APP_ID: '42', PRIVATE_KEY: 'pem', WEBHOOK_SECRET: 's3cret', RISKGATE_CONCURRENCY: '0', RISKGATE_BUDGET_REPOSITORY_DAY_USD: 'ten', RISKGATE_WORKER: 'maybe' };
    expect(() => appSettingsFromEnv(bad)).toThrow(
      [
        'riskgate App cannot start:',
        '  - RISKGATE_CONCURRENCY must be a whole number above 0, not "0"',
        '  - RISKGATE_BUDGET_REPOSITORY_DAY_USD must be a number of US dollars, 0 or more (for example 25 or 2.50), not "ten"',
        '  - RISKGATE_WORKER must be on or off, not "maybe"',
      ].join('\n'),
    );
  });
});
