import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { Redis } from 'ioredis';
import pg from 'pg';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { RiskgateStore } from '../../src/store/riskgate-store.js';
import { PostgresStore } from '../../src/store/postgres/postgres-store.js';
import { SqliteStore } from '../../src/store/sqlite/sqlite-store.js';
import { roleOf } from '../support/agent-script.js';
import { AnthropicTestServer } from '../support/anthropic-server.js';
import { APP_SECRET, startAppProcess, type AppProcess } from '../support/app-process.js';
import { AUTH_FILE, BASE_SHA, FOUND_SQL, HEAD_SHA, PR, REPO, STANDARD_CONFIG } from '../support/example-pull.js';
import { startGitHubServer, type GitHubServer } from '../support/github-server.js';
import { deliver, examplePayload } from '../support/webhooks.js';

// Kill -9 the App while a gate is half done (two agents answered and recorded, one still waiting
// for its model), start it again, and check what the issue asks: the check run completes once,
// each paid call is in the ledger once, and the job is not lost.

const APP_ID = 5151;
const POSTGRES = 'postgres://postgres@127.0.0.1:5432/test';
// A killed worker's lease runs out after this; the restarted process takes the job.
const LEASE_MS = '1000';

let github: GitHubServer;
const anthropic = new AnthropicTestServer();

beforeAll(async () => {
  github = await startGitHubServer({ appId: APP_ID });
  await anthropic.start();
});

afterAll(async () => {
  await github.close();
  await anthropic.stop();
});

beforeEach(() => {
  github.reset();
  anthropic.reset();
  github.addRepo(REPO);
  github.setPermission(REPO, 'Codertocat', 'write');
  github.setPull(REPO, { number: PR, headSha: HEAD_SHA, baseSha: BASE_SHA, title: 'Add login', body: 'Adds a login function.', user: { login: 'Codertocat' } });
  github.setPullFiles(REPO, PR, [AUTH_FILE]);
  github.setFile(REPO, 'main', '.github/riskgate.yml', STANDARD_CONFIG);
});

async function waitFor<T>(what: string, probe: () => Promise<T | undefined> | T | undefined, app: AppProcess, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}; the App printed:\n${app.output()}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

const umbrella = () => github.checkRuns(REPO).filter((c) => c.head_sha === HEAD_SHA && c.name === 'riskgate');
const paidByAgent = async (store: RiskgateStore) =>
  Object.fromEntries((await store.spend({ by: ['agent', 'outcome'] })).map((r) => [`${r.group.agent}:${r.group.outcome}`, r.calls]));

/** The scenario, for any backend: returns the jobs' attempts as the backend reports them. */
async function killMidRunAndRestart(env: Record<string, string>, store: RiskgateStore): Promise<void> {
  // The review agent's model takes far longer than the others: the run is half done while it waits.
  anthropic.respond = (body) => (roleOf(body) === 'review' ? { delayMs: 60_000 } : FOUND_SQL(body));
  const options = { appId: APP_ID, githubUrl: github.url, anthropicUrl: anthropic.url, env: { ...env, RISKGATE_JOB_LEASE_MS: LEASE_MS } };
  const first = await startAppProcess(options);
  const payload = examplePayload('pull_request', 'opened');
  payload.installation ??= { id: 1 };
  payload.pull_request.head.sha = HEAD_SHA;
  try {
    const delivery = await deliver(first.url, 'pull_request', payload, { secret: APP_SECRET });
    expect(delivery.status).toBe(200);
    // Security and tests answered and are in the ledger; review's call is still waiting.
    await waitFor('two agents recorded', async () => {
      const seen = await paidByAgent(store);
      return seen['security:ok'] === 1 && seen['tests:ok'] === 1 ? seen : undefined;
    }, first);
    expect(umbrella()).toHaveLength(1);
    expect(umbrella()[0]!.status).toBe('in_progress');
  } finally {
    await first.kill();
  }

  anthropic.respond = FOUND_SQL;
  const second = await startAppProcess(options);
  try {
    await waitFor('the gate to complete', () => umbrella()[0]?.status === 'completed', second);
    // Give a duplicate time to show itself, were there one.
    await new Promise((resolve) => setTimeout(resolve, 500));
    // The restarted process's own metrics saw the finished gate and the answers it reused;
    // the dashboard is shut without a token.
    const metrics = await (await fetch(`${second.url}/metrics`)).text();
    expect(metrics).toMatch(/^riskgate_gates_total\{tier="standard",conclusion="failure"\} 1$/m);
    expect(metrics).toMatch(/^riskgate_model_calls_total\{model="[^"]+",outcome="cached"\} 2$/m);
    expect(metrics).toMatch(/^riskgate_jobs_finished_total\{kind="gate",state="completed"\} 1$/m);
    expect((await fetch(`${second.url}/dashboard`)).status).toBe(404);
  } finally {
    await second.stop();
  }

  // The check run completed once: the same four checks, the umbrella concluded by exactly one write.
  const checks = github.checkRuns(REPO).filter((c) => c.head_sha === HEAD_SHA);
  expect(checks.map((c) => c.name).sort()).toEqual(['riskgate', 'riskgate / review', 'riskgate / security', 'riskgate / tests']);
  expect(umbrella()[0]!.conclusion).toBe('failure');
  const concluding = github.requests.filter((r) => r.method === 'PATCH' && r.path.endsWith(`/check-runs/${umbrella()[0]!.id}`) && (r.body as { conclusion?: string } | undefined)?.conclusion);
  expect(concluding).toHaveLength(1);
  expect(github.violations).toEqual([]);

  // No call paid twice: security and tests were asked once, then served from the result cache;
  // review was asked again because its first call never answered (nothing was billed for it).
  const asked = (role: string) => anthropic.requests.filter((r) => roleOf(r.body) === role);
  expect(asked('security')).toHaveLength(1);
  expect(asked('tests')).toHaveLength(1);
  expect(asked('review')).toHaveLength(2);
  expect(asked('review')[0]!.answeredAt).toBeUndefined();
  expect(asked('verify')).toHaveLength(1);
  // The ledger counts each answered call once, and the cache hits of the second attempt.
  expect(await paidByAgent(store)).toEqual({ 'review:ok': 1, 'security:ok': 1, 'security:cached': 1, 'tests:ok': 1, 'tests:cached': 1, 'verify:ok': 1 });
  const answered = anthropic.requests.filter((r) => r.finishedAt !== undefined).length;
  const [total] = await store.spend({ by: [] });
  expect(total!.paidCalls).toBe(answered);
  expect((await store.listRuns({ limit: 10 })).map((r) => [r.state, r.conclusion])).toEqual([['completed', 'failure']]);
}

describe('a worker killed mid-run', () => {
  it('embedded (SQLite): restarts, finishes the same check run once, pays no call twice, loses no job', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'riskgate-crash-'));
    const store = new SqliteStore(join(dataDir, 'riskgate.db'));
    try {
      await killMidRunAndRestart({ RISKGATE_DATA_DIR: dataDir }, store);
      const db = new Database(join(dataDir, 'riskgate.db'), { readonly: true });
      const jobs = db.prepare('select state, attempt from jobs').all();
      db.close();
      // One job, run twice (the attempt that died and the one that finished), completed.
      expect(jobs).toEqual([{ state: 'completed', attempt: 2 }]);
    } finally {
      await store.close();
      rmSync(dataDir, { recursive: true, force: true });
    }
  }, 90_000);

  it('scaled out (BullMQ on Redis, ledger on PostgreSQL): the same', async () => {
    const suffix = `${process.pid}_${Date.now()}`;
    const schema = `riskgate_crash_${suffix}`;
    const prefix = `riskgate-crash-${suffix}`;
    const admin = new pg.Client({ connectionString: POSTGRES });
    await admin.connect();
    await admin.query(`create schema ${schema}`);
    const databaseUrl = `${POSTGRES}?options=${encodeURIComponent(`-c search_path=${schema}`)}`;
    const store = await PostgresStore.open({ connectionString: POSTGRES, schema });
    const redis = new Redis('redis://127.0.0.1:6379');
    try {
      await killMidRunAndRestart({ REDIS_URL: 'redis://127.0.0.1:6379', RISKGATE_QUEUE_PREFIX: prefix, DATABASE_URL: databaseUrl }, store);
      // The job is BullMQ's: completed, none waiting, failed or stuck active.
      const keys = await redis.keys(`${prefix}:*`);
      const completed = keys.find((k) => k.endsWith(':completed'));
      expect(completed && (await redis.zcard(completed))).toBe(1);
      for (const state of ['wait', 'active', 'failed', 'delayed']) {
        const key = keys.find((k) => k.endsWith(`:${state}`));
        if (key) expect(await redis.type(key) === 'zset' ? await redis.zcard(key) : await redis.llen(key)).toBe(0);
      }
    } finally {
      await store.close();
      const keys = await redis.keys(`${prefix}:*`);
      if (keys.length > 0) await redis.del(...keys);
      redis.disconnect();
      await admin.query(`drop schema ${schema} cascade`);
      await admin.end();
    }
  }, 90_000);
});
