import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { answer, roleOf, scriptAgents } from '../support/agent-script.js';
import { AnthropicTestServer } from '../support/anthropic-server.js';
import { GitRepo } from '../support/git-repo.js';
import { lines } from '../support/make-diff.js';
import { BIN, runCli } from '../support/run-cli.js';

// The CLI as a terminal and a CI job see it: exit codes, progress on stderr, help, suggestions,
// width, colour and escaped author text. Every case runs the real bin.

const server = new AnthropicTestServer();
const repo = new GitRepo();
let dataDir: string;
// No colour and no width from the environment running the tests (an empty NO_COLOR counts as unset).
const plain = { NO_COLOR: '', FORCE_COLOR: '0', COLUMNS: '' };
const env = (extra: NodeJS.ProcessEnv = {}) => ({ ...plain, ANTHROPIC_API_KEY: 'sk-test', ANTHROPIC_BASE_URL: server.url, RISKGATE_DATA_DIR: dataDir, ...extra });
// eslint-disable-next-line no-control-regex
const ESC = /\x1b/;

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

describe('exit codes', () => {
  it('2 for a typo in a command, a subcommand or an option, with the nearest one suggested', async () => {
    const command = await runCli(['reveiw'], { cwd: repo.dir, env: env() });
    expect(command.code).toBe(2);
    expect(command.stderr).toMatch(/^riskgate: unknown command "reveiw"; did you mean "review"\?/);
    const sub = await runCli(['config', 'valdate'], { cwd: repo.dir, env: env() });
    expect(sub.code).toBe(2);
    expect(sub.stderr).toMatch(/^riskgate: unknown config subcommand "valdate"; did you mean "validate"\?/);
    const option = await runCli(['review', '--fail-onn', 'warning'], { cwd: repo.dir, env: env() });
    expect(option.code).toBe(2);
    expect(option.stderr).toBe('riskgate: unknown option --fail-onn; did you mean --fail-on? (riskgate --help lists the options)\n');
    expect(server.requests).toHaveLength(0);
  });

  it('2 for a bad config, naming the key and its YAML line and column', async () => {
    const bad = new GitRepo();
    try {
      bad.write('riskgate.yml', '# riskgate\nmodels:\n  fast: claude-haiku-5-5\n  stronk: claude-opus-5-5\nfindings:\n  min_confidence: 7\n');
      const run = await runCli(['config', 'validate', 'riskgate.yml'], { cwd: bad.dir, env: env() });
      expect(run.code).toBe(2);
      expect(run.stderr).toContain('- line 4, column 3: models.stronk: unknown key; did you mean "strong"?');
      expect(run.stderr).toContain('- line 6, column 19: findings.min_confidence:');
    } finally {
      bad.cleanup();
    }
  });

  it('3 when the model API answers 500 and 529 until the retries are spent: could not decide, not a usage error', async () => {
    let n = 0;
    server.respond = (body) => (roleOf(body) ? { status: n++ % 2 === 0 ? 500 : 529, headers: { 'retry-after-ms': '1' } } : undefined);
    const run = await runCli(['review', '--no-cache', '--json'], { cwd: repo.dir, env: env() });
    expect(run.code).toBe(3);
    const report = JSON.parse(run.stdout) as { verdict: string; agents: Array<{ outcome: string }> };
    expect(report.verdict).toBe('error');
    expect(report.agents.filter((a) => a.outcome === 'failed').length).toBeGreaterThan(0);
    // Retried before giving up: more requests than agents.
    expect(server.requests.length).toBeGreaterThan(report.agents.filter((a) => a.outcome === 'failed').length);
  });

  it('1 for blocking findings', async () => {
    server.respond = scriptAgents({
      review: answer([{ severity: 'blocker', confidence: 0.95, path: 'src/db.ts', start_line: 1, end_line: 1, title: 'SQL built from the id parameter', explanation: 'Injection.' }]),
    });
    const run = await runCli(['review', '--no-cache'], { cwd: repo.dir, env: env() });
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(/Verdict: fail/);
  });

  it('--help documents every exit code, and each command has its own help with examples', async () => {
    const top = await runCli(['--help'], { cwd: repo.dir, env: env() });
    expect(top.code).toBe(0);
    for (const code of ['0  done', '1  review: the gate failed', '2  usage or configuration error', '3  could not decide']) expect(top.stdout).toContain(code);
    for (const command of [['score'], ['plan'], ['review'], ['spend'], ['calibrate'], ['eval', 'routing'], ['eval', 'findings'], ['config', 'validate'], ['config', 'show']]) {
      const help = await runCli([...command, '--help'], { cwd: repo.dir, env: env() });
      expect(help.code, command.join(' ')).toBe(0);
      expect(help.stdout).toMatch(new RegExp(`^Usage: riskgate ${command.join(' ')}`));
      expect(help.stdout).toMatch(/\nExamples:\n {2}riskgate /);
      expect(help.stdout).toMatch(/\nExit status: 0 /);
    }
    const review = await runCli(['help', 'review'], { cwd: repo.dir, env: env() });
    expect(review.stdout).toContain('3 could not decide');
    expect(review.stdout).toContain('--fail-on SEV');
  });
});

describe('progress on stderr', () => {
  it('prints the score, tier and plan before any agent outcome, each agent as it starts and ends, and leaves stdout JSON alone', async () => {
    server.respond = scriptAgents({
      security: answer([{ severity: 'warning', confidence: 0.9, path: 'src/db.ts', start_line: 1, end_line: 1, title: 'Query from input', explanation: 'Check it.' }]),
    });
    const run = await runCli(['review', '--no-cache', '--json', '--tier', 'thorough'], { cwd: repo.dir, env: env() });
    expect(run.code).toBe(0);
    const report = JSON.parse(run.stdout) as { score: number; tier: string; agents: Array<{ agent: string; outcome: string; model?: string }> };
    const progress = run.stderr.trimEnd().split('\n');
    expect(progress.every((line) => line.startsWith('riskgate review: '))).toBe(true);
    expect(progress[0]).toMatch(new RegExp(`^riskgate review: score ${report.score}/100, tier thorough \\(`));
    expect(progress[1]).toBe('riskgate review: plan: review (claude-sonnet-5-5), security (claude-sonnet-5-5), tests (claude-haiku-5-5)');
    const ran = report.agents.filter((a) => a.outcome !== 'skipped');
    for (const agent of ran) {
      const started = progress.indexOf(`riskgate review: ${agent.agent} started on ${agent.model}`);
      const ended = progress.findIndex((l) => l.startsWith(`riskgate review: ${agent.agent} ok: `));
      expect(started, agent.agent).toBeGreaterThan(1);
      expect(ended, agent.agent).toBeGreaterThan(started);
    }
    expect(progress.find((l) => l.startsWith('riskgate review: security ok: '))).toMatch(/^riskgate review: security ok: 1 finding, \d+\.\d s, (?:<\$0\.001|\$[\d,.]+)$/);
    // No escape sequences off a terminal, and --quiet leaves stderr empty with the same stdout report.
    expect(run.stderr).not.toMatch(ESC);
    const quiet = await runCli(['review', '--json', '--tier', 'thorough', '--quiet'], { cwd: repo.dir, env: env() });
    expect(quiet.stderr).toBe('');
    const cached = JSON.parse(quiet.stdout) as typeof report;
    expect({ score: cached.score, tier: cached.tier, agents: cached.agents.map((a) => [a.agent, a.outcome]) }).toEqual({
      score: report.score,
      tier: report.tier,
      agents: report.agents.map((a) => [a.agent, a.outcome]),
    });
  });

  // util-linux `script` gives the CLI a real pseudo-terminal on stderr.
  it.skipIf(!existsSync('/usr/bin/script'))('on a terminal, redraws one status line in place and clears it before the report', async () => {
    server.respond = scriptAgents({});
    const out = join(dataDir, 'report.txt');
    const quote = (s: string) => `'${s.replace(/'/g, "'\\''")}'`;
    const command = `${quote(process.execPath)} ${quote(BIN)} review --no-cache --tier thorough > ${quote(out)}`;
    // Asynchronously: the model server answers from this process.
    const { stdout: tty } = await promisify(execFile)('/usr/bin/script', ['-qec', command, '/dev/null'], { cwd: repo.dir, env: { ...process.env, ...env(), TERM: 'xterm' }, encoding: 'utf8' });
    expect(tty).toContain('\r\x1b[2Kriskgate review: plan: review (claude-sonnet-5-5), security (claude-sonnet-5-5), tests (claude-haiku-5-5)');
    // eslint-disable-next-line no-control-regex
    expect(tty).toMatch(/\r\x1b\[2Kriskgate review: [0-2] of 3 agents done; waiting for /);
    // The last thing written clears the status line; the report went to stdout, uncoloured (a file).
    // eslint-disable-next-line no-control-regex
    expect(tty.replace(/\r?\n$/, '')).toMatch(/\r\x1b\[2K$/);
    const report = readFileSync(out, 'utf8');
    expect(report).toMatch(/^riskgate review: score \d+\/100, tier thorough/);
    expect(report).not.toMatch(ESC);
  });

  it('says why an agent did not finish, as it happens', async () => {
    server.respond = (body) => (roleOf(body) ? { status: 529, headers: { 'retry-after-ms': '1' } } : undefined);
    const run = await runCli(['review', '--no-cache'], { cwd: repo.dir, env: env() });
    expect(run.code).toBe(3);
    expect(run.stderr).toMatch(/^riskgate review: review failed: .*overloaded/m);
  });
});

describe('terminal output', () => {
  const migration = new GitRepo();
  beforeAll(() => {
    migration.write('README.md', 'x\n');
    migration.commit('initial');
    const alters = Array.from({ length: 11 }, (_, i) => `ALTER TABLE t${i} DROP COLUMN c${i};`);
    migration.write('migrations/0042.sql', [alters[0], alters[1], alters[2], 'DROP TABLE sessions;', ...alters.slice(3)].join('\n') + '\n');
    migration.write(`docs/${'a-very-long-directory-name/'.repeat(5)}notes.md`, 'x\n');
    migration.commit('Drop the sessions table');
  });
  afterAll(() => migration.cleanup());

  it('shows the most destructive evidence first and counts what it leaves out', async () => {
    const run = await runCli(['score'], { cwd: migration.dir, env: env() });
    expect(run.code).toBe(0);
    const out = run.stdout.split('\n');
    const at = out.findIndex((l) => /^ +\+\d+(\.\d)? +pattern\.sql-destructive /.test(l));
    const next = out.findIndex((l, i) => i > at && /^ +[+-]\d/.test(l));
    const evidence = out.slice(at + 1, next).filter((l) => /^ {42}(migrations|and )/.test(l));
    expect(evidence[0]!.trim()).toBe('migrations/0042.sql:4  DROP TABLE sessions;');
    expect(evidence[1]!.trim()).toBe('migrations/0042.sql:1  ALTER TABLE t0 DROP COLUMN c0;');
    // 12 lines matched, 2 shown.
    expect(evidence[2]!.trim()).toBe('and 10 more');
  });

  it('fits the table to the width, wrapping inside the column, and to 100 columns off a terminal', async () => {
    const wide = await runCli(['score'], { cwd: migration.dir, env: env() });
    const narrow = await runCli(['score'], { cwd: migration.dir, env: env({ COLUMNS: '60' }) });
    expect(Math.max(...wide.stdout.split('\n').map((l) => l.length))).toBeLessThanOrEqual(100);
    expect(Math.max(...narrow.stdout.split('\n').map((l) => l.length))).toBeLessThanOrEqual(60);
    // A reason that wraps continues under its own column (42 = points, factor and gaps).
    const reason = wide.stdout.split('\n');
    const row = reason.findIndex((l) => /^ +\+\d+ +pattern\.sql-destructive /.test(l));
    expect(reason[row]!.length).toBeGreaterThan(90);
    expect(reason[row + 1]).toMatch(/^ {42}[a-zA-Z(]/);
  });

  it('colours severities and tiers only on a terminal or with FORCE_COLOR, and never with NO_COLOR', async () => {
    const piped = await runCli(['score'], { cwd: migration.dir, env: env() });
    expect(piped.stdout).not.toMatch(ESC);
    const forced = await runCli(['score'], { cwd: migration.dir, env: env({ FORCE_COLOR: '1' }) });
    expect(forced.stdout).toContain('tier \x1b[33mthorough\x1b[39m');
    const both = await runCli(['score'], { cwd: migration.dir, env: env({ FORCE_COLOR: '1', NO_COLOR: '1' }) });
    expect(both.stdout).not.toMatch(ESC);
    expect(both.stdout).toBe(piped.stdout);
    // JSON is never coloured.
    const json = await runCli(['score', '--json'], { cwd: migration.dir, env: env({ FORCE_COLOR: '1' }) });
    expect(json.stdout).not.toMatch(ESC);
  });

  it('escapes control characters of a path so it cannot drive the terminal', async () => {
    const evil = new GitRepo();
    try {
      evil.write('README.md', 'x\n');
      evil.commit('initial');
      evil.write('src/evil\x1b]0;pwned\x07\x1b[2J.py', 'x = eval(input)\n');
      evil.commit('Add a file');
      for (const extra of [{}, { FORCE_COLOR: '1' }]) {
        const run = await runCli(['score'], { cwd: evil.dir, env: env(extra) });
        expect(run.code).toBe(0);
        expect(run.stdout).toContain('src/evil\\e]0;pwned\\x07\\e[2J.py:1  x = eval(input)');
        expect(run.stdout).not.toContain('\x07');
        expect(run.stdout).not.toContain('\x1b]');
        expect(run.stdout).not.toContain('\x1b[2J');
      }
    } finally {
      evil.cleanup();
    }
  });
});
