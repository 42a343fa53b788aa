import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { SpendSummary } from '../../src/spend/summarize-spend.js';
import { scriptAgents } from '../support/agent-script.js';
import { AnthropicTestServer } from '../support/anthropic-server.js';
import { GitRepo } from '../support/git-repo.js';
import { OpenAITestServer } from '../support/openai-server.js';
import { lines } from '../support/make-diff.js';
import { runCli } from '../support/run-cli.js';

// Two instances of the local Messages API stand for two providers: `a` first in every chain, `b` its fallback.
const serverA = new AnthropicTestServer();
const serverB = new AnthropicTestServer();
const overloaded = { status: 529, errorType: 'overloaded_error', message: 'Overloaded', headers: { 'retry-after-ms': '1' } };
const prefix = `riskgate-test-${process.pid}-${Date.now()}`;
let dataDir: string;

const CHAINS = [
  'models:',
  '  fast: a/claude-haiku-5-5',
  '  strong: a/claude-sonnet-5-5',
  '  fallback:',
  '    fast: [b/claude-haiku-5-5]',
  '    strong: [b/claude-sonnet-5-5]',
  '',
].join('\n');

function env(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  return {
    ANTHROPIC_API_KEY: '',
    RISKGATE_PROVIDERS: 'a,b',
    RISKGATE_PROVIDER_A_TYPE: 'anthropic',
    RISKGATE_PROVIDER_A_BASE_URL: serverA.url,
    RISKGATE_PROVIDER_A_API_KEY: 'sk-provider-a-secret-1',
    RISKGATE_PROVIDER_A_MAX_RETRIES: '1',
    RISKGATE_PROVIDER_B_TYPE: 'anthropic',
    RISKGATE_PROVIDER_B_BASE_URL: serverB.url,
    RISKGATE_PROVIDER_B_API_KEY: 'sk-provider-b-secret-2',
    RISKGATE_PROVIDER_B_MAX_RETRIES: '0',
    RISKGATE_DATA_DIR: dataDir,
    DATABASE_URL: '',
    REDIS_URL: '',
    ...extra,
  };
}

/** A repository whose base commit holds `config`, and a head that changes source code. */
function repoWith(config: string, change: (repo: GitRepo) => void): GitRepo {
  const repo = new GitRepo();
  repo.write('.github/riskgate.yml', config).write('src/app.ts', `${lines(20).join('\n')}\n`).write('README.md', 'Hello.\n');
  repo.commit('initial');
  change(repo);
  repo.commit('change');
  return repo;
}

interface ReviewJson {
  verdict: string;
  tier: string;
  costUsd: number;
  agents: Array<{ agent: string; outcome: string; provider?: string; model?: string; answeredModel?: string; fellBackFrom?: string[]; weakerFallback?: string; local?: boolean }>;
}

const repos: GitRepo[] = [];
beforeAll(async () => {
  await Promise.all([serverA.start(), serverB.start()]);
  dataDir = mkdtempSync(join(tmpdir(), 'riskgate-providers-'));
  repos.push(repoWith(CHAINS, (r) => r.write('src/app.ts', `${lines(30).join('\n')}\n`)));
});
afterAll(async () => {
  await Promise.all([serverA.stop(), serverB.stop()]);
  for (const repo of repos) repo.cleanup();
  rmSync(dataDir, { recursive: true, force: true });
  const redis = new Redis('redis://127.0.0.1:6379');
  const keys = await redis.keys(`${prefix}*`);
  if (keys.length) await redis.del(...keys);
  await redis.quit();
});
beforeEach(() => {
  serverA.reset();
  serverB.reset();
  serverA.respond = () => overloaded;
  serverB.respond = scriptAgents({});
});

describe('riskgate review across providers', () => {
  it('falls back to the second provider once the first has spent its retries on 529, and says who answered', async () => {
    const run = await runCli(['review', '--quiet', '--json', '--no-cache'], { cwd: repos[0]!.dir, env: env() });
    expect(run.stderr).toBe('');
    const report = JSON.parse(run.stdout) as ReviewJson;
    const ran = report.agents.filter((a) => a.outcome !== 'skipped');
    expect(ran.length).toBeGreaterThan(0);
    // One try and one retry on `a` per agent, then `b` answers.
    expect(serverA.requests).toHaveLength(2 * ran.length);
    expect(serverB.requests).toHaveLength(ran.length);
    for (const request of serverB.requests) expect(request.headers.authorization).toBe('Bearer sk-provider-b-secret-2');
    for (const agent of ran) {
      expect(agent.outcome).toBe('ok');
      expect(agent.provider).toBe('b');
      expect(agent.model).toMatch(/^b\/claude-(haiku|sonnet)-5-5$/);
      expect(agent.fellBackFrom).toEqual([`${agent.model!.replace(/^b\//, 'a/')}: overloaded`]);
      // The same model on another provider is not a weaker one.
      expect(agent.weakerFallback).toBeUndefined();
    }
    expect(report.verdict).toBe('pass');

    const text = await runCli(['review', '--quiet', '--no-cache'], { cwd: repos[0]!.dir, env: env() });
    expect(text.stdout).toMatch(/fell back to b\/claude-haiku-5-5 after a\/claude-haiku-5-5: overloaded/);
    expect(text.stdout).not.toContain('sk-provider');
  });

  it('a strong agent answered by a weaker fallback cannot pass on its silence', async () => {
    const repo = repoWith(CHAINS.replace('strong: [b/claude-sonnet-5-5]', 'strong: [b/claude-haiku-5-5]'), (r) => r.write('src/app.ts', `${lines(30).join('\n')}\n`));
    repos.push(repo);
    const run = await runCli(['review', '--quiet', '--json', '--no-cache', '--tier', 'full'], { cwd: repo.dir, env: env() });
    const report = JSON.parse(run.stdout) as ReviewJson & { reasons: string[] };
    const strong = report.agents.filter((a) => a.weakerFallback);
    expect(strong.length).toBeGreaterThan(0);
    expect(strong[0]!.model).toBe('b/claude-haiku-5-5');
    expect(report.verdict).toBe('error');
    // Could not decide: its own exit code, apart from usage and config errors.
    expect(run.code).toBe(3);
    expect(report.reasons.join('\n')).toContain("a weaker model's silence is not a pass");
  });

  it('records the provider that answered in the ledger, and a local-model tier at $0 as "local" in riskgate spend', async () => {
    const spendDir = mkdtempSync(join(tmpdir(), 'riskgate-providers-spend-'));
    const repo = repoWith(
      ['models:', '  local: b/qwen2.5-coder', 'tiers:', '  minimal:', '    agents: { review: local }', ''].join('\n'),
      (r) => r.write('README.md', 'Hello, world.\n'),
    );
    repos.push(repo);
    try {
      const withLedger = env({ RISKGATE_DATA_DIR: spendDir, ANTHROPIC_API_KEY: 'sk-ant-implicit-000', ANTHROPIC_BASE_URL: serverB.url });
      const run = await runCli(['review', '--quiet', '--json', '--no-cache'], { cwd: repo.dir, env: withLedger });
      const report = JSON.parse(run.stdout) as ReviewJson;
      expect(report.tier).toBe('minimal');
      expect(report.agents.find((a) => a.agent === 'review')).toMatchObject({ outcome: 'ok', provider: 'b', model: 'b/qwen2.5-coder', local: true });
      expect(report.costUsd).toBe(0);
      expect(serverB.requests.map((r) => r.body.model)).toEqual(['qwen2.5-coder']);

      const json = JSON.parse((await runCli(['spend', '--json'], { cwd: repo.dir, env: withLedger })).stdout) as SpendSummary;
      expect(json.byTier.map((r) => [r.group.tier, r.usd, r.paidCalls, r.localCalls])).toEqual([['minimal', 0, 1, 1]]);
      expect(json.byProvider.map((r) => r.group.provider)).toEqual(['b']);
      const text = (await runCli(['spend'], { cwd: repo.dir, env: withLedger })).stdout;
      expect(text).toMatch(/^minimal +1 +1 +0 .* local /m);
      expect(text).toMatch(/^b +1 +1 +0 .* local /m);
      expect(text).toContain('1 of them on local models at $0');
    } finally {
      rmSync(spendDir, { recursive: true, force: true });
    }
  });

  it('shares the circuit breaker between two processes through Redis', async () => {
    const shared = env({ REDIS_URL: 'redis://127.0.0.1:6379', RISKGATE_BREAKER_PREFIX: prefix, RISKGATE_BREAKER_FAILURES: '1', RISKGATE_BREAKER_OPEN_SECONDS: '120' });
    const first = JSON.parse((await runCli(['review', '--quiet', '--json', '--no-cache'], { cwd: repos[0]!.dir, env: shared })).stdout) as ReviewJson;
    expect(serverA.requests.length).toBeGreaterThan(0);
    expect(first.agents.filter((a) => a.outcome === 'ok').every((a) => a.provider === 'b')).toBe(true);

    // A second process: `a` failed in the first, so it is skipped without being asked.
    serverA.reset();
    serverA.respond = () => overloaded;
    const second = JSON.parse((await runCli(['review', '--quiet', '--json', '--no-cache'], { cwd: repos[0]!.dir, env: shared })).stdout) as ReviewJson;
    expect(serverA.requests).toHaveLength(0);
    const answered = second.agents.filter((a) => a.outcome === 'ok');
    expect(answered.length).toBeGreaterThan(0);
    for (const agent of answered) expect(agent.fellBackFrom).toEqual([`${agent.model!.replace(/^b\//, 'a/')}: skipped, provider "a" failed repeatedly in the last minute`]);

    // Without Redis each process counts alone: a third process asks `a` again.
    await runCli(['review', '--quiet', '--json', '--no-cache'], { cwd: repos[0]!.dir, env: { ...shared, REDIS_URL: '' } });
    expect(serverA.requests.length).toBeGreaterThan(0);
  });

  it('stops before any call on a wrong declaration or a config naming an undeclared provider', async () => {
    const wrong = await runCli(['review', '--quiet', '--no-cache'], { cwd: repos[0]!.dir, env: env({ RISKGATE_PROVIDER_A_TYPE: 'ollama', RISKGATE_PROVIDER_C_REGION: 'x' }) });
    expect(wrong.code).toBe(2);
    expect(wrong.stderr).toContain('RISKGATE_PROVIDER_A_TYPE: "ollama" is not a provider type (anthropic, bedrock, vertex, foundry, openai-compatible)');
    expect(wrong.stderr).toContain('RISKGATE_PROVIDER_C_REGION: no provider in RISKGATE_PROVIDERS (a, b) has this setting');
    const undeclared = await runCli(['review', '--quiet', '--no-cache'], { cwd: repos[0]!.dir, env: env({ RISKGATE_PROVIDERS: 'a', RISKGATE_PROVIDER_B_TYPE: '', RISKGATE_PROVIDER_B_BASE_URL: '', RISKGATE_PROVIDER_B_API_KEY: '', RISKGATE_PROVIDER_B_MAX_RETRIES: '' }) });
    expect(undeclared.code).toBe(2);
    expect(undeclared.stderr).toContain('models.fallback.strong[0]: "b/claude-sonnet-5-5" cannot be called: provider "b" is not declared in this environment (declared: a;');
    expect(serverA.requests).toHaveLength(0);
  });

  it('runs the minimal tier on a self-hosted OpenAI-compatible server declared as `local`, at $0', async () => {
    const openai = await new OpenAITestServer({ apiKey: 'local-key-7', schemaSupport: 'ignored', usage: 'plain' }).start();
    const spendDir = mkdtempSync(join(tmpdir(), 'riskgate-providers-openai-'));
    const repo = repoWith(
      ['models:', '  local: local/qwen2.5-coder', 'tiers:', '  minimal:', '    agents: { review: local }', ''].join('\n'),
      (r) => r.write('README.md', 'Hello, local model.\n'),
    );
    repos.push(repo);
    try {
      const local = env({
        RISKGATE_PROVIDERS: 'a,b,local',
        RISKGATE_PROVIDER_LOCAL_TYPE: 'openai-compatible',
        RISKGATE_PROVIDER_LOCAL_BASE_URL: openai.url,
        RISKGATE_PROVIDER_LOCAL_API_KEY: 'local-key-7',
        RISKGATE_DATA_DIR: spendDir,
        ANTHROPIC_API_KEY: 'sk-ant-implicit-000',
        ANTHROPIC_BASE_URL: serverB.url,
      });
      const run = await runCli(['review', '--quiet', '--json', '--no-cache'], { cwd: repo.dir, env: local });
      const report = JSON.parse(run.stdout) as ReviewJson;
      expect(report.tier).toBe('minimal');
      expect(report.agents.find((a) => a.agent === 'review')).toMatchObject({ outcome: 'ok', provider: 'local', model: 'local/qwen2.5-coder', local: true });
      expect(report.costUsd).toBe(0);
      // The server ignored the schema and answered prose first: the adapter retried once with the error.
      expect(openai.requests.map((r) => r.body.model)).toEqual(['qwen2.5-coder', 'qwen2.5-coder']);
      expect(openai.requests.every((r) => r.headers.authorization === 'Bearer local-key-7')).toBe(true);
      expect(serverA.requests).toHaveLength(0);
      expect(run.stdout).not.toContain('local-key-7');
    } finally {
      await openai.stop();
      rmSync(spendDir, { recursive: true, force: true });
    }
  });
});
