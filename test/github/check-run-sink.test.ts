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
  it('opens four checks in progress, sends 120 annotations in batches of 50, and concludes with the last batch', async () => {
    const github = octokitGitHub(new Octokit({ auth: 'ghs_x', baseUrl: server.url }), { slug: 'github-actions' });
    const sink = checkRunSink(github);
    const opened = await sink.open(REPO, SHA);
    expect(server.checkRuns(FULL).map((c) => c.status)).toEqual(['in_progress', 'in_progress', 'in_progress', 'in_progress']);

    const gate: RenderedGate = {
      umbrella: { ...rendered(UMBRELLA_CHECK, 0, 'failure'), text: 'details' },
      agents: [rendered('riskgate / review'), rendered('riskgate / security', 120, 'failure'), rendered('riskgate / tests', 0, 'skipped')],
    };
    await sink.publish(opened, gate);
    expect(server.violations).toEqual([]);

    const security = server.checkRuns(FULL).find((c) => c.name === 'riskgate / security')!;
    expect(security.annotations).toHaveLength(120);
    const patches = server.requests.filter((r) => r.method === 'PATCH' && r.path.endsWith(`/check-runs/${security.id}`)).map((r) => r.body as { conclusion?: string; output: { annotations?: unknown[] } });
    expect(patches.map((p) => [p.output.annotations?.length ?? 0, p.conclusion])).toEqual([
      [MAX_ANNOTATIONS_PER_REQUEST, undefined],
      [MAX_ANNOTATIONS_PER_REQUEST, undefined],
      [20, 'failure'],
    ]);
    // The umbrella, the check branch protection requires, concludes last.
    const lastPatch = server.requests.filter((r) => r.method === 'PATCH').at(-1)!;
    expect(lastPatch.path).toContain(`/check-runs/${server.checkRuns(FULL).find((c) => c.name === UMBRELLA_CHECK)!.id}`);
    expect(server.checkRuns(FULL).map((c) => c.conclusion).sort()).toEqual(['failure', 'failure', 'skipped', 'success']);
  });

  it('never leaves a check spinning when creating the set fails halfway', async () => {
    const real = octokitGitHub(new Octokit({ auth: 'ghs_x', baseUrl: server.url }), { slug: 'github-actions' });
    let creates = 0;
    // The third create is refused (as a secondary rate limit would refuse it).
    const flaky = { ...real, createCheckRun: (...args: Parameters<typeof real.createCheckRun>) => (++creates === 3 ? Promise.reject(new Error('secondary rate limit')) : real.createCheckRun(...args)) };
    await expect(checkRunSink(flaky).open(REPO, SHA)).rejects.toThrow('secondary rate limit');
    expect(server.checkRuns(FULL).map((c) => [c.status, c.conclusion, c.output.title])).toEqual([
      ['completed', 'failure', 'riskgate could not start'],
      ['completed', 'failure', 'riskgate could not start'],
    ]);
    expect(server.violations).toEqual([]);
  });

  it("takes over riskgate's own checks a dead run left in progress on the head, by name, and tells onOpened of each as it goes", async () => {
    const mine = new Octokit({ auth: server.createInstallationToken(), baseUrl: server.url });
    const other = new Octokit({ auth: 'ghs_someone_else', baseUrl: server.url });
    const create = (octokit: Octokit, name: string, extra: Record<string, unknown>) =>
      octokit.rest.checks.create({ owner: 'acme', repo: 'shop', name, head_sha: SHA, output: { title: 't', summary: 's' }, ...extra }).then((r) => r.data.id);
    const left = await create(mine, UMBRELLA_CHECK, { status: 'in_progress', external_id: RISKGATE_EXTERNAL_ID });
    // Not to be taken over: a finished one, one without riskgate's mark (a workflow job named
    // like the check), and another app's.
    await create(mine, 'riskgate / review', { status: 'completed', conclusion: 'success', external_id: RISKGATE_EXTERNAL_ID });
    await create(mine, 'riskgate / security', { status: 'in_progress' });
    await create(other, 'riskgate / tests', { status: 'in_progress', external_id: RISKGATE_EXTERNAL_ID });

    const seen: Array<Record<string, number>> = [];
    const opened = await checkRunSink(octokitGitHub(mine, { id: 1 })).open(REPO, SHA, undefined, async (partial) => void seen.push({ ...partial.ids }));
    expect(opened.ids![UMBRELLA_CHECK]).toBe(left);
    expect(server.checkRuns(FULL)).toHaveLength(7);
    expect(server.checkRuns(FULL).find((c) => c.id === left)!.output.title).toBe('Running again');
    // Each id is told before the next check is created: a crash between two loses none.
    expect(seen.map((ids) => Object.keys(ids))).toEqual([
      [UMBRELLA_CHECK],
      [UMBRELLA_CHECK, 'riskgate / review'],
      [UMBRELLA_CHECK, 'riskgate / review', 'riskgate / security'],
      [UMBRELLA_CHECK, 'riskgate / review', 'riskgate / security', 'riskgate / tests'],
    ]);
    expect(seen.at(-1)).toEqual(opened.ids);
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
