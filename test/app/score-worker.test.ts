import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { scriptAgents } from '../support/agent-script.js';
import { AnthropicTestServer } from '../support/anthropic-server.js';
import { APP_SECRET, startAppProcess, type AppProcess, waitForApp } from '../support/app-process.js';
import { BASE_SHA, FOUND_SQL, HEAD_SHA, PR, REPO, seedExamplePull } from '../support/example-pull.js';
import { startGitHubServer, type GitHubServer } from '../support/github-server.js';
import { DANGEROUS_JS } from '../support/dangerous-code.js';
import { addedFile, deliver, examplePayload } from '../support/webhooks.js';

// The symptom, on the real App process: scoring a pathological change blocked the event
// loop, so webhooks went unanswered (GitHub gives up at 10 s), leases expired and the gate ended
// neutral. Scoring now runs on a worker thread with a deadline. A test hook
// (RISKGATE_TEST_HOLD_SCORING) stands in for a slow rule: it blocks the scoring thread, whichever
// thread that is, until the test releases it.

const APP_ID = 6161;
const NEXT_SHA = '3333333333333333333333333333333333333333';

let github: GitHubServer;
const anthropic = new AnthropicTestServer();
let dir: string;
let app: AppProcess | undefined;

beforeAll(async () => {
  github = await startGitHubServer({ appId: APP_ID });
  await anthropic.start();
});
afterAll(async () => {
  await github.close();
  await anthropic.stop();
});
beforeEach(() => {
  github.reset();
  anthropic.reset();
  github.addRepo(REPO);
  github.setPermission(REPO, 'Codertocat', 'write');
  dir = mkdtempSync(join(tmpdir(), 'riskgate-score-worker-'));
});
afterEach(async () => {
  await app?.stop();
  app = undefined;
  rmSync(dir, { recursive: true, force: true });
});

const waitFor = <T>(what: string, probe: () => T | undefined | false, timeoutMs?: number) => waitForApp(what, probe, app, timeoutMs);

function prOpened(headSha: string) {
  const payload = examplePayload('pull_request', 'opened');
  payload.installation ??= { id: 1 };
  payload.pull_request.head.sha = headSha;
  return payload;
}

/** A comment that is no command: the App answers it without any job. */
function ordinaryComment() {
  const payload = examplePayload('issue_comment', 'created');
  payload.installation ??= { id: 1 };
  payload.comment.body = 'Looks good to me.';
  return payload;
}

const checksOn = (sha: string) => github.checkRuns(REPO).filter((c) => c.head_sha === sha);
const umbrellaOn = (sha: string) => checksOn(sha).find((c) => c.name === 'riskgate');

describe('scoring on a worker thread', () => {
  it('answers an unrelated webhook while a change is still being scored, then finishes that gate', async () => {
    const release = join(dir, 'release');
    seedExamplePull(github);
    anthropic.respond = FOUND_SQL;
    app = await startAppProcess({ appId: APP_ID, githubUrl: github.url, anthropicUrl: anthropic.url, env: { RISKGATE_DATA_DIR: dir, RISKGATE_TEST_HOLD_SCORING: release } });

    expect((await deliver(app.url, 'pull_request', prOpened(HEAD_SHA), { secret: APP_SECRET })).status).toBe(200);
    await waitFor('the scoring to be held', () => existsSync(`${release}.held`));

    // While the scoring is held: a signed webhook is answered, and the gate has not got past scoring.
    const answered = await deliver(app.url, 'issue_comment', ordinaryComment(), { secret: APP_SECRET, signal: AbortSignal.timeout(8_000) });
    expect(answered.status).toBe(200);
    expect(checksOn(HEAD_SHA)).toEqual([]);

    writeFileSync(release, '');
    const umbrella = await waitFor('the gate to complete', () => (umbrellaOn(HEAD_SHA)?.status === 'completed' ? umbrellaOn(HEAD_SHA) : undefined));
    expect(umbrella.conclusion).toBe('failure');
    expect(umbrella.output.title).toMatch(/standard tier: 1 finding/);
    expect(github.violations).toEqual([]);
  }, 90_000);

  it('a change whose scoring overruns the deadline fails the gate at the minimal tier, even with on_error: neutral, and the App goes on', async () => {
    const release = join(dir, 'release');
    const docs = [addedFile('docs/guide.md', ['# Guide', 'Read me.'])];
    github.setPull(REPO, { number: PR, headSha: HEAD_SHA, baseSha: BASE_SHA, title: 'Docs', body: 'Docs.', user: { login: 'Codertocat' } });
    github.setPullFiles(REPO, PR, docs);
    github.setFile(REPO, 'main', '.github/riskgate.yml', 'gate:\n  on_error: neutral\n');
    anthropic.respond = scriptAgents({});
    app = await startAppProcess({
      appId: APP_ID,
      githubUrl: github.url,
      anthropicUrl: anthropic.url,
      env: { RISKGATE_DATA_DIR: dir, RISKGATE_TEST_HOLD_SCORING: release, RISKGATE_SCORE_TIMEOUT_SECONDS: '1' },
    });

    expect((await deliver(app.url, 'pull_request', prOpened(HEAD_SHA), { secret: APP_SECRET })).status).toBe(200);
    await waitFor('every check to complete', () => checksOn(HEAD_SHA).length === 4 && checksOn(HEAD_SHA).every((c) => c.status === 'completed'));
    const umbrella = umbrellaOn(HEAD_SHA)!;
    expect(umbrella.conclusion).toBe('failure');
    expect(umbrella.output.title).toBe('The change made riskgate fail');
    expect(umbrella.output.summary).toMatch(/^\*\*failure\*\*: scoring this change took longer than 1 s, so riskgate stopped it\./);
    expect(umbrella.output.summary).toContain('**The change itself made riskgate fail**, so this check fails at every tier whatever `gate.on_error` says');
    for (const c of checksOn(HEAD_SHA)) expect([c.name, c.status, c.conclusion]).toEqual([c.name, 'completed', 'failure']);
    expect(anthropic.requests).toHaveLength(0);

    // The stuck worker was terminated and replaced: the next head is scored and gated as usual.
    writeFileSync(release, '');
    github.setPull(REPO, { number: PR, headSha: NEXT_SHA, baseSha: BASE_SHA, title: 'Docs', body: 'Docs.', user: { login: 'Codertocat' } });
    expect((await deliver(app.url, 'pull_request', prOpened(NEXT_SHA), { secret: APP_SECRET })).status).toBe(200);
    const next = await waitFor('the next gate to complete', () => (umbrellaOn(NEXT_SHA)?.status === 'completed' ? umbrellaOn(NEXT_SHA) : undefined));
    expect([next.conclusion, next.output.title]).toEqual(['success', expect.stringMatching(/minimal tier: no findings/)]);
    expect(github.violations).toEqual([]);
  }, 90_000);

  it("classifies on the worker with the base branch's .gitattributes, as in-process scoring does", async () => {
    github.setPull(REPO, { number: PR, headSha: HEAD_SHA, baseSha: BASE_SHA, title: 'Vendor acme', body: 'Vendors acme.', user: { login: 'Codertocat' } });
    github.setPullFiles(REPO, PR, [addedFile('src/app.js', ['module.exports = 1;']), addedFile('vendor/acme/run.js', DANGEROUS_JS)]);
    github.setFile(REPO, 'main', '.gitattributes', 'vendor/** linguist-vendored\n');
    anthropic.respond = scriptAgents({});
    app = await startAppProcess({ appId: APP_ID, githubUrl: github.url, anthropicUrl: anthropic.url, env: { RISKGATE_DATA_DIR: dir } });

    expect((await deliver(app.url, 'pull_request', prOpened(HEAD_SHA), { secret: APP_SECRET })).status).toBe(200);
    const umbrella = await waitFor('the gate to complete', () => (umbrellaOn(HEAD_SHA)?.status === 'completed' ? umbrellaOn(HEAD_SHA) : undefined));
    expect(umbrella.output.summary).toContain('`vendor/acme/run.js`: not shown to the models (vendored, as the base branch marks it');
    expect(anthropic.requests.length).toBeGreaterThan(0);
    for (const request of anthropic.requests) expect(JSON.stringify(request.body)).not.toContain('### vendor/acme/run.js (');
    expect(github.violations).toEqual([]);
  }, 90_000);
});
