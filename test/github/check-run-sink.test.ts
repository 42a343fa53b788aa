import { Octokit } from '@octokit/rest';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { checkRunSink, MAX_ANNOTATIONS_PER_REQUEST, RISKGATE_EXTERNAL_ID } from '../../src/github/check-run-sink.js';
import { octokitGitHub } from '../../src/github/octokit-github.js';
import { UMBRELLA_CHECK, type RenderedCheck, type RenderedGate } from '../../src/report/render-checks.js';
import { startGitHubServer, type GitHubServer } from '../support/github-server.js';

const REPO = { owner: 'acme', repo: 'shop' };
const FULL = 'acme/shop';
const SHA = 'e'.repeat(40);
let server: GitHubServer;

const rendered = (name: string, annotations = 0, conclusion: RenderedCheck['conclusion'] = 'success'): RenderedCheck => ({
  name,
  conclusion,
  title: `${name} done`,
  summary: 'summary',
  annotations: Array.from({ length: annotations }, (_, i) => ({ path: 'src/a.ts', start_line: i + 1, end_line: i + 1, annotation_level: 'warning' as const, title: `t${i}`, message: `m${i}` })),
  actions: [],
});

beforeAll(async () => {
  server = await startGitHubServer();
});
afterAll(() => server.close());
beforeEach(() => {
  server.reset();
  server.addRepo(FULL);
  server.setPull(FULL, { number: 1, headSha: SHA, baseSha: 'f'.repeat(40), title: 't', user: { login: 'dev' } });
});

describe('check runs through the API', () => {
  it('opens the umbrella alone with the running text, concludes it in one write, then creates the agent checks completed (120 annotations in batches of 50)', async () => {
    const github = octokitGitHub(new Octokit({ auth: 'ghs_x', baseUrl: server.url }), { slug: 'github-actions' });
    const sink = checkRunSink(github);
    const running = { title: 'Running: risk 40/100, thorough tier', summary: '**Running** the thorough tier: review and security on `claude-sonnet-5-5`' };
    const opened = await sink.open(REPO, SHA, undefined, undefined, running);
    expect(server.checkRuns(FULL).map((c) => [c.name, c.status, c.output.title, c.output.summary])).toEqual([[UMBRELLA_CHECK, 'in_progress', running.title, running.summary]]);
    const writesBefore = server.requests.filter((r) => r.method !== 'GET').length;

    const gate: RenderedGate = {
      umbrella: { ...rendered(UMBRELLA_CHECK, 0, 'failure'), text: 'details', actions: [{ label: 'Run full gates', description: 'd', identifier: 'run-full' }] },
      agents: [rendered('riskgate / review'), rendered('riskgate / security', 120, 'failure'), rendered('riskgate / tests', 0, 'skipped')],
    };
    await sink.publish(opened, gate);
    expect(server.violations).toEqual([]);

    const runs = server.checkRuns(FULL);
    const nameOf = (path: string) => runs.find((c) => path.endsWith(`/check-runs/${c.id}`))?.name;
    const writes = server.requests.filter((r) => r.method !== 'GET').slice(writesBefore).map((r) => {
      const body = r.body as { name?: string; status?: string; conclusion?: string; output: { annotations?: unknown[] } };
      return [r.method, body.name ?? nameOf(r.path), body.conclusion ?? body.status ?? null, body.output.annotations?.length ?? 0];
    });
    // The conclusion first, in one write; every agent check needs one write, but the one whose
    // annotations need three requests, which concludes with the last batch.
    expect(writes).toEqual([
      ['PATCH', UMBRELLA_CHECK, 'failure', 0],
      ['POST', 'riskgate / review', 'success', 0],
      ['POST', 'riskgate / security', 'in_progress', MAX_ANNOTATIONS_PER_REQUEST],
      ['PATCH', 'riskgate / security', null, MAX_ANNOTATIONS_PER_REQUEST],
      ['PATCH', 'riskgate / security', 'failure', 20],
      ['POST', 'riskgate / tests', 'skipped', 0],
    ]);
    expect(runs.find((c) => c.name === 'riskgate / security')!.annotations).toHaveLength(120);
    expect(runs.map((c) => [c.name, c.status, c.conclusion, c.external_id])).toEqual([
      [UMBRELLA_CHECK, 'completed', 'failure', RISKGATE_EXTERNAL_ID],
      ['riskgate / review', 'completed', 'success', RISKGATE_EXTERNAL_ID],
      ['riskgate / security', 'completed', 'failure', RISKGATE_EXTERNAL_ID],
      ['riskgate / tests', 'completed', 'skipped', RISKGATE_EXTERNAL_ID],
    ]);
    expect(runs.map((c) => c.actions.length)).toEqual([1, 0, 0, 0]);
  });

  it('never leaves the umbrella spinning when opening fails after creating it', async () => {
    const github = octokitGitHub(new Octokit({ auth: 'ghs_x', baseUrl: server.url }), { slug: 'github-actions' });
    // The run's record of the id cannot be kept (a store outage): the check must not spin forever.
    await expect(checkRunSink(github).open(REPO, SHA, undefined, () => Promise.reject(new Error('store down')))).rejects.toThrow('store down');
    expect(server.checkRuns(FULL).map((c) => [c.name, c.status, c.conclusion, c.output.title])).toEqual([[UMBRELLA_CHECK, 'completed', 'failure', 'riskgate could not start']]);
    expect(server.violations).toEqual([]);
  });

  it('close ends the umbrella and creates the agent checks the run never got to, ended the same way', async () => {
    const github = octokitGitHub(new Octokit({ auth: 'ghs_x', baseUrl: server.url }), { slug: 'github-actions' });
    const sink = checkRunSink(github);
    await sink.close(await sink.open(REPO, SHA), 'cancelled', 'Superseded by abcdef0', 'moved on');
    expect(server.checkRuns(FULL).map((c) => [c.name, c.status, c.conclusion, c.output.title])).toEqual(
      [UMBRELLA_CHECK, 'riskgate / review', 'riskgate / security', 'riskgate / tests'].map((name) => [name, 'completed', 'cancelled', 'Superseded by abcdef0']),
    );
    expect(server.violations).toEqual([]);
  });

  it("takes over riskgate's own checks a dead run left in progress on the head, by name, and tells onOpened of each as it goes", async () => {
    const mine = new Octokit({ auth: server.createInstallationToken(), baseUrl: server.url });
    const other = new Octokit({ auth: 'ghs_someone_else', baseUrl: server.url });
    const create = (octokit: Octokit, name: string, extra: Record<string, unknown>) =>
      octokit.rest.checks.create({ owner: 'acme', repo: 'shop', name, head_sha: SHA, output: { title: 't', summary: 's' }, ...extra }).then((r) => r.data.id);
    const left = await create(mine, UMBRELLA_CHECK, { status: 'in_progress', external_id: RISKGATE_EXTERNAL_ID });
    // An agent check an earlier riskgate opened in progress is taken over too.
    const leftTests = await create(mine, 'riskgate / tests', { status: 'in_progress', external_id: RISKGATE_EXTERNAL_ID });
    // Not to be taken over: a finished one, one without riskgate's mark (a workflow job named
    // like the check), and another app's.
    await create(mine, 'riskgate / review', { status: 'completed', conclusion: 'success', external_id: RISKGATE_EXTERNAL_ID });
    await create(mine, 'riskgate / security', { status: 'in_progress' });
    await create(other, 'riskgate / tests', { status: 'in_progress', external_id: RISKGATE_EXTERNAL_ID });

    const seen: Array<Record<string, number>> = [];
    const sink = checkRunSink(octokitGitHub(mine, { id: 1 }));
    const opened = await sink.open(REPO, SHA, undefined, async (partial) => void seen.push({ ...partial.ids }));
    expect(opened.ids).toEqual({ [UMBRELLA_CHECK]: left, 'riskgate / tests': leftTests });
    // Nothing new is created: the umbrella is there already.
    expect(server.checkRuns(FULL)).toHaveLength(5);
    expect(server.checkRuns(FULL).find((c) => c.id === left)!.output.title).toBe('Running again');
    // Each id is told before the next write: a crash between two loses none.
    expect(seen.map((ids) => Object.keys(ids))).toEqual([[UMBRELLA_CHECK], [UMBRELLA_CHECK, 'riskgate / tests']]);

    await sink.publish(opened, { umbrella: rendered(UMBRELLA_CHECK), agents: [rendered('riskgate / review'), rendered('riskgate / security'), rendered('riskgate / tests')] });
    // The taken-over check is finished in place; the others are new, created completed.
    const runs = server.checkRuns(FULL);
    expect(runs.find((c) => c.id === leftTests)).toMatchObject({ status: 'completed', conclusion: 'success' });
    expect(runs).toHaveLength(7);
    expect(runs.slice(5).map((c) => [c.name, c.status, c.app.id])).toEqual([
      ['riskgate / review', 'completed', 1],
      ['riskgate / security', 'completed', 1],
    ]);
    expect(server.violations).toEqual([]);
  });

  it('reads earlier state only from its own app\'s check runs', async () => {
    const mine = new Octokit({ auth: server.createInstallationToken(), baseUrl: server.url });
    const other = new Octokit({ auth: 'ghs_someone_else', baseUrl: server.url });
    await other.rest.checks.create({ owner: 'acme', repo: 'shop', name: UMBRELLA_CHECK, head_sha: SHA, status: 'completed', conclusion: 'success', output: { title: 'forged', summary: 's', text: 'forged text' } });
    const github = octokitGitHub(mine, { id: 1 });
    expect(await github.findOwnCheckRun(REPO, SHA, UMBRELLA_CHECK)).toBeUndefined();
    await mine.rest.checks.create({ owner: 'acme', repo: 'shop', name: UMBRELLA_CHECK, head_sha: SHA, status: 'completed', conclusion: 'success', output: { title: 'mine', summary: 's', text: 'my text' } });
    expect(await github.findOwnCheckRun(REPO, SHA, UMBRELLA_CHECK)).toMatchObject({ headSha: SHA, text: 'my text' });
    expect(server.violations).toEqual([]);
  });

  it('reads a file at a ref, and a missing one as undefined; roles keep maintain and triage', async () => {
    const github = octokitGitHub(new Octokit({ auth: 'ghs_x', baseUrl: server.url }), { slug: 'github-actions' });
    server.setFile(FULL, 'main', '.github/riskgate.yml', 'version: 1\n');
    expect(await github.readFile(REPO, '.github/riskgate.yml', 'f'.repeat(40))).toBe('version: 1\n');
    expect(await github.readFile(REPO, 'missing.yml', 'main')).toBeUndefined();
    server.setPermission(FULL, 'lead', 'maintain');
    server.setPermission(FULL, 'triager', 'triage');
    expect(await github.permissionOf(REPO, 'lead')).toBe('maintain');
    expect(await github.permissionOf(REPO, 'triager')).toBe('triage');
    expect(await github.permissionOf(REPO, 'stranger')).toBe('none');
  });
});
