import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GIT_DIFF_FLAGS } from '../../src/git/read-git-diff.js';
import { billionLaughs } from '../support/billion-laughs.js';
import { GitRepo, numstat } from '../support/git-repo.js';
import { lines, makeDiff } from '../support/make-diff.js';
import { BIN, runCli } from '../support/run-cli.js';

interface ScoreJson {
  score: number;
  tier: string;
  additions: number;
  deletions: number;
  files: Array<{ path: string; status: string; kind: string; binary: boolean; additions: number; deletions: number }>;
  factors: Array<{ id: string; points: number; reason: string; evidence: unknown[] }>;
  source: string;
  config: string;
}

describe('riskgate score on a git repository', () => {
  const repo = new GitRepo();
  let first = '';
  let second = '';
  let third = '';
  beforeAll(() => {
    repo.write('src/app.ts', `${lines(20).join('\n')}\n`).write('README.md', '# app\n');
    first = repo.commit('initial');
    repo.write('src/app.ts', `${lines(25).join('\n')}\n`).write('src/auth/login.ts', 'export const login = () => eval(input);\n');
    second = repo.commit('Add login');
    repo.write('docs/guide.md', 'How to use it\n');
    third = repo.commit('Document the app');
  });
  afterAll(() => repo.cleanup());

  it('scores the last commit by default, with a readable table', async () => {
    const run = await runCli(['score'], { cwd: repo.dir });
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^riskgate: score \d+\/100, tier minimal\n {2}last commit: 1 file, \+1 -0; config: built-in defaults/);
    expect(run.stdout).toContain('kind.docs-only');
    expect(run.stdout).toMatch(/plan: review \(claude-haiku-5-5\); about [\d,]+ tokens, (\$0\.\d{1,3}|<\$0\.001)$/m);
  });

  it('prints the documented JSON, with totals as git diff --numstat counts them', async () => {
    const run = await runCli(['score', `${first}..${third}`, '--json'], { cwd: repo.dir });
    expect(run.code).toBe(0);
    const json = JSON.parse(run.stdout) as ScoreJson;
    const rows = numstat(repo.dir, GIT_DIFF_FLAGS, first, third);
    expect(json.additions).toBe(rows.reduce((s, r) => s + Number(r.additions), 0));
    expect(json.deletions).toBe(rows.reduce((s, r) => s + Number(r.deletions), 0));
    expect(json.files.map((f) => f.path).sort()).toEqual(rows.map((r) => r.path).sort());
    expect(json.files.find((f) => f.path === 'src/auth/login.ts')).toEqual({
      path: 'src/auth/login.ts', status: 'added', kind: 'source', binary: false, additions: 1, deletions: 0,
    });
    expect(json.factors.map((f) => f.id)).toEqual(expect.arrayContaining(['pattern.dynamic-code', 'sensitive.auth', 'size.changed-lines']));
    expect(json.tier).toMatch(/^(minimal|standard|thorough|full)$/);
  });

  it('reads one commit as that commit, and A...B from the merge base', async () => {
    const one = JSON.parse((await runCli(['score', second, '--json'], { cwd: repo.dir })).stdout) as ScoreJson;
    expect(one.files.map((f) => f.path).sort()).toEqual(['src/app.ts', 'src/auth/login.ts']);
    expect(one.source).toBe(`commit ${second}`);
    const threeDot = JSON.parse((await runCli(['score', `${first}...${third}`, '--json'], { cwd: repo.dir })).stdout) as ScoreJson;
    expect(threeDot.files).toHaveLength(3);
  });

  it('uses the commit message as pull request text, which can add points', async () => {
    const run = JSON.parse((await runCli(['score', second, '--json', '--title', 'Fix a crash'], { cwd: repo.dir })).stdout) as ScoreJson;
    expect(run.factors.map((f) => f.id)).toContain('text.bug-fix');
  });

  it('scores a diff from a file or stdin exactly as from git', async () => {
    const text = repo.git('diff', ...GIT_DIFF_FLAGS, first, second);
    const fromGit = JSON.parse((await runCli(['score', second, '--json', '--title', 'x'], { cwd: repo.dir })).stdout) as ScoreJson;
    const fromStdin = JSON.parse((await runCli(['score', '--diff', '-', '--json', '--title', 'x'], { cwd: repo.dir, input: text })).stdout) as ScoreJson;
    writeFileSync(join(repo.dir, '..', 'riskgate-cli-test.diff'), text);
    const fromFile = JSON.parse(
      (await runCli(['score', '--diff', join(repo.dir, '..', 'riskgate-cli-test.diff'), '--json', '--title', 'x'], { cwd: repo.dir })).stdout,
    ) as ScoreJson;
    for (const other of [fromStdin, fromFile]) {
      expect(other.score).toBe(fromGit.score);
      expect(other.factors).toEqual(fromGit.factors);
    }
  });
});

describe('riskgate score: the default range and the base config', () => {
  const repo = new GitRepo();
  afterAll(() => repo.cleanup());

  it('scores a branch against the upstream default branch, with the config of the base', async () => {
    repo.write('.github/riskgate.yml', 'tiers:\n  always_full: ["src/payments/**"]\n').write('src/a.ts', 'a\n');
    const base = repo.commit('base');
    repo.git('update-ref', 'refs/remotes/origin/main', base);
    repo.git('symbolic-ref', 'refs/remotes/origin/HEAD', 'refs/remotes/origin/main');
    repo.git('checkout', '-q', '-b', 'feature');
    // The branch tries to switch the rule off and then touches the pinned path.
    repo.write('.github/riskgate.yml', 'tiers:\n  always_full: []\n');
    repo.commit('relax config');
    repo.write('src/payments/charge.ts', 'export const charge = 1;\n');
    repo.commit('charge');

    const json = JSON.parse((await runCli(['score', '--json'], { cwd: repo.dir })).stdout) as ScoreJson;
    expect(json.source).toBe('changes since origin/main');
    expect(json.files.map((f) => f.path).sort()).toEqual(['.github/riskgate.yml', 'src/payments/charge.ts']);
    expect(json.config).toMatch(/^\.github\/riskgate\.yml at [0-9a-f]{12} \(the base\)$/);
    expect(json.tier).toBe('full');
  });

  it('refuses an invalid config at the base, naming the key', async () => {
    repo.git('checkout', '-q', 'main');
    repo.write('.github/riskgate.yml', 'tiers:\n  treshold: 3\n');
    repo.commit('broken config');
    repo.write('src/b.ts', 'b\n');
    repo.commit('more');
    // HEAD's parent, the base of this one-commit range, holds the broken file.
    const run = await runCli(['score', 'HEAD'], { cwd: repo.dir });
    expect(run.code).toBe(2);
    expect(run.stdout).toBe('');
    expect(run.stderr).toMatch(/^riskgate: invalid config \.github\/riskgate\.yml at [0-9a-f]{12} \(the base\):\n {2}- line 2, column 3: tiers\.treshold: unknown key; did you mean "thresholds"\?/);
  });
});

describe('riskgate errors', () => {
  const empty = mkdtempSync(join(tmpdir(), 'riskgate-nogit-'));
  afterAll(() => rmSync(empty, { recursive: true, force: true }));

  it.each([
    ['empty input', ['score', '--diff', '-'], '', /^riskgate: the input is empty: expected a unified diff\n$/],
    ['prose', ['score', '--diff', '-'], 'just some words\n', /^riskgate: the input is not a unified diff/],
    ['binary garbage', ['score', '--diff', '-'], Buffer.from([0x89, 0x50, 0x4e, 0x47, 0, 0, 1]), /^riskgate: the input is binary data/],
    ['no git repository', ['score'], '', /^riskgate: not a git repository: .* \(run riskgate inside one, or pass --diff FILE\)\n$/],
    ['an unknown option', ['score', '--jsn'], '', /^riskgate: unknown option --jsn; did you mean --json\? \(riskgate --help lists the options\)\n$/],
    ['an unknown tier', ['score', '--tier', 'max'], '', /^riskgate: --tier must be one of minimal, standard, thorough, full, not "max"\n$/],
    ['a missing diff file', ['score', '--diff', 'nope.diff'], '', /^riskgate: cannot read nope\.diff: ENOENT\n$/],
    ['an unknown command', ['scroe'], '', /^riskgate: unknown command "scroe"; did you mean "score"\?/],
  ])('%s gives one clear line on stderr and exit 2', async (_name, args, input, message) => {
    const run = await runCli(args, { cwd: empty, input });
    expect(run.code).toBe(2);
    expect(run.stdout).toBe('');
    expect(run.stderr).toMatch(message);
    expect(run.stderr.trim().split('\n')).toHaveLength(1);
  });

  it('adds the stack trace with --debug', async () => {
    const run = await runCli(['score', '--diff', '-', '--debug'], { cwd: empty, input: 'nope\n' });
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/^riskgate: the input is not a unified diff[^\n]*\nDiffInputError: [^\n]*\n {4}at /);
  });

  it('says a repository without commits has nothing to score', async () => {
    const repo = new GitRepo();
    try {
      const run = await runCli(['score'], { cwd: repo.dir });
      expect(run).toMatchObject({ code: 2, stderr: 'riskgate: the repository has no commits yet: nothing to score\n' });
    } finally {
      repo.cleanup();
    }
  });
});

describe('riskgate score --jsonl', () => {
  const dir = mkdtempSync(join(tmpdir(), 'riskgate-jsonl-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('answers every line in input order, with an error field for bad lines', async () => {
    const input = [
      JSON.stringify({ id: 'a', diff: makeDiff({ path: 'src/a.ts', added: lines(5) }) }),
      '{not json',
      JSON.stringify({ id: 'c', title: 'fix' }),
      JSON.stringify({ id: 7, diff: makeDiff({ path: 'docs/x.md', added: ['hello'] }), title: 'Fix the docs' }),
      JSON.stringify({ id: 'e', diff: '' }),
    ].join('\n');
    const run = await runCli(['score', '--jsonl'], { cwd: dir, input });
    expect(run.code).toBe(1);
    expect(run.stderr).toBe('riskgate: 3 line(s) could not be scored (see their "error" fields)\n');
    const out = run.stdout.trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(out.map((o) => o.id)).toEqual(['a', null, 'c', 7, 'e']);
    expect(Object.keys(out[0]!)).toEqual(['id', 'score', 'tier', 'additions', 'deletions', 'factors', 'floors']);
    expect(out[0]).toMatchObject({ additions: 5, deletions: 0 });
    expect(out[1]!.error).toMatch(/^line 2: not JSON/);
    expect(out[2]!.error).toMatch(/^line 3: diff: /);
    expect((out[3]!.factors as Array<{ id: string }>).map((f) => f.id)).toContain('text.bug-fix');
    expect(out[4]!.error).toMatch(/empty/);
  });

  it('streams: the first result arrives before the input ends', async () => {
    const child = spawn(process.execPath, [BIN, 'score', '--jsonl'], { cwd: dir });
    const output = createInterface({ input: child.stdout });
    const results: string[] = [];
    const firstResult = new Promise<string>((resolve) => output.once('line', resolve));
    output.on('line', (l) => results.push(l));
    child.stdin.write(`${JSON.stringify({ id: 1, diff: makeDiff({ path: 'a.ts', added: ['x'] }) })}\n`);
    expect(JSON.parse(await firstResult)).toMatchObject({ id: 1 });
    child.stdin.end(`${JSON.stringify({ id: 2, diff: makeDiff({ path: 'b.ts', added: ['y'] }) })}\n`);
    const code = await new Promise((resolve) => child.on('close', resolve));
    expect(code).toBe(0);
    expect(results.map((l) => (JSON.parse(l) as { id: number }).id)).toEqual([1, 2]);
  });
});

describe('riskgate plan and config', () => {
  const repo = new GitRepo();
  beforeAll(() => {
    repo.write('src/a.ts', `${lines(40).join('\n')}\n`);
    repo.commit('a');
  });
  afterAll(() => repo.cleanup());

  it('plan prints every tier with agents, models, tokens and dollars, marking the chosen one', async () => {
    const run = await runCli(['plan'], { cwd: repo.dir });
    expect(run.code).toBe(0);
    const tierLines = run.stdout.split('\n').filter((l) => /^[> ] (minimal|standard|thorough|full) /.test(l));
    expect(tierLines).toHaveLength(4);
    expect(tierLines.filter((l) => l.startsWith('>'))).toHaveLength(1);
    expect(tierLines[3]).toMatch(/full +review \(claude-sonnet-5-5\), security \(claude-sonnet-5-5\), tests \(claude-sonnet-5-5\); about \d{1,3}(,\d{3})* tokens, \$\d/);
    const json = JSON.parse((await runCli(['plan', '--json'], { cwd: repo.dir })).stdout) as { tiers: Array<{ tier: string; estimatedUsd: number }> };
    const costs = json.tiers.map((t) => t.estimatedUsd);
    expect(json.tiers.map((t) => t.tier)).toEqual(['minimal', 'standard', 'thorough', 'full']);
    expect(costs).toEqual([...costs].sort((a, b) => a - b));
  });

  it('config validate accepts a good file and names the key of a bad one', async () => {
    writeFileSync(join(repo.dir, 'good.yml'), 'models:\n  fast: claude-haiku-4-5\n');
    writeFileSync(join(repo.dir, 'bad.yml'), 'models:\n  fats: claude-haiku-4-5\n');
    expect(await runCli(['config', 'validate', 'good.yml'], { cwd: repo.dir })).toMatchObject({ code: 0, stdout: 'riskgate: good.yml is valid\n' });
    const bad = await runCli(['config', 'validate', 'bad.yml'], { cwd: repo.dir });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('models.fats: unknown key; did you mean "fast"?');
  });

  it('config validate names a "billion laughs" config instead of crashing on it', async () => {
    writeFileSync(join(repo.dir, 'laughs.yml'), billionLaughs());
    const run = await runCli(['config', 'validate', 'laughs.yml'], { cwd: repo.dir });
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/^riskgate: invalid config laughs\.yml:\n {2}- YAML: its aliases \(\*name\) expand to more than 100 copies/);
    expect(run.stderr).not.toContain('internal error');
  });

  it('config show prints the effective config', async () => {
    const run = await runCli(['config', 'show', '--config', 'good.yml'], { cwd: repo.dir });
    expect(run.stdout).toMatch(/^# effective riskgate config \(from good\.yml\)\n/);
    expect(run.stdout).toContain('fast: claude-haiku-4-5');
    expect(run.stdout).toContain('strong: claude-sonnet-5-5');
  });
});
