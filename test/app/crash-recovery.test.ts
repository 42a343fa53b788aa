import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { Redis } from 'ioredis';
import pg from 'pg';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { WRITE_TURN_EXPIRATION_MS } from '../../src/app/github-write-turns.js';
import type { RiskgateStore } from '../../src/store/riskgate-store.js';
import { PostgresStore } from '../../src/store/postgres/postgres-store.js';
import { SqliteStore } from '../../src/store/sqlite/sqlite-store.js';
import { roleOf } from '../support/agent-script.js';
import { AnthropicTestServer, type Fault } from '../support/anthropic-server.js';
import { APP_SECRET, startAppDeployment, type AppDeployment, type DeploymentMode, waitForApp } from '../support/app-process.js';
import { AUTH_FILE, BASE_SHA, FOUND_SQL, HEAD_SHA, PR, REPO, seedExamplePull } from '../support/example-pull.js';
import { startGitHubServer, type CheckRunRecord, type GitHubServer, type RecordedRequest } from '../support/github-server.js';
import { deliver, examplePayload } from '../support/webhooks.js';

// Kill -9 the App at the bad moments of a gate, start it again, and check what issue 14 asks:
// every check run of riskgate ends, one set of four per head, a superseded head's checks say so,
// every gate run finishes, and every call sent is in the ledger. Each scenario runs embedded (one
// process, SQLite) and scaled out (a web process and two workers, BullMQ on Redis, PostgreSQL).

const APP_ID = 5151;
const POSTGRES = 'postgres://postgres@127.0.0.1:5432/test';
const REDIS = 'redis://127.0.0.1:6379';
// A killed worker's lease runs out after this; a restarted or surviving worker takes the job.
const LEASE_MS = '1000';
const NEW_SHA = '9c3a8b1f2e4d5a6b7c8d9e0f1a2b3c4d5e6f7a8b';
const NAMES = ['riskgate', 'riskgate / review', 'riskgate / security', 'riskgate / tests'];
// A model call that does not answer while the test needs it in flight.
const HELD: Fault = { delayMs: 120_000 };

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
  seedExamplePull(github);
});

const waitFor = <T>(what: string, probe: () => Promise<T | undefined> | T | undefined, app: { output(): string }, timeoutMs = 45_000) => waitForApp(what, probe, app, timeoutMs);

const settle = () => new Promise((resolve) => setTimeout(resolve, 750));
/** riskgate's check runs on a head, oldest first. */
const checksOn = (sha: string): CheckRunRecord[] => github.checkRuns(REPO).filter((c) => c.head_sha === sha && c.app.id === APP_ID);
const newest = (sha: string, name: string) => checksOn(sha).filter((c) => c.name === name).at(-1);
const inProgress = () => github.checkRuns(REPO).filter((c) => c.app.id === APP_ID && c.status !== 'completed');
const asked = (role: string) => anthropic.requests.filter((r) => roleOf(r.body) === role);
const callsByAgent = async (store: RiskgateStore) =>
  Object.fromEntries((await store.spend({ by: ['agent', 'outcome'] })).map((r) => [`${r.group.agent}:${r.group.outcome}`, r.calls]));
const runStates = async (store: RiskgateStore) => (await store.listRuns({ limit: 10 })).map((r) => [r.headSha.slice(0, 7), r.state, r.conclusion]).sort();

function pullEvent(action: 'opened' | 'synchronize', headSha: string, before?: string) {
  const payload = examplePayload('pull_request', action);
  payload.installation ??= { id: 1 };
  payload.pull_request.head.sha = headSha;
  if (action === 'synchronize') Object.assign(payload, { before, after: headSha });
  return payload;
}

async function send(deployment: AppDeployment, payload: unknown): Promise<void> {
  const delivery = await deliver(await deployment.webUrl(), 'pull_request', payload, { secret: APP_SECRET });
  expect(delivery.status).toBe(200);
}

/** Each check concluded once, by one PATCH with a conclusion. */
function concludingWrites(check: CheckRunRecord) {
  return github.requests.filter((r) => r.method === 'PATCH' && r.path.endsWith(`/check-runs/${check.id}`) && (r.body as { conclusion?: string } | undefined)?.conclusion);
}

interface Backend {
  store: RiskgateStore;
  deployment: AppDeployment;
  /** The states of the queue's jobs. */
  jobs(): Promise<string[]>;
}

/** Starts the App in `mode` on fresh storage, runs the scenario, and tears it all down. */
async function withApp(mode: DeploymentMode, env: Record<string, string>, scenario: (backend: Backend) => Promise<void>): Promise<void> {
  const cleanups: Array<() => Promise<unknown> | unknown> = [];
  try {
    let store: RiskgateStore;
    let backendEnv: Record<string, string>;
    let jobs: Backend['jobs'];
    if (mode === 'embedded') {
      const dataDir = mkdtempSync(join(tmpdir(), 'riskgate-crash-'));
      cleanups.push(() => rmSync(dataDir, { recursive: true, force: true }));
      store = new SqliteStore(join(dataDir, 'riskgate.db'));
      backendEnv = { RISKGATE_DATA_DIR: dataDir };
      jobs = async () => {
        const db = new Database(join(dataDir, 'riskgate.db'), { readonly: true });
        try {
          return (db.prepare('select state from jobs order by id').all() as { state: string }[]).map((j) => j.state);
        } finally {
          db.close();
        }
      };
    } else {
      const suffix = `${process.pid}_${Date.now()}`;
      const schema = `riskgate_crash_${suffix}`;
      const prefix = `riskgate-crash-${suffix}`;
      const admin = new pg.Client({ connectionString: POSTGRES });
      await admin.connect();
      await admin.query(`create schema ${schema}`);
      cleanups.push(async () => {
        await admin.query(`drop schema ${schema} cascade`);
        await admin.end();
      });
      const redis = new Redis(REDIS);
      cleanups.push(async () => {
        const keys = await redis.keys(`${prefix}:*`);
        if (keys.length > 0) await redis.del(...keys);
        redis.disconnect();
      });
      store = await PostgresStore.open({ connectionString: POSTGRES, schema });
      backendEnv = { REDIS_URL: REDIS, RISKGATE_QUEUE_PREFIX: prefix, DATABASE_URL: `${POSTGRES}?options=${encodeURIComponent(`-c search_path=${schema}`)}` };
      // BullMQ's own sets and lists: a job in none of wait, active, delayed is neither lost nor stuck.
      jobs = async () => {
        const out: string[] = [];
        for (const state of ['completed', 'failed', 'wait', 'active', 'delayed']) {
          const key = `${prefix}:gates:${state}`;
          const type = await redis.type(key);
          const count = type === 'zset' ? await redis.zcard(key) : type === 'list' ? await redis.llen(key) : 0;
          for (let i = 0; i < count; i++) out.push(state);
        }
        return out;
      };
    }
    cleanups.unshift(() => store.close());
    const deployment = await startAppDeployment({
      mode,
      appId: APP_ID,
      anthropicUrl: anthropic.url,
      githubUrlFor: () => github.openExtraPort(),
      env: { ...backendEnv, RISKGATE_JOB_LEASE_MS: LEASE_MS, ...env },
    });
    cleanups.unshift(() => deployment.stop());
    await scenario({ store, deployment, jobs });
    expect(github.violations).toEqual([]);
  } finally {
    for (const cleanup of cleanups) await cleanup();
  }
}

describe.each<DeploymentMode>(['embedded', 'scaled'])('kill -9 while gating (%s)', (mode) => {
  it('mid model call: restarts, finishes the same check runs once, records the cut-off call, pays no answer twice', async () => {
    await withApp(mode, {}, async ({ store, deployment, jobs }) => {
      // The review agent's model takes far longer than the others: the run is half done while it waits.
      anthropic.respond = (body) => (roleOf(body) === 'review' ? HELD : FOUND_SQL(body));
      await send(deployment, pullEvent('opened', HEAD_SHA));
      // Security and tests answered and are in the ledger; review's call is still waiting.
      await waitFor('two agents recorded', async () => {
        const seen = await callsByAgent(store);
        return seen['security:ok'] === 1 && seen['tests:ok'] === 1 ? seen : undefined;
      }, deployment);
      expect(newest(HEAD_SHA, 'riskgate')!.status).toBe('in_progress');
      await deployment.kill();

      anthropic.respond = FOUND_SQL;
      await deployment.restart();
      await waitFor('the gate to complete', () => newest(HEAD_SHA, 'riskgate')?.status === 'completed', deployment);
      // Give a duplicate time to show itself, were there one.
      await settle();
      const metrics = (await Promise.all([...deployment.workers.values()].map(async (app) => (await fetch(`${app.url}/metrics`)).text()))).join('\n');
      expect(metrics).toMatch(/^riskgate_gates_total\{tier="standard",conclusion="failure"\} 1$/m);
      expect(metrics).toMatch(/^riskgate_model_calls_total\{model="[^"]+",outcome="cached"\} 2$/m);
      expect(metrics).toMatch(/^riskgate_jobs_finished_total\{kind="gate",state="completed"\} 1$/m);
      expect((await fetch(`${[...deployment.workers.values()][0]!.url}/dashboard`)).status).toBe(404);

      // The check runs completed once: the same four checks, the umbrella concluded by exactly one write.
      expect(checksOn(HEAD_SHA).map((c) => c.name).sort()).toEqual(NAMES);
      expect(inProgress()).toEqual([]);
      expect(newest(HEAD_SHA, 'riskgate')!.conclusion).toBe('failure');
      expect(concludingWrites(newest(HEAD_SHA, 'riskgate')!)).toHaveLength(1);

      // No answer paid twice: security and tests were asked once, then served from the result
      // cache; review was asked again because its first call never answered.
      expect(asked('security')).toHaveLength(1);
      expect(asked('tests')).toHaveLength(1);
      expect(asked('review')).toHaveLength(2);
      expect(asked('review')[0]!.answeredAt).toBeUndefined();
      expect(asked('verify')).toHaveLength(1);
      // The ledger has every call sent: the one the crash cut off as cancelled, with the prompt it
      // sent (the API may bill it), each answer once, and the cache hits of the second attempt.
      expect(await callsByAgent(store)).toEqual({ 'review:cancelled': 1, 'review:ok': 1, 'security:ok': 1, 'security:cached': 1, 'tests:ok': 1, 'tests:cached': 1, 'verify:ok': 1 });
      const [cancelled] = await store.spend({ by: ['outcome'] }).then((rows) => rows.filter((r) => r.group.outcome === 'cancelled'));
      expect(cancelled!.usage.inputTokens + cancelled!.usage.cacheWrite5mTokens + cancelled!.usage.cacheReadTokens).toBeGreaterThan(0);
      expect(cancelled!.usage.outputTokens).toBe(0);
      const [total] = await store.spend({ by: [] });
      expect(total!.paidCalls).toBe(anthropic.requests.filter((r) => r.finishedAt !== undefined).length + 1);
      expect(await runStates(store)).toEqual([[HEAD_SHA.slice(0, 7), 'completed', 'failure']]);
      // One job, run twice (the attempt that died and the one that finished), completed.
      expect(await jobs()).toEqual(['completed']);
    });
  }, 150_000);

  it('between GitHub creating the umbrella and the App hearing its id: the retry takes it over, one set of four', async () => {
    await withApp(mode, {}, async ({ store, deployment }) => {
      anthropic.respond = FOUND_SQL;
      // GitHub creates the umbrella (the only check a run opens), and the App dies before it hears its id.
      const held = github.holdNext('POST', /\/check-runs$/);
      await send(deployment, pullEvent('opened', HEAD_SHA));
      let request: RecordedRequest | undefined;
      void held.reached.then((r) => (request = r));
      await waitFor('the umbrella to be created', () => request, deployment);
      expect(checksOn(HEAD_SHA).map((c) => [c.name, c.status])).toEqual([['riskgate', 'in_progress']]);
      await deployment.kill([deployment.workerOnPort(request!.port)!]);
      held.release();

      await deployment.restart();
      await waitFor('the gate to complete', () => newest(HEAD_SHA, 'riskgate')?.status === 'completed', deployment);
      await settle();
      expect(checksOn(HEAD_SHA).map((c) => c.name).sort()).toEqual(NAMES);
      expect(inProgress()).toEqual([]);
      expect(newest(HEAD_SHA, 'riskgate')!.conclusion).toBe('failure');
      expect(await runStates(store)).toEqual([[HEAD_SHA.slice(0, 7), 'completed', 'failure']]);
    });
  }, 150_000);

  it('then a newer head arrives before the restart: the dead run\'s checks close as superseded, its gate run finishes', async () => {
    await withApp(mode, {}, async ({ store, deployment }) => {
      anthropic.respond = (body) => (roleOf(body) === 'review' ? HELD : FOUND_SQL(body));
      await send(deployment, pullEvent('opened', HEAD_SHA));
      // A run opens the umbrella alone; the agent checks are created when it publishes.
      await waitFor('the umbrella open and the review call in flight', () => checksOn(HEAD_SHA).length === 1 && asked('review').length === 1, deployment);
      await deployment.kill();

      // The push reaches the App (its web process, or one started on the same data) while no worker runs.
      github.setHead(REPO, PR, NEW_SHA);
      await send(deployment, pullEvent('synchronize', NEW_SHA, HEAD_SHA));
      anthropic.respond = FOUND_SQL;
      await deployment.restart();

      await waitFor('the new head to be gated', () => newest(NEW_SHA, 'riskgate')?.status === 'completed', deployment);
      await waitFor('the old head\'s checks to close', () => checksOn(HEAD_SHA).every((c) => c.status === 'completed') || undefined, deployment, 5_000).catch(() => undefined);
      await settle();
      expect(inProgress()).toEqual([]);
      expect(checksOn(HEAD_SHA).map((c) => [c.name, c.conclusion, c.output.title])).toEqual(NAMES.map((name) => [name, 'cancelled', `Superseded by ${NEW_SHA.slice(0, 7)}`]));
      expect(checksOn(NEW_SHA).map((c) => c.name).sort()).toEqual(NAMES);
      expect(newest(NEW_SHA, 'riskgate')!.conclusion).toBe('failure');
      expect(await runStates(store)).toEqual([
        [NEW_SHA.slice(0, 7), 'completed', 'failure'],
        [HEAD_SHA.slice(0, 7), 'superseded', 'cancelled'],
      ].sort());
      // The call the crash cut off is on record.
      expect((await callsByAgent(store))['review:cancelled']).toBe(1);
    });
  }, 150_000);

  it('when superseded while running: the cancelled model call is in the ledger with the prompt it sent', async () => {
    await withApp(mode, {}, async ({ store, deployment }) => {
      anthropic.respond = (body) => (roleOf(body) === 'review' ? HELD : FOUND_SQL(body));
      await send(deployment, pullEvent('opened', HEAD_SHA));
      await waitFor('the review call in flight', () => asked('review').length === 1, deployment);
      github.setHead(REPO, PR, NEW_SHA);
      anthropic.respond = FOUND_SQL;
      await send(deployment, pullEvent('synchronize', NEW_SHA, HEAD_SHA));

      await waitFor('both heads to end', () => newest(NEW_SHA, 'riskgate')?.status === 'completed' && newest(HEAD_SHA, 'riskgate')?.status === 'completed', deployment);
      expect(newest(HEAD_SHA, 'riskgate')!.conclusion).toBe('cancelled');
      const cancelled = (await store.spend({ by: ['agent', 'outcome'] })).find((r) => r.group.agent === 'review' && r.group.outcome === 'cancelled');
      expect(cancelled?.calls).toBe(1);
      expect(cancelled!.usage.inputTokens + cancelled!.usage.cacheWrite5mTokens + cancelled!.usage.cacheReadTokens).toBeGreaterThan(0);
      expect(cancelled!.usd).toBeGreaterThan(0);
    });
  }, 150_000);

  it('on every attempt: the checks conclude failure, saying riskgate failed that many times on this change', async () => {
    await withApp(mode, { RISKGATE_JOB_ATTEMPTS: '2' }, async ({ store, deployment, jobs }) => {
      // The review call never answers, and the worker dies while it waits, twice.
      anthropic.respond = (body) => (roleOf(body) === 'review' ? HELD : FOUND_SQL(body));
      await send(deployment, pullEvent('opened', HEAD_SHA));
      for (const attempt of [1, 2]) {
        await waitFor(`attempt ${attempt}'s review call`, () => asked('review').length === attempt, deployment);
        await deployment.kill();
        await deployment.restart();
      }

      await waitFor('the checks to end', () => (checksOn(HEAD_SHA).length > 0 && inProgress().length === 0) || undefined, deployment);
      await settle();
      expect(checksOn(HEAD_SHA).map((c) => [c.name, c.status, c.conclusion, c.output.title])).toEqual(
        NAMES.map((name) => [name, 'completed', 'failure', 'riskgate failed 2 times on this change']),
      );
      expect(newest(HEAD_SHA, 'riskgate')!.output.summary).toContain('riskgate stopped 2 times while gating it');
      expect(await runStates(store)).toEqual([[HEAD_SHA.slice(0, 7), 'errored', 'failure']]);
      expect(await jobs()).toEqual(['failed']);
      // Both cut-off calls are on record.
      expect((await callsByAgent(store))['review:cancelled']).toBe(2);
    });
  }, 150_000);
});

describe('a worker killed while it holds its installation\'s GitHub write turn (REDIS_URL)', () => {
  it('stalls the writes of the other processes only until the turn expires, after WRITE_TURN_EXPIRATION_MS, not 60 s', async () => {
    // Throttled as in production; an installation of its own, so its turns in Redis are this test's.
    const installation = 900_000 + Math.floor(Math.random() * 99_999);
    const turns = `b_octokit-write-${installation}_job_expirations`;
    const OTHER_PR = PR + 1;
    const OTHER_SHA = 'b'.repeat(40);
    github.setPull(REPO, { number: OTHER_PR, headSha: OTHER_SHA, baseSha: BASE_SHA, title: 'More', body: '', user: { login: 'Codertocat' } });
    github.setPullFiles(REPO, OTHER_PR, [AUTH_FILE]);
    anthropic.respond = FOUND_SQL;
    const redis = new Redis(REDIS);
    const event = (pull: number, sha: string) => {
      const payload = pullEvent('opened', sha);
      payload.pull_request.number = pull;
      payload.installation = { id: installation };
      return payload;
    };
    try {
      await withApp('scaled', { RISKGATE_GITHUB_THROTTLE: 'on' }, async ({ deployment }) => {
        await deployment.kill(['worker-2']);
        await send(deployment, event(PR, HEAD_SHA));
        // The first check run is written; the next write takes the turn and waits out the second between writes.
        await waitFor('the first write', () => checksOn(HEAD_SHA).length > 0, deployment);
        const held = await waitFor('a write turn held in Redis', async () => {
          const [, score] = await redis.zrange(turns, 0, 0, 'WITHSCORES');
          return score === undefined ? undefined : { expiresAt: Number(score), seenAt: Date.now() };
        }, deployment);
        await deployment.kill(['worker-1']);
        const killedAt = Date.now();
        // How long the dead process's turn blocks every other one: the plugin's 60 s before.
        expect(held.expiresAt - held.seenAt).toBeLessThanOrEqual(WRITE_TURN_EXPIRATION_MS);

        await deployment.restart();
        await send(deployment, event(OTHER_PR, OTHER_SHA));
        await waitFor("another process's write", () => checksOn(OTHER_SHA).length > 0, deployment, 40_000);
        console.log(`write turn: the next write of the installation came ${Date.now() - killedAt} ms after the kill`);
      });
    } finally {
      const keys = [...(await redis.keys(`b_octokit-write-${installation}_*`)), ...(await redis.keys(`b_octokit-notifications-${installation}_*`))];
      if (keys.length > 0) await redis.del(...keys);
      redis.disconnect();
    }
  }, 150_000);
});
