import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { day, fastImport, GitFixture } from '../support/git-fixture.js';
import { GitRepo } from '../support/git-repo.js';
import { lines } from '../support/make-diff.js';
import { riskModelFileText } from '../support/risk-model-fixture.js';
import { runCli } from '../support/run-cli.js';
import { syntheticHistory, type Planting } from '../support/synthetic-history.js';

// The CLI around calibration: the refusals a user meets first, and scoring with a model file.
// Fitting itself is tested on mined synthetic histories in test/calibrate.

const repo = new GitRepo();
const scratch = mkdtempSync(join(tmpdir(), 'riskgate-calibrate-cli-'));
let base = '';

beforeAll(() => {
  repo.write('src/app.ts', `${lines(20).join('\n')}\n`);
  base = repo.commit('initial');
  for (let i = 0; i < 3; i++) {
    repo.write('src/app.ts', `${lines(20 + i * 5).join('\n')}\n`);
    repo.commit(`change ${i}`);
  }
  repo.write('src/app.ts', `${lines(160).join('\n')}\n`);
  repo.commit('grow the app');
});

afterAll(() => {
  repo.cleanup();
  rmSync(scratch, { recursive: true, force: true });
});

describe('riskgate calibrate', () => {
  it('refuses a history too short to learn from, saying how many commits it has and needs', async () => {
    const run = await runCli(['calibrate'], { cwd: repo.dir });
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/riskgate: too short a history: 5 commits \(over 0 days\) are old enough to be labelled, .*at least 200/);
    expect(run.stdout).toBe('');
  });

  it('refuses a shallow clone with what to run instead', async () => {
    const shallow = join(scratch, 'shallow');
    execFileSync('git', ['clone', '-q', '--depth', '1', `file://${repo.dir}`, shallow]);
    const run = await runCli(['calibrate'], { cwd: shallow });
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('shallow clone');
    expect(run.stderr).toContain('git fetch --unshallow');
  });

  it('names a bad --until', async () => {
    const run = await runCli(['calibrate', '--until', 'yesterday'], { cwd: repo.dir });
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('--until must be a date as YYYY-MM-DD');
  });
});

describe('riskgate calibrate weighs the model against lines added before writing it', () => {
  const COUNT = 260;
  const until = new Date(day(COUNT * 4 + 10) * 1000).toISOString().slice(0, 10);
  const histories: GitFixture[] = [];
  afterAll(() => {
    for (const h of histories) h.cleanup();
  });
  // Seed 6 with bugs planted anywhere: both variants rank the newer commits below lines added
  // (the test checks that from the figures printed, not from this comment).
  const history = (planting: Planting, seed: number) => {
    const fixture = new GitFixture('riskgate-calibrate-cli-');
    histories.push(fixture);
    fastImport(fixture, syntheticHistory(COUNT, { seed, withFixes: true, daysApart: 4, planting }).commits);
    return fixture.dir;
  };
  const modelFile = (dir: string) => join(dir, '.github', 'riskgate-model.json');
  type Row = { inputs: string; model: { auc: number }; linesAdded: { auc: number } };

  it('a model that learned something is written', async () => {
    const dir = history('features', 7);
    const run = await runCli(['calibrate', '--until', until], { cwd: dir });
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('wrote .github/riskgate-model.json');
    // The weights come with a legend, and progress went to stderr, not into the report.
    expect(run.stdout).toMatch(/\n {2}\(\+ raises the risk, - lowers it; each is the change in log-odds/);
    expect(run.stderr).toMatch(/^riskgate calibrate: read \d+ commits/m);
    expect(run.stdout).not.toContain('riskgate calibrate: read');
    const rows = (JSON.parse(readFileSync(modelFile(dir), 'utf8')) as { validation: { rows: Row[] } }).validation.rows;
    for (const row of rows) expect(row.model.auc).toBeGreaterThan(row.linesAdded.auc);
  });

  it('one that ranks no better than lines added is shown, named and not written; --force writes it', async () => {
    const dir = history('anywhere', 6);
    const refused = await runCli(['calibrate', '--until', until, '--json'], { cwd: dir });
    expect(refused.code).toBe(2);
    expect(existsSync(modelFile(dir))).toBe(false);
    const shown = JSON.parse(refused.stdout) as { written: string | null; model: { validation: { rows: Row[] } } };
    expect(shown.written).toBeNull();
    const weaker = shown.model.validation.rows.filter((r) => r.model.auc <= r.linesAdded.auc);
    expect(weaker.length).toBeGreaterThan(0);
    expect(refused.stderr).toContain('the calibrated model ranks the newer commits no better than lines added alone');
    for (const row of weaker) expect(refused.stderr).toContain(`against lines added ${row.linesAdded.auc.toFixed(3)}`);
    expect(refused.stderr).toContain('nothing written');
    expect(refused.stderr).toContain('--force');

    const forced = await runCli(['calibrate', '--until', until, '--force'], { cwd: dir });
    expect(forced.code).toBe(0);
    expect(forced.stdout).toContain('wrote .github/riskgate-model.json');
    expect(forced.stderr).toMatch(/warning: the calibrated model ranks .* written because of --force/);
    expect(JSON.parse(readFileSync(modelFile(dir), 'utf8'))).toMatchObject({ format: 'riskgate-model', validation: { rows: shown.model.validation.rows } });
  });
});

describe('riskgate score with a model file', () => {
  it('--model FILE scores with the model and shows its factors; --no-model does not', async () => {
    const file = join(scratch, 'model.json');
    writeFileSync(file, riskModelFileText());
    const withModel = await runCli(['score', 'HEAD', '--model', file], { cwd: repo.dir });
    expect(withModel.code).toBe(0);
    // The line wraps at the table's 100 columns: read it as one.
    expect(withModel.stdout.replace(/\n +/g, ' ')).toMatch(/model: .*model\.json, calibrated on 1200 commits, diff and history features/);
    expect(withModel.stdout).toMatch(/model\.la +lines added: 130 \(typical here: 19\)/);
    const json = JSON.parse((await runCli(['score', 'HEAD', '--model', file, '--json'], { cwd: repo.dir })).stdout) as { model: { inputs: string }; factors: Array<{ id: string }> };
    expect(json.model.inputs).toBe('history');
    expect(json.factors.map((f) => f.id)).toContain('model.ndev');
    const plain = await runCli(['score', 'HEAD', '--no-model'], { cwd: repo.dir });
    expect(plain.stdout).not.toContain('model');
    expect(plain.stdout).toContain('size.changed-lines');
  });

  it('reads the model at the base revision, not the one the change brings', async () => {
    const branch = new GitRepo();
    try {
      branch.write('src/app.ts', 'export const a = 1;\n');
      const first = branch.commit('initial');
      branch.write('.github/riskgate-model.json', riskModelFileText());
      branch.write('src/app.ts', `${lines(50).join('\n')}\n`);
      branch.commit('bring a model along');
      const run = await runCli(['score', `${first}..HEAD`], { cwd: branch.dir });
      expect(run.code).toBe(0);
      expect(run.stdout).not.toContain('model.baseline');
      const later = await runCli(['score', '--diff', '-'], { cwd: branch.dir, input: execFileSync('git', ['-C', branch.dir, 'show', '--format=', 'HEAD']) });
      // With --diff the working tree's model applies, on diff features only (as in the gate).
      expect(later.stdout).toMatch(/diff features only/);
    } finally {
      branch.cleanup();
    }
  });

  it('an invalid model file is an error naming the field, with the way out', async () => {
    const file = join(scratch, 'broken.json');
    writeFileSync(file, riskModelFileText().replace('"perLogit": 10', '"perLogit": "ten"'));
    const run = await runCli(['score', base, '--model', file], { cwd: repo.dir });
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/variants\.history\.points\.perLogit/);
    expect(run.stderr).toContain('--no-model');
  });
});
