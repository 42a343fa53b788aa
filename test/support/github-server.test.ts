import { Octokit } from '@octokit/rest';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startGitHubServer, type GitHubServer, type SeedPullFile } from './github-server.js';

// The fake GitHub must refuse what GitHub refuses (checked against GitHub's OpenAPI description)
// and answer what Octokit expects; these tests drive it with the real @octokit/rest over HTTP.

const REPO = 'acme/widgets';
const [OWNER, NAME] = ['acme', 'widgets'];
const HEAD = 'a'.repeat(40);
const BASE = 'b'.repeat(40);
/** A JWT-shaped bearer credential: the server checks the shape of an app JWT, not its signature. */
const APP_JWT = 'eyJhbGciOiJSUzI1NiJ9.eyJpc3MiOjF9.c2lnbmF0dXJl';

let server: GitHubServer;
let octokit: Octokit;

/** Asserts the scenario produced exactly these violations, then clears them for `afterEach`. */
function expectViolations(...patterns: RegExp[]): void {
  expect(server.violations).toHaveLength(patterns.length);
  patterns.forEach((pattern, i) => expect(server.violations[i]).toMatch(pattern));
  server.violations.length = 0;
}

function fileRows(count: number): SeedPullFile[] {
  return Array.from({ length: count }, (_, i) => ({ filename: `src/file-${i}.ts`, status: 'modified', additions: 1, deletions: 0, changes: 1, patch: '@@ -1 +1,2 @@\n a\n+b' }));
}

function annotations(count: number, level = 'warning') {
  return Array.from({ length: count }, (_, i) => ({ path: 'src/a.ts', start_line: i + 1, end_line: i + 1, annotation_level: level as 'warning', message: `finding ${i}` }));
}

async function createRun(client = octokit) {
  const { data } = await client.rest.checks.create({ owner: OWNER, repo: NAME, name: 'riskgate', head_sha: HEAD, status: 'in_progress', output: { title: 'Scoring', summary: 'Working…' } });
  return data;
}

beforeAll(async () => {
  // Response checking proves the fake answers in GitHub's documented shapes.
  server = await startGitHubServer({ validateResponses: true });
  octokit = new Octokit({ auth: 'ghs_test', baseUrl: server.url });
});

afterAll(async () => {
  await server.close();
});

beforeEach(() => {
  server.reset();
  server.addRepo(REPO, { id: 42 });
  server.setPull(REPO, { number: 7, headSha: HEAD, headRef: 'feature/login', baseSha: BASE, title: 'Add login', body: 'Adds a login form.', user: { login: 'octocat' } });
});

afterEach(() => {
  expect(server.violations).toEqual([]);
  expect(server.responseViolations).toEqual([]);
});

describe('GitHub server: check runs', () => {
  it('records a valid create and update, accumulating annotations', async () => {
    const created = await octokit.rest.checks.create({
      owner: OWNER,
      repo: NAME,
      name: 'riskgate',
      head_sha: HEAD,
      status: 'in_progress',
      external_id: 'run-1',
      output: { title: 'Scoring', summary: 'Working…', annotations: annotations(2) },
    });
    expect(created.status).toBe(201);
    expect(created.data).toMatchObject({ name: 'riskgate', head_sha: HEAD, status: 'in_progress', conclusion: null, app: { id: 15368, slug: 'github-actions' } });
    expect(created.data.pull_requests.map((p) => p.number)).toEqual([7]);

    const updated = await octokit.rest.checks.update({
      owner: OWNER,
      repo: NAME,
      check_run_id: created.data.id,
      conclusion: 'success',
      output: { title: 'Low risk', summary: 'Score 12', annotations: annotations(1, 'notice') },
    });
    expect(updated.data).toMatchObject({ status: 'completed', conclusion: 'success', output: { title: 'Low risk', summary: 'Score 12', annotations_count: 3 } });
    expect(updated.data.completed_at).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);

    const [record] = server.checkRuns(REPO);
    expect(record).toMatchObject({ id: created.data.id, status: 'completed', conclusion: 'success', external_id: 'run-1', updates: 1, app: { id: 15368, slug: 'github-actions' } });
    expect(record?.annotations.map((a) => a.annotation_level)).toEqual(['warning', 'warning', 'notice']);

    const listed = await octokit.rest.checks.listForRef({ owner: OWNER, repo: NAME, ref: HEAD, check_name: 'riskgate' });
    expect(listed.data.total_count).toBe(1);
    const fetched = await octokit.rest.checks.listAnnotations({ owner: OWNER, repo: NAME, check_run_id: created.data.id });
    expect(fetched.data).toHaveLength(3);
  });

  it.each([
    ['51 annotations', { output: { title: 't', summary: 's', annotations: annotations(51) } }, /must NOT have more than 50 items/],
    ['a 70,000-character summary', { output: { title: 't', summary: 'x'.repeat(70_000) } }, /summary must NOT have more than 65535 characters/],
    ['conclusion "passed"', { conclusion: 'passed' }, /conclusion must be equal to one of the allowed values/],
    ['annotation level "error"', { output: { title: 't', summary: 's', annotations: annotations(1, 'error') } }, /annotation_level must be equal to one of the allowed values/],
  ])('rejects an update with %s (422, recorded)', async (_label, change, reason) => {
    const run = await createRun();
    const update = octokit.request('PATCH /repos/{owner}/{repo}/check-runs/{check_run_id}', { owner: OWNER, repo: NAME, check_run_id: run.id, ...(change as object) });
    await expect(update).rejects.toMatchObject({ status: 422, response: { data: { message: 'Validation Failed' } } });
    expectViolations(new RegExp(`^PATCH /repos/${REPO}/check-runs/${run.id}: .*${reason.source}`));
    expect(server.checkRuns(REPO)[0]?.updates).toBe(0);
  });

  it('rejects a check run on a commit the repository does not have', async () => {
    await expect(octokit.rest.checks.create({ owner: OWNER, repo: NAME, name: 'riskgate', head_sha: 'c'.repeat(40) })).rejects.toMatchObject({ status: 422 });
    expectViolations(/No commit found for SHA/);
  });

  it('lists runs for a branch ref, newest first, the latest per name by default', async () => {
    await createRun();
    const second = await createRun();
    const latest = await octokit.rest.checks.listForRef({ owner: OWNER, repo: NAME, ref: 'feature/login' });
    expect(latest.data.check_runs.map((r) => r.id)).toEqual([second.id]);
    const all = await octokit.rest.checks.listForRef({ owner: OWNER, repo: NAME, ref: HEAD, filter: 'all', app_id: 15368 });
    expect(all.data.total_count).toBe(2);
    server.setHead(REPO, 7, 'd'.repeat(40));
    const moved = await octokit.rest.pulls.get({ owner: OWNER, repo: NAME, pull_number: 7 });
    expect(moved.data.head.sha).toBe('d'.repeat(40));
    expect((await octokit.rest.checks.listForRef({ owner: OWNER, repo: NAME, ref: 'd'.repeat(40) })).data.total_count).toBe(0);
  });

  it('attributes runs to the app whose installation token made them, which alone may update them', async () => {
    const anonymous = new Octokit({ baseUrl: server.url });
    const { data: token } = await anonymous.request('POST /app/installations/{installation_id}/access_tokens', { installation_id: 1, headers: { authorization: `bearer ${APP_JWT}` } });
    expect(token.token).toMatch(/^ghs_/);
    expect(Date.parse(token.expires_at) - Date.now()).toBeGreaterThan(59 * 60 * 1000);
    const { data: app } = await anonymous.request('GET /app', { headers: { authorization: `bearer ${APP_JWT}` } });
    expect(app).toMatchObject({ id: 1, slug: 'riskgate' });
    const { data: installation } = await anonymous.rest.apps.getRepoInstallation({ owner: OWNER, repo: NAME, headers: { authorization: `bearer ${APP_JWT}` } });
    expect(installation.id).toBe(1);

    const asApp = new Octokit({ auth: token.token, baseUrl: server.url });
    const run = await createRun(asApp);
    expect(server.checkRuns(REPO)[0]?.app).toEqual({ id: 1, slug: 'riskgate' });
    await expect(octokit.rest.checks.update({ owner: OWNER, repo: NAME, check_run_id: run.id, status: 'in_progress' })).rejects.toMatchObject({ status: 403 });
  });
});

describe('GitHub server: validation and auth', () => {
  it('answers 404 to a route GitHub does not have and records it', async () => {
    await expect(octokit.request('GET /repos/{owner}/{repo}/risk-scores', { owner: OWNER, repo: NAME })).rejects.toMatchObject({ status: 404 });
    expectViolations(/^GET \/repos\/acme\/widgets\/risk-scores: no such operation/);
  });

  it('checks declared query parameters after coercing them from strings', async () => {
    await expect(octokit.request(`GET /repos/${REPO}/pulls/7/files?per_page=many`)).rejects.toMatchObject({ status: 422 });
    await expect(octokit.rest.checks.listForRef({ owner: OWNER, repo: NAME, ref: HEAD, filter: 'newest' as 'all' })).rejects.toMatchObject({ status: 422 });
    expectViolations(/parameters\/per_page must be integer/, /parameters\/filter must be equal to one of the allowed values \(latest, all\)/);
  });

  it('refuses a missing required body and says an error repeated over items once', async () => {
    await expect(octokit.request(`POST /repos/${REPO}/check-runs`)).rejects.toMatchObject({ status: 422 });
    const run = await createRun();
    const update = octokit.request('PATCH /repos/{owner}/{repo}/check-runs/{check_run_id}', { owner: OWNER, repo: NAME, check_run_id: run.id, output: { title: 't', summary: 's', annotations: annotations(3, 'error') } });
    await expect(update).rejects.toMatchObject({ status: 422 });
    expectViolations(
      /^POST \/repos\/acme\/widgets\/check-runs: request body is required; body must have required property 'name'/,
      /body\/output\/annotations\/\*\/annotation_level must be equal to one of the allowed values \(notice, warning, failure\) \(×3\)$/,
    );
  });

  it('requires authentication and refuses writes with a read-only token', async () => {
    const anonymous = new Octokit({ baseUrl: server.url });
    await expect(anonymous.rest.pulls.get({ owner: OWNER, repo: NAME, pull_number: 7 })).rejects.toMatchObject({ status: 401 });
    await expect(anonymous.request('POST /app/installations/{installation_id}/access_tokens', { installation_id: 1 })).rejects.toMatchObject({ status: 401 });

    server.setReadOnlyToken('ghs_fork');
    const fork = new Octokit({ auth: 'ghs_fork', baseUrl: server.url });
    expect((await fork.rest.pulls.get({ owner: OWNER, repo: NAME, pull_number: 7 })).status).toBe(200);
    await expect(createRun(fork)).rejects.toMatchObject({ status: 403, response: { data: { message: 'Resource not accessible by integration' } } });
    expect(server.checkRuns()).toEqual([]);
  });

  it('plays injected faults, then answers normally', async () => {
    server.failNext('GET', /\/pulls\/7$/, 502);
    await expect(octokit.rest.pulls.get({ owner: OWNER, repo: NAME, pull_number: 7 })).rejects.toMatchObject({ status: 502 });
    expect((await octokit.rest.pulls.get({ owner: OWNER, repo: NAME, pull_number: 7 })).status).toBe(200);
    expect(server.requests.map((r) => r.status)).toEqual([502, 200]);
  });
});

describe('GitHub server: pulls, contents, permissions', () => {
  it('answers a pull in GitHub shape, including a fork head', async () => {
    server.setPull(REPO, { number: 8, headSha: HEAD, baseSha: BASE, title: 'Fork PR', user: { login: 'renovate[bot]', type: 'Bot' }, headRepoFullName: 'stranger/widgets', draft: true });
    server.setPullFiles(REPO, 8, fileRows(2));
    const { data } = await octokit.rest.pulls.get({ owner: OWNER, repo: NAME, pull_number: 8 });
    expect(data).toMatchObject({ number: 8, state: 'open', draft: true, user: { login: 'renovate[bot]', type: 'Bot' }, changed_files: 2, additions: 2, deletions: 0 });
    expect(data.head.repo).toMatchObject({ full_name: 'stranger/widgets', fork: true });
    expect(data.base).toMatchObject({ sha: BASE, ref: 'main', repo: { full_name: REPO, id: 42 } });
    expect(data.html_url).toBe(`https://github.com/${REPO}/pull/8`);
    await expect(octokit.rest.pulls.get({ owner: OWNER, repo: NAME, pull_number: 99 })).rejects.toMatchObject({ status: 404 });
    await expect(octokit.rest.pulls.get({ owner: OWNER, repo: 'missing', pull_number: 7 })).rejects.toMatchObject({ status: 404 });
  });

  it('paginates pull files through the Link header and stops at 3,000 like GitHub', async () => {
    server.setPullFiles(REPO, 7, fileRows(3100));
    const rows = await octokit.paginate(octokit.rest.pulls.listFiles, { owner: OWNER, repo: NAME, pull_number: 7, per_page: 100 });
    expect(rows).toHaveLength(3000);
    expect(rows[2999]).toMatchObject({ filename: 'src/file-2999.ts', blob_url: expect.stringContaining(HEAD) });
    expect(server.requests).toHaveLength(30);
    expect((await octokit.rest.pulls.get({ owner: OWNER, repo: NAME, pull_number: 7 })).data.changed_files).toBe(3100);
  });

  it('reads contents by ref, recording the ref asked for, and 404s an absent file', async () => {
    server.setFile(REPO, 'main', '.github/riskgate.yml', 'threshold: 40\n');
    server.setFile(REPO, 'feature/login', '.github/riskgate.yml', 'threshold: 100\n');
    const text = async (ref?: string) => {
      const { data } = await octokit.rest.repos.getContent({ owner: OWNER, repo: NAME, path: '.github/riskgate.yml', ...(ref ? { ref } : {}) });
      if (Array.isArray(data) || data.type !== 'file') throw new Error('expected a file');
      return Buffer.from(data.content, 'base64').toString('utf8');
    };
    expect(await text(BASE)).toBe('threshold: 40\n');
    expect(await text(HEAD)).toBe('threshold: 100\n');
    expect(await text()).toBe('threshold: 40\n');
    expect(server.contentReads.map((r) => r.ref)).toEqual([BASE, HEAD, undefined]);
    const missing = octokit.rest.repos.getContent({ owner: OWNER, repo: NAME, path: 'nope.yml', ref: 'main' });
    await expect(missing).rejects.toMatchObject({ status: 404, response: { data: { message: 'Not Found' } } });
  });

  it('maps roles to GitHub legacy permissions and 404s unknown users', async () => {
    server.setPermission(REPO, 'maintainer', 'maintain');
    server.setPermission(REPO, 'triager', 'triage');
    const get = (username: string) => octokit.rest.repos.getCollaboratorPermissionLevel({ owner: OWNER, repo: NAME, username });
    expect((await get('maintainer')).data).toMatchObject({ permission: 'write', role_name: 'maintain', user: { login: 'maintainer' } });
    expect((await get('triager')).data).toMatchObject({ permission: 'read', role_name: 'triage' });
    await expect(get('stranger')).rejects.toMatchObject({ status: 404 });
  });

  it('records comments and reactions, and lists pull commits', async () => {
    const { data: comment } = await octokit.rest.issues.createComment({ owner: OWNER, repo: NAME, issue_number: 7, body: 'Risk: low' });
    expect(comment.user?.login).toBe('github-actions[bot]');
    const reaction = await octokit.rest.reactions.createForIssueComment({ owner: OWNER, repo: NAME, comment_id: 555, content: 'eyes' });
    expect(reaction.status).toBe(201);
    expect(server.comments).toMatchObject([{ issueNumber: 7, body: 'Risk: low' }]);
    expect(server.reactions).toMatchObject([{ commentId: 555, content: 'eyes' }]);
    expect((await octokit.rest.pulls.listCommits({ owner: OWNER, repo: NAME, pull_number: 7 })).data).toEqual([]);
    server.setPullCommits(REPO, 7, [{ sha: HEAD, message: 'Add login', author: { login: 'octocat' } }]);
    expect((await octokit.rest.pulls.listCommits({ owner: OWNER, repo: NAME, pull_number: 7 })).data[0]).toMatchObject({ sha: HEAD, commit: { message: 'Add login' } });
  });
});
