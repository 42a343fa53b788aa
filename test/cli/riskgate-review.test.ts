import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { answer, roleOf, scriptAgents } from '../support/agent-script.js';
import { AnthropicTestServer } from '../support/anthropic-server.js';
import { GitRepo } from '../support/git-repo.js';
import { lines } from '../support/make-diff.js';
import { runCli } from '../support/run-cli.js';

interface ReviewJson {
  verdict: string;
  tier: string;
  findings: Array<{ agent: string; severity: string; path: string; startLine: number; title: string }>;
  agents: Array<{ agent: string; outcome: string; model?: string; fromCache: boolean; usd: number; usage: { cacheReadTokens: number } }>;
  costUsd: number;
  savedUsd: number;
  cacheHitRatio: number;
}

const server = new AnthropicTestServer();
const repo = new GitRepo();
let dataDir: string;
/** The report as one line per paragraph: the terminal table wraps long lines at 100 columns. */
const flat = (text: string) => text.replace(/\n {2,}/g, ' ');
/** Progress lines only on stderr ("riskgate review: ..."), no error ("riskgate: ..."). */
const noErrors = (stderr: string) => expect(stderr.split('\n').filter((l) => l !== '' && !l.startsWith('riskgate review: '))).toEqual([]);
const env = () => ({ ANTHROPIC_API_KEY: 'sk-test', ANTHROPIC_BASE_URL: server.url, RISKGATE_DATA_DIR: dataDir });

beforeAll(async () => {
  await server.start();
  dataDir = mkdtempSync(join(tmpdir(), 'riskgate-data-'));
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
afterEach(() => server.reset());

describe('riskgate review', () => {
  it('--dry-run prints the plan and the estimate from the real prompt, calls no model and needs no key', async () => {
    const run = await runCli(['review', '--dry-run', '--tier', 'thorough'], { cwd: repo.dir, env: { ANTHROPIC_API_KEY: '' } });
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/tier thorough/);
    expect(run.stdout).toMatch(/review \(claude-sonnet-5-5\), security \(claude-sonnet-5-5\), tests \(claude-haiku-5-5\)/);
    expect(run.stdout).toMatch(/2 files shown, [\d,]+ tokens in the shared cached prefix/);
    expect(run.stdout).toContain('No model was called.');
    expect(server.requests).toHaveLength(0);
  });

  it('without an API key says how to provide one and exits 2', async () => {
    const run = await runCli(['review'], { cwd: repo.dir, env: { ANTHROPIC_API_KEY: '' } });
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/set ANTHROPIC_API_KEY/);
    expect(run.stderr).toMatch(/--dry-run/);
  });

  it('exits 1 on a blocking finding and prints it with the per-agent outcome, tokens and dollars', async () => {
    server.respond = scriptAgents({
      security: answer([{ severity: 'blocker', confidence: 0.95, path: 'src/db.ts', start_line: 1, end_line: 1, title: 'SQL built from the id parameter', explanation: 'Injection.' }]),
    });
    const run = await runCli(['review', '--tier', 'full', '--no-cache'], { cwd: repo.dir, env: env() });
    noErrors(run.stderr);
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(/BLOCKER +security +src\/db\.ts:1 +SQL built from the id parameter/);
    expect(run.stdout).toMatch(/review +ok +claude-sonnet-5-5/);
    expect(run.stdout).toMatch(/Total: (?:<\$0\.001|\$[\d,.]+), cache hit ratio \d+%/);
    expect(run.stdout).toMatch(/Verdict: fail/);
  });

  it('--json gives findings, per-agent usage and cost, and the total; a re-run comes from the result cache', async () => {
    server.respond = scriptAgents({});
    const first = await runCli(['review', '--json'], { cwd: repo.dir, env: env() });
    noErrors(first.stderr);
    expect(first.code).toBe(0);
    const report = JSON.parse(first.stdout) as ReviewJson;
    expect(report.verdict).toBe('pass');
    const ran = report.agents.filter((a) => a.outcome === 'ok');
    expect(ran.length).toBe(server.requests.length);
    expect(report.costUsd).toBeCloseTo(ran.reduce((s, a) => s + a.usd, 0), 10);
    expect(report.costUsd).toBeGreaterThan(0);

    server.requests.length = 0;
    const second = JSON.parse((await runCli(['review', '--json'], { cwd: repo.dir, env: env() })).stdout) as ReviewJson;
    expect(server.requests).toHaveLength(0);
    expect(second.costUsd).toBe(0);
    expect(second.savedUsd).toBeCloseTo(report.costUsd, 10);
    expect(second.agents.filter((a) => a.outcome === 'ok').every((a) => a.fromCache)).toBe(true);
  });

  it('exits 3 (could not decide) when the model API is down, naming the failure', async () => {
    server.respond = (body) => (roleOf(body) ? { status: 529, headers: { 'retry-after-ms': '5' } } : undefined);
    const run = await runCli(['review', '--no-cache'], { cwd: repo.dir, env: env() });
    expect(run.code).toBe(3);
    expect(run.stdout).toMatch(/review +failed/);
    expect(run.stdout).toMatch(/overloaded/);
    expect(run.stdout).toMatch(/Verdict: error/);
  });

  it('keeps the valid blocker of an answer with 51 valid findings, a 201-character title and a bad severity, says what it dropped, and exits 1', async () => {
    const note = (i: number) => ({ severity: 'note' as const, confidence: 0.9, path: 'src/app.ts', start_line: 21 + (i % 10), end_line: 21 + (i % 10), title: `Nit ${i}`, explanation: 'Style.' });
    const blocker = { severity: 'blocker' as const, confidence: 0.95, path: 'src/db.ts', start_line: 1, end_line: 1, title: `SQL built from the id parameter ${'x'.repeat(169)}`, explanation: 'Injection.' };
    const odd = { ...note(99), severity: 'critical' } as unknown as ReturnType<typeof note>;
    server.respond = scriptAgents({ review: answer([...Array.from({ length: 50 }, (_, i) => note(i)), odd, blocker]) });
    const run = await runCli(['review', '--no-cache'], { cwd: repo.dir, env: env() });
    noErrors(run.stderr);
    expect(run.code).toBe(1);
    expect(flat(run.stdout)).toMatch(/BLOCKER +review +src\/db\.ts:1 +SQL built from the id parameter[x ]+…/);
    expect(run.stdout).toMatch(/review +ok /);
    expect(flat(run.stdout)).toMatch(/2 items of the answer dropped: finding 51: severity: .*; dropped; finding 52: title of 201 characters cut to 200; 1 finding over the 50-per-answer cap dropped \(the least severe\)/);
    expect(run.stdout).toMatch(/Verdict: fail/);
  });

  it('exits 1 when the change made an answer unusable (a refusal), whatever gate.on_error says, and says so', async () => {
    server.respond = scriptAgents({ review: { stopReason: 'refusal' } });
    const run = await runCli(['review', '--no-cache', '--json'], { cwd: repo.dir, env: env() });
    expect(run.code).toBe(1);
    const report = JSON.parse(run.stdout) as ReviewJson & { reasons: string[] };
    expect(report.verdict).toBe('unreviewable');
    expect(report.agents.find((a) => a.agent === 'review')!.outcome).toBe('unreviewable');
    expect(report.reasons.join('; ')).toMatch(/the change itself made riskgate fail; review unreviewable: refused/);
    const text = await runCli(['review', '--no-cache'], { cwd: repo.dir, env: env() });
    expect(text.code).toBe(1);
    expect(text.stdout).toMatch(/Verdict: unreviewable/);
    expect(flat(text.stdout)).toMatch(/The change itself made riskgate fail: the gate fails at every tier, whatever gate.on_error says/);
  });

  it('keeps the blocker found before an answer was cut off at the output cap, and exits 1', async () => {
    const blocker = { severity: 'blocker', confidence: 0.95, path: 'src/db.ts', start_line: 1, end_line: 1, title: 'SQL built from the id parameter', explanation: 'Injection.' };
    server.respond = scriptAgents({ review: { text: `{"findings": [${JSON.stringify(blocker)}, {"severity": "note", "confidence": 0.5, "path": "src/app.ts", "start_line": 2`, stopReason: 'max_tokens' } });
    const run = await runCli(['review', '--no-cache'], { cwd: repo.dir, env: env() });
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(/BLOCKER +review +src\/db\.ts:1 +SQL built from the id parameter/);
    expect(run.stdout).toMatch(/review +unreviewable/);
    expect(flat(run.stdout)).toMatch(/truncated: the answer was cut off at [\d,]+ output tokens; 1 finding complete before the cut kept/);
  });

  it('a gateway that echoes the request headers in its errors: the key appears in no output, --json and --debug included', async () => {
    const key = 'sk-ant-api03-echoed-key-0123456789abcdef';
    server.respond = (body) => (roleOf(body) ? { status: 400, echoHeaders: true } : undefined);
    for (const args of [['review', '--no-cache', '--tier', 'full'], ['review', '--no-cache', '--json'], ['review', '--no-cache', '--debug']]) {
      const run = await runCli(args, { cwd: repo.dir, env: { ...env(), ANTHROPIC_API_KEY: key } });
      // The gateway's 400 fails every agent: the gate could not decide.
      expect(run.code).toBe(3);
      // The echo reached the output (the gateway's message is shown), the key did not.
      expect(`${run.stdout}${run.stderr}`).not.toContain('echoed-key');
      expect(run.stdout).toContain('[redacted');
    }
    expect(server.requests[0]!.headers.authorization).toBe(`Bearer ${key}`);
  });

  it('rejects an unknown --fail-on severity', async () => {
    const run = await runCli(['review', '--fail-on', 'critical'], { cwd: repo.dir, env: env() });
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/--fail-on must be one of blocker, warning, note/);
  });
});
