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

  it('reads a complete environment; the Anthropic key is optional', () => {
    expect(appSettingsFromEnv({ APP_ID: '42', PRIVATE_KEY: 'pem', WEBHOOK_SECRET: 's3cret' })).toEqual({ appId: 42 });
    expect(appSettingsFromEnv({ APP_ID: '42', PRIVATE_KEY_PATH: 'k.pem', WEBHOOK_SECRET: 's3cret', ANTHROPIC_API_KEY: 'sk', ANTHROPIC_BASE_URL: 'http://gw' })).toEqual({ appId: 42, apiKey: 'sk', baseURL: 'http://gw' });
    expect(() => appSettingsFromEnv({ APP_ID: 'abc', PRIVATE_KEY: 'pem', WEBHOOK_SECRET: 's' })).toThrow(/APP_ID must be the numeric id/);
  });
});
