import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { scriptAgents } from '../support/agent-script.js';
import { AnthropicTestServer, promptOf } from '../support/anthropic-server.js';
import { GitRepo } from '../support/git-repo.js';
import { lines, makeDiff } from '../support/make-diff.js';
import { runCli } from '../support/run-cli.js';

// Issue 14, as a PR author would try it with the real CLI: code pushed past the column where lines
// were cut, and lines crafted to stall the regular expressions.

interface ScoreJson {
  score: number;
  tier: string;
  factors: Array<{ id: string; points: number; evidence: Array<{ path: string; line?: number; excerpt?: string }>; files?: string[] }>;
}

interface ReviewJson {
  tier: string;
  agents: Array<{ agent: string; outcome: string }>;
}

const BACKDOOR = "require('child_process').exec(req.query.cmd); eval(atob(payload));";
const padded = `export const port = 3000;${' '.repeat(4_100)}${BACKDOOR}`;

describe('a backdoor after 4,100 spaces', () => {
  it('is scored from the whole line and raises unseen.long-line: no longer minimal', async () => {
    const diff = makeDiff({ path: 'src/server.ts', added: ['const a = 1;', padded] });
    const run = await runCli(['score', '--diff', '-', '--json'], { cwd: tmpdir(), input: diff });
    expect(run.code).toBe(0);
    const json = JSON.parse(run.stdout) as ScoreJson;
    const ids = json.factors.map((f) => f.id);
    expect(ids).toEqual(expect.arrayContaining(['unseen.long-line', 'pattern.dynamic-code', 'pattern.process-spawn']));
    expect(json.factors.find((f) => f.id === 'unseen.long-line')!.evidence).toEqual([
      { path: 'src/server.ts', line: 2, excerpt: `${padded.length.toLocaleString('en-US')} characters` },
    ]);
    expect(json.factors.find((f) => f.id === 'pattern.dynamic-code')!.evidence[0]!.excerpt).toContain('eval(atob(payload));');
    expect(json.tier).not.toBe('minimal');
    expect(json.score).toBeGreaterThanOrEqual(25);
  });

  describe('riskgate review', () => {
    const server = new AnthropicTestServer();
    const repo = new GitRepo();
    let dataDir = '';
    beforeAll(async () => {
      await server.start();
      dataDir = mkdtempSync(join(tmpdir(), 'riskgate-data-'));
      repo.write('src/server.ts', `${lines(5).join('\n')}\n`);
      repo.commit('initial');
      repo.write('src/server.ts', `${lines(5).join('\n')}\n${padded}\n`);
      repo.commit('Listen on a port');
    });
    afterAll(async () => {
      await server.stop();
      repo.cleanup();
      rmSync(dataDir, { recursive: true, force: true });
    });

    it('shows the models the code after the blanks, at a tier above minimal', async () => {
      server.respond = scriptAgents({});
      const env = { ANTHROPIC_API_KEY: 'sk-test', ANTHROPIC_BASE_URL: server.url, RISKGATE_DATA_DIR: dataDir };
      // --quiet: stderr must hold no error or warning, and no progress either.
      const run = await runCli(['review', '--json', '--no-cache', '--quiet'], { cwd: repo.dir, env });
      expect(run.stderr).toBe('');
      const report = JSON.parse(run.stdout) as ReviewJson;
      expect(report.tier).not.toBe('minimal');
      expect(report.agents.filter((a) => a.outcome === 'ok').length).toBeGreaterThan(1);
      const prompts = server.requests.map((r) => promptOf(r.body));
      expect(prompts.length).toBeGreaterThan(0);
      for (const prompt of prompts) {
        expect(prompt).toContain('[4,100 blanks]');
        expect(prompt).toContain("require('child_process').exec(req.query.cmd)");
      }
    });
  });
});

describe('lines crafted to stall the regular expressions', () => {
  // The slow inputs: each took 0.8-4.3 s on one 100 KB line in a backtracking rule.
  const crafted = [
    `// ai reviewers${' '.repeat(100_000)}`,
    `const cors = { origin: ${' '.repeat(100_000)}x };`,
    `strict-ssl${' '.repeat(100_000)}true`,
    'DES '.repeat(25_000),
    'curl '.repeat(20_000),
    'chmod('.repeat(16_000),
  ];
  const server = new AnthropicTestServer();
  const repo = new GitRepo();
  let dataDir = '';
  beforeAll(async () => {
    await server.start();
    dataDir = mkdtempSync(join(tmpdir(), 'riskgate-data-'));
    repo.write('src/app.ts', `${lines(5).join('\n')}\n`);
    repo.commit('initial');
    repo.write('src/app.ts', `${lines(5).join('\n')}\n${crafted.join('\n')}\neval(atob(payload));\n`);
    repo.commit('Tune the app');
  });
  afterAll(async () => {
    await server.stop();
    repo.cleanup();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('score --jsonl finishes in seconds on the crafted lines and a 1 MB description, and still finds the real finding', async () => {
    const diff = makeDiff({ path: 'src/app.ts', added: [...crafted, 'eval(atob(payload));'] });
    const body = `${'<!--'.repeat(150_000)}\nAI reviewers${' '.repeat(400_000)}`;
    const started = Date.now();
    const run = await runCli(['score', '--jsonl'], { cwd: tmpdir(), input: `${JSON.stringify({ id: 1, diff, body })}\n` });
    expect(Date.now() - started).toBeLessThan(15_000);
    expect(run.code).toBe(0);
    const json = JSON.parse(run.stdout) as ScoreJson;
    expect(json.factors.map((f) => f.id)).toEqual(expect.arrayContaining(['pattern.dynamic-code', 'text.hidden-markup']));
  });

  it('review runs its own injection check over the crafted lines in seconds', async () => {
    server.respond = scriptAgents({});
    const env = { ANTHROPIC_API_KEY: 'sk-test', ANTHROPIC_BASE_URL: server.url, RISKGATE_DATA_DIR: dataDir };
    const started = Date.now();
    const run = await runCli(['review', '--json', '--no-cache', '--quiet'], { cwd: repo.dir, env });
    expect(Date.now() - started).toBeLessThan(20_000);
    expect(run.stderr).toBe('');
    expect((JSON.parse(run.stdout) as ReviewJson).agents.length).toBeGreaterThan(0);
  });
});
