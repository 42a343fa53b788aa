import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SpendSummary } from '../../src/spend/summarize-spend.js';
import { scriptAgents } from '../support/agent-script.js';
import { AnthropicTestServer } from '../support/anthropic-server.js';
import { GitRepo } from '../support/git-repo.js';
import { lines } from '../support/make-diff.js';
import { runCli } from '../support/run-cli.js';

const server = new AnthropicTestServer();
const repo = new GitRepo();
let dataDir: string;
const env = () => ({ ANTHROPIC_API_KEY: 'sk-test', ANTHROPIC_BASE_URL: server.url, RISKGATE_DATA_DIR: dataDir, DATABASE_URL: '' });

beforeAll(async () => {
  await server.start();
  server.respond = scriptAgents({});
  dataDir = mkdtempSync(join(tmpdir(), 'riskgate-spend-'));
  repo.write('src/app.ts', `${lines(20).join('\n')}\n`);
  repo.commit('initial');
  repo.write('src/app.ts', `${lines(30).join('\n')}\n`).write('src/db.ts', 'export const q = (id: string) => `SELECT * FROM t WHERE id = ${id}`;\n');
  repo.commit('Add a query');
});
afterAll(async () => {
  await server.stop();
  repo.cleanup();
  rmSync(dataDir, { recursive: true, force: true });
});

describe('riskgate spend', () => {
  it('says so when nothing is recorded yet', async () => {
    const run = await runCli(['spend'], { cwd: repo.dir, env: env() });
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('No model calls recorded in this range.');
    expect(run.stdout).toContain(join(dataDir, 'riskgate.db'));
  });

  it('sums what reviews spent, by repository, agent, model and tier, with routing and cache savings', async () => {
    const first = JSON.parse((await runCli(['review', '--json'], { cwd: repo.dir, env: env() })).stdout) as { costUsd: number; tier: string; agents: Array<{ agent: string; outcome: string }> };
    const paid = server.requests.length;
    expect(paid).toBeGreaterThan(0);
    await runCli(['review', '--json'], { cwd: repo.dir, env: env() }); // from the result cache

    const json = await runCli(['spend', '--json'], { cwd: repo.dir, env: env() });
    expect(json.stderr).toBe('');
    const summary = JSON.parse(json.stdout) as SpendSummary;
    expect(summary.totals.paidCalls).toBe(paid);
    expect(summary.totals.cachedCalls).toBe(paid);
    expect(summary.totals.usd).toBeCloseTo(first.costUsd, 10);
    expect(summary.totals.savedUsd).toBeCloseTo(first.costUsd, 10);
    // Everything on the strong model would have cost more than fast-model routing did.
    expect(summary.savedVsStrongUsd).toBeCloseTo(summary.totals.strongUsd - summary.totals.usd, 10);
    expect(summary.savedVsStrongUsd).toBeGreaterThan(0);
    expect(summary.byRepository.map((r) => r.group.repository)).toEqual([repo.dir.split('/').at(-1)]);
    expect(summary.byTier.map((r) => r.group.tier)).toEqual([first.tier]);
    expect(summary.byAgent.map((r) => r.group.agent).sort()).toEqual(first.agents.filter((a) => a.outcome === 'ok').map((a) => a.agent).sort());

    const text = await runCli(['spend'], { cwd: repo.dir, env: env() });
    expect(text.code).toBe(0);
    const plural = paid === 1 ? '' : 's';
    expect(text.stdout).toMatch(new RegExp(`spent +<?\\$[\\d.,]+ on ${paid} paid call${plural} \\(`));
    expect(text.stdout).toMatch(/routing by risk saved <?\$[\d.,]+ \(\d+\.\d%\)/);
    expect(text.stdout).toContain(`${paid} answer${plural} reused`);
    for (const heading of ['repository', 'agent', 'model', 'tier']) expect(text.stdout).toMatch(new RegExp(`^${heading} +calls +paid +cached`, 'm'));

    // A range before any call: nothing.
    const past = await runCli(['spend', '--since', '2020-01-01', '--until', '2020-01-31'], { cwd: repo.dir, env: env() });
    expect(past.stdout).toContain('No model calls recorded in this range.');
  });

  it('names a bad option with what it takes', async () => {
    const run = await runCli(['spend', '--since', 'yesterday'], { cwd: repo.dir, env: env() });
    expect(run.code).toBe(2);
    expect(run.stderr).toBe('riskgate: --since must be a date as YYYY-MM-DD (UTC), not "yesterday"\n');
    const repoFlag = await runCli(['spend', '--repo', 'nope'], { cwd: repo.dir, env: env() });
    expect(repoFlag.stderr).toBe('riskgate: --repo must be owner/name, not "nope"\n');
  });
});
