import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { alertWebhookFromEnv, checkBudgetAlerts, type BudgetAlertOptions } from '../../src/app/budget-alerts.js';
import type { CallRecord } from '../../src/store/ledger.js';
import { SqliteStore } from '../../src/store/sqlite/sqlite-store.js';

const NOW = Date.UTC(2026, 0, 15, 12);
// A Slack incoming-webhook URL carries its token in the path: that part must never be logged.
const SECRET_PATH = '/services/T000/B000/XXXXsecretXXXXtokenXXXX';

function call(repository: string, usd: number): CallRecord {
  return {
    installationId: 7,
    repository,
    pullNumber: 1,
    headSha: 'a'.repeat(40),
    author: 'dev',
    at: NOW - 60_000,
    tier: 'standard',
    agent: 'review',
    model: 'claude-haiku-5-5',
    outcome: 'ok',
    usage: { inputTokens: 1, outputTokens: 1, cacheWrite5mTokens: 0, cacheWrite1hTokens: 0, cacheReadTokens: 0 },
    usd,
    strongUsd: usd,
    savedUsd: 0,
    latencyMs: 1,
  };
}

/** A webhook receiver: answers each POST with the next status given (then 200), keeping what it was sent. */
async function receiver(statuses: number[] = []): Promise<{ url: string; bodies: unknown[]; contentTypes: string[]; close(): Promise<void> }> {
  const bodies: unknown[] = [];
  const contentTypes: string[] = [];
  const server: Server = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')));
    req.on('end', () => {
      expect(req.method).toBe('POST');
      expect(req.url).toBe(SECRET_PATH);
      bodies.push(JSON.parse(body));
      contentTypes.push(req.headers['content-type'] ?? '');
      res.writeHead(statuses.shift() ?? 200).end('ok');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}${SECRET_PATH}`, bodies, contentTypes, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

describe('budget alerts to RISKGATE_ALERT_WEBHOOK_URL', () => {
  let directory: string;
  let store: SqliteStore;

  beforeAll(async () => {
    directory = await mkdtemp(join(tmpdir(), 'riskgate-budget-alerts-'));
    store = SqliteStore.inDataDirectory(directory);
  });

  afterAll(async () => {
    await store.close();
    await rm(directory, { recursive: true, force: true });
  });

  const optionsFor = (url: string, warnings: string[], over: Partial<BudgetAlertOptions> = {}): BudgetAlertOptions => ({
    url,
    limits: { installation: {}, repository: { day: 10 }, outsideAuthor: {} },
    ledger: store,
    sent: store,
    warn: (message) => warnings.push(message),
    now: () => NOW,
    retryDelayMs: 1,
    ...over,
  });

  it('posts {"text"} once per threshold and period, the highest passed, and not again after a restart', async () => {
    const hook = await receiver();
    const warnings: string[] = [];
    try {
      expect(await checkBudgetAlerts(optionsFor(hook.url, warnings))).toEqual([]);
      await store.recordCall(call('acme/api', 7.2));
      const first = await checkBudgetAlerts(optionsFor(hook.url, warnings));
      expect(first).toEqual(["riskgate: acme/api's daily budget passed 70%: 72% used ($7.20 of $10.00, $2.80 left); at this rate $14.40 by the end of the day."]);
      expect(hook.bodies).toEqual([{ text: first[0] }]);
      expect(hook.contentTypes).toEqual(['application/json']);
      // Looked at again: nothing new to say.
      expect(await checkBudgetAlerts(optionsFor(hook.url, warnings))).toEqual([]);

      // From 72% to 120% at once: one message, at 100%; 85% is not announced after it.
      await store.recordCall(call('acme/api', 4.8));
      const second = await checkBudgetAlerts(optionsFor(hook.url, warnings));
      expect(second).toHaveLength(1);
      expect(second[0]).toMatch(/^riskgate: acme\/api's daily budget is spent: 120% used/);

      // A restart (another connection to the same store) remembers what was sent.
      const reopened = SqliteStore.inDataDirectory(directory);
      try {
        expect(await checkBudgetAlerts(optionsFor(hook.url, warnings, { ledger: reopened, sent: reopened }))).toEqual([]);
        // The next day is a new period.
        const tomorrow = NOW + 24 * 60 * 60 * 1000;
        await reopened.recordCall({ ...call('acme/api', 8.6), at: tomorrow - 60_000 });
        expect(await checkBudgetAlerts(optionsFor(hook.url, warnings, { ledger: reopened, sent: reopened, now: () => tomorrow }))).toEqual([expect.stringMatching(/passed 85%: 86% used/)]);
      } finally {
        await reopened.close();
      }
      expect(hook.bodies).toHaveLength(3);
      expect(warnings).toEqual([]);
    } finally {
      await hook.close();
    }
  });

  it('retries a server error, and tells a refusal without the secret URL', async () => {
    const flaky = await receiver([503, 502]);
    const warnings: string[] = [];
    try {
      await store.recordCall(call('acme/flaky', 9));
      expect(await checkBudgetAlerts(optionsFor(flaky.url, warnings))).toHaveLength(1);
      expect(flaky.bodies).toHaveLength(3);
      expect(warnings).toEqual([]);
    } finally {
      await flaky.close();
    }

    const refusing = await receiver([404]);
    try {
      await store.recordCall(call('acme/refused', 9));
      expect(await checkBudgetAlerts(optionsFor(refusing.url, warnings))).toEqual([]);
      // A 404 will not get better: asked once.
      expect(refusing.bodies).toHaveLength(1);
    } finally {
      await refusing.close();
    }
    // Nobody listening at all.
    await store.recordCall(call('acme/unreachable', 9));
    await checkBudgetAlerts(optionsFor(refusing.url, warnings));
    expect(warnings).toHaveLength(2);
    expect(warnings[0]).toMatch(/^riskgate: the budget alert could not be posted to RISKGATE_ALERT_WEBHOOK_URL \(HTTP 404\); it is not repeated: riskgate: acme\/refused's daily budget/);
    expect(warnings[1]).toMatch(/acme\/unreachable/);
    for (const warning of warnings) expect(warning).not.toContain('secret');
  });

  it('reads the URL from the environment: absent is off, a non-URL stops the start without quoting it', () => {
    expect(alertWebhookFromEnv({})).toBeUndefined();
    expect(alertWebhookFromEnv({ RISKGATE_ALERT_WEBHOOK_URL: ' ' })).toBeUndefined();
    expect(alertWebhookFromEnv({ RISKGATE_ALERT_WEBHOOK_URL: 'https://hooks.example.com/x' })).toBe('https://hooks.example.com/x');
    expect(() => alertWebhookFromEnv({ RISKGATE_ALERT_WEBHOOK_URL: 'not a url secret-123' })).toThrow(/^RISKGATE_ALERT_WEBHOOK_URL must be an http\(s\) URL \(its value is a secret/);
    expect(() => alertWebhookFromEnv({ RISKGATE_ALERT_WEBHOOK_URL: 'ftp://secret-123@example.com' })).toThrow(/not ftp:/);
    try {
      alertWebhookFromEnv({ RISKGATE_ALERT_WEBHOOK_URL: 'ftp://secret-123@example.com' });
    } catch (error) {
      expect((error as Error).message).not.toContain('secret-123');
    }
  });
});
