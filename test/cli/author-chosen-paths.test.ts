import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GIT_DIFF_FLAGS } from '../../src/git/read-git-diff.js';
import { AUTHOR_CHOSEN_PATHS, DANGEROUS_JS } from '../support/dangerous-code.js';
import { GitRepo } from '../support/git-repo.js';
import { runCli } from '../support/run-cli.js';

// The same dangerous code, put by the author under folders that used to make it vendored,
// generated or a test: through the real CLI it scores the same and the models are shown it,
// unless the base revision's .gitattributes marks the folder.

interface ScoreJson {
  score: number;
  tier: string;
  files: Array<{ path: string; kind: string }>;
  factors: Array<{ id: string; points: number }>;
}

interface DryRunJson {
  filesShown: string[];
  notReviewed: Array<{ path: string; reason: string }>;
}

const BODY = `${DANGEROUS_JS.join('\n')}\n`;
const ids = (json: ScoreJson) => json.factors.map((f) => f.id).sort();
const points = (json: ScoreJson, id: string) => json.factors.find((f) => f.id === id)?.points;

describe('riskgate score and review on code the author puts under any folder', () => {
  const repo = new GitRepo();
  let base = '';
  let marked = '';
  const heads = new Map<string, string>();
  let atSource: ScoreJson;

  const branch = (name: string, from: string, files: Record<string, string>) => {
    repo.git('checkout', '-q', '-B', name, from);
    for (const [path, text] of Object.entries(files)) repo.write(path, text);
    return repo.commit(name);
  };
  const score = async (range: string) => {
    const run = await runCli(['score', range, '--json'], { cwd: repo.dir });
    expect(run.stderr).toBe('');
    return JSON.parse(run.stdout) as ScoreJson;
  };
  const dryRun = async (range: string) => {
    const run = await runCli(['review', range, '--dry-run', '--json'], { cwd: repo.dir, env: { ANTHROPIC_API_KEY: '' } });
    expect(run.stderr).toBe('');
    return JSON.parse(run.stdout) as DryRunJson;
  };

  beforeAll(async () => {
    repo.write('src/app.js', 'module.exports = 1;\n').write('README.md', '# app\n');
    base = repo.commit('initial');
    for (const path of AUTHOR_CHOSEN_PATHS) heads.set(path, branch(`at-${path.replace(/\W/g, '-')}`, base, { [path]: BODY }));
    // The PR marks its own folder vendored: that counts for nothing.
    heads.set('self-marked', branch('self-marked', base, { '.gitattributes': 'vendor/** linguist-vendored\n', 'vendor/acme/run.js': BODY }));
    // The base marks it: that earns the status.
    marked = branch('marked', base, { '.gitattributes': 'vendor/** linguist-vendored\n' });
    heads.set('base-marked', branch('base-marked', marked, { 'vendor/acme/run.js': BODY }));
    atSource = await score(`${base}..${heads.get('src/run.js')}`);
  }, 60_000);
  afterAll(() => repo.cleanup());

  it('scores it as a change worth more than the minimal tier under src/', () => {
    expect(ids(atSource)).toEqual(expect.arrayContaining(['pattern.dynamic-code', 'pattern.tls-disabled', 'pattern.process-spawn', 'pattern.hardcoded-credential', 'size.changed-lines']));
    expect(atSource.tier).not.toBe('minimal');
  });

  it.each(AUTHOR_CHOSEN_PATHS.filter((p) => p !== 'src/run.js' && !p.startsWith('fixtures/')))('scores it the same under %s, and shows it to the models', async (path) => {
    const range = `${base}..${heads.get(path)}`;
    const json = await score(range);
    expect([path, json.files[0]!.kind, ids(json), json.score]).toEqual([path, 'source', ids(atSource), atSource.score]);
    expect(await dryRun(range)).toMatchObject({ filesShown: [path], notReviewed: [] });
  });

  it('counts it in a fixture too, with no tests-only discount, and shows it to the models', async () => {
    const range = `${base}..${heads.get('fixtures/run.js')}`;
    const json = await score(range);
    expect(json.files[0]!.kind).toBe('test');
    expect(ids(json)).toContain('pattern.hardcoded-credential');
    expect(ids(json).filter((id) => id.startsWith('kind.'))).toEqual([]);
    expect(points(json, 'size.changed-lines')).toBe(points(atSource, 'size.changed-lines'));
    expect(await dryRun(range)).toMatchObject({ filesShown: ['fixtures/run.js'], notReviewed: [] });
  });

  it('scores a diff given with --diff exactly as the range', async () => {
    const head = heads.get('src/vendor/run.js')!;
    const text = repo.git('diff', ...GIT_DIFF_FLAGS, base, head);
    repo.git('checkout', '-q', base);
    const run = await runCli(['score', '--diff', '-', '--json'], { cwd: repo.dir, input: text });
    const fromDiff = JSON.parse(run.stdout) as ScoreJson;
    expect(fromDiff.files[0]!.kind).toBe('source');
    expect(fromDiff.score).toBe(atSource.score);
  });

  it('ignores a .gitattributes the change adds itself', async () => {
    const range = `${base}..${heads.get('self-marked')}`;
    const json = await score(range);
    expect(json.files.find((f) => f.path === 'vendor/acme/run.js')!.kind).toBe('source');
    expect(ids(json)).toContain('pattern.dynamic-code');
    expect((await dryRun(range)).filesShown).toContain('vendor/acme/run.js');
  });

  it('takes the status from the base revision\'s .gitattributes, still scanning the file and listing it as not shown', async () => {
    const range = `${marked}..${heads.get('base-marked')}`;
    const json = await score(range);
    expect(json.files).toEqual([expect.objectContaining({ path: 'vendor/acme/run.js', kind: 'vendored' })]);
    expect(ids(json)).toEqual(expect.arrayContaining(['pattern.hardcoded-credential', 'kind.not-shown']));
    expect(ids(json)).not.toContain('size.changed-lines');
    expect(await dryRun(range)).toMatchObject({ filesShown: [], notReviewed: [{ path: 'vendor/acme/run.js', reason: 'vendored' }] });
  });
});
