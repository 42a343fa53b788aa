import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Probot, ProbotOctokit, Server } from 'probot';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { riskgateApp, type AppDependencies } from '../../src/app/riskgate-app.js';
import { SqliteJobQueue } from '../../src/queue/sqlite-job-queue.js';
import { AnthropicModel } from '../../src/model/anthropic-model.js';
import { MODEL_PATH } from '../../src/calibrate/risk-model-file.js';
import { parseConfig } from '../../src/config/load-config.js';
import { formatUsd } from '../../src/report/format-amounts.js';
import { decodeGateState } from '../../src/report/gate-state.js';
import { createReviewer } from '../../src/run/review-change.js';
import { createCallLimiter } from '../../src/run/call-limiter.js';
import { SqliteStore } from '../../src/store/sqlite/sqlite-store.js';
import { answer, roleOf, scriptAgents, verdicts } from '../support/agent-script.js';
import { AnthropicTestServer } from '../support/anthropic-server.js';
import { AUTH_FILE, BASE_SHA, FOUND_SQL, HEAD_SHA, PR, REPO, SQL_BLOCKER, STANDARD_CONFIG } from '../support/example-pull.js';
import { startGitHubServer, type GitHubServer, type SeedPullFile } from '../support/github-server.js';
import { billionLaughs } from '../support/billion-laughs.js';
import { riskModelFileText, riskModelFixture } from '../support/risk-model-fixture.js';
import { addedFile, deliver, examplePayload } from '../support/webhooks.js';

const APP_ID = 4242;
const SECRET = 'test-webhook-secret';
const NEXT_SHA = '1111111111111111111111111111111111111111';
const LATER_SHA = '2222222222222222222222222222222222222222';

const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048, privateKeyEncoding: { type: 'pkcs1', format: 'pem' }, publicKeyEncoding: { type: 'spki', format: 'pem' } });

let github: GitHubServer;
const anthropic = new AnthropicTestServer();
let probot: Server;
let appUrl: string;
let queue: SqliteJobQueue;
const jobErrors: unknown[] = [];
let dataDir: string;
let deps: AppDependencies;
let storeNumber = 0;


function seedPull(headSha: string, files: SeedPullFile[], extra: { changedFiles?: number; draft?: boolean } = {}) {
  github.setPull(REPO, { number: PR, headSha, baseSha: BASE_SHA, title: 'Add login', body: 'Adds a login function.', user: { login: 'Codertocat' }, ...extra });
  github.setPullFiles(REPO, PR, files);
}

const checksOn = (sha: string) => github.checkRuns(REPO).filter((c) => c.head_sha === sha);
const check = (sha: string, name: string) => checksOn(sha).filter((c) => c.name === name).at(-1)!;

function prEvent(action: 'opened' | 'synchronize', headSha: string, before?: string) {
  const payload = examplePayload('pull_request', action);
  payload.installation ??= { id: 1 };
  payload.pull_request.head.sha = headSha;
  if (before) payload.before = before;
  if (action === 'synchronize') payload.after = headSha;
  return payload;
}

function commentEvent(body: string, login: string, type: 'User' | 'Bot' = 'User') {
  const payload = examplePayload('issue_comment', 'created');
  payload.installation ??= { id: 1 };
  payload.issue.number = PR;
  payload.issue.pull_request = { url: `https://api.github.com/repos/${REPO}/pulls/${PR}` };
  payload.comment.body = body;
  payload.comment.user = { ...payload.comment.user, login, type };
  payload.sender = { ...payload.sender, login, type };
  return payload;
}

const send = async (event: string, payload: unknown, id?: string) => {
  const delivery = await deliver(appUrl, event, payload, { secret: SECRET, ...(id ? { id } : {}) });
  expect(delivery.status).toBe(200);
  return delivery;
};

beforeAll(async () => {
  github = await startGitHubServer({ appId: APP_ID });
  await anthropic.start();
  dataDir = mkdtempSync(join(tmpdir(), 'riskgate-app-'));
  queue = new SqliteJobQueue({ path: join(dataDir, 'riskgate.db'), limits: { concurrency: 2 }, onError: (e) => jobErrors.push(e) });
  deps = {
    appId: APP_ID,
    queue,
    model: new AnthropicModel({ apiKey: 'sk-test', baseURL: anthropic.url, maxRetries: 1 }),
    store: new SqliteStore(join(dataDir, 'store-0.db')),
    limiter: createCallLimiter(8),
  };
  // A job that throws is a failed test, like an error the queue could not hand to a job.
  const start = queue.start.bind(queue);
  queue.start = (handler, onFailed) => start(handler, (job, error, failure) => (jobErrors.push(error), onFailed(job, error, failure)));
  // Probot's own logger at "fatal": the server's request log and the refused signatures stay quiet.
  const log = new Probot({ appId: APP_ID, privateKey, logLevel: 'fatal' }).log;
  probot = new Server({
    log,
    loggingOptions: { autoLogging: false },
    Probot: Probot.defaults({
      log,
      appId: APP_ID,
      privateKey,
      secret: SECRET,
      baseUrl: github.url,
      // In production probot spaces writes a second apart, as GitHub asks; here that would only
      // make every scenario take eight seconds more.
      Octokit: ProbotOctokit.defaults((options: Record<string, unknown>) => ({ ...options, throttle: { ...(options.throttle as object), enabled: false } })),
    }),
    host: '127.0.0.1',
    port: 0,
  });
  await probot.load(riskgateApp(deps));
  const http = await probot.start();
  appUrl = `http://127.0.0.1:${(http.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await probot.stop();
  await queue.close();
  await deps.store.close();
  await github.close();
  await anthropic.stop();
  rmSync(dataDir, { recursive: true, force: true });
});

beforeEach(() => {
  github.reset();
  anthropic.reset();
  jobErrors.length = 0;
  github.addRepo(REPO);
  github.setPermission(REPO, 'Codertocat', 'write');
  // Each scenario starts with an empty result cache and no gate runs: they reuse the same heads.
  void deps.store.close();
  deps.store = new SqliteStore(join(dataDir, `store-${++storeNumber}.db`));
});

afterEach(async () => {
  await queue.idle();
  // Every call riskgate made was one GitHub would accept, and no job failed unseen.
  expect(github.violations).toEqual([]);
  expect(jobErrors).toEqual([]);
});

describe('riskgate App, end to end over HTTP', () => {
  it('opened: answers the webhook at once, opens the checks in progress, then completes them with annotations', async () => {
    seedPull(HEAD_SHA, [AUTH_FILE, addedFile('README.md', ['# Hello'])]);
    github.setFile(REPO, 'main', '.github/riskgate.yml', STANDARD_CONFIG);
    // The added file as it is at the head: read once, by the code layer; the verifier reuses the blob.
    github.setFile(REPO, HEAD_SHA, 'src/auth/login.ts', `${['import { db } from "../db";', 'export function login(name: string) {', '  db.query("select * from users where name = \'" + name + "\'");', '}'].join('\n')}\n`);
    anthropic.latency = { firstTokenMs: 100, totalMs: 400 };
    anthropic.respond = FOUND_SQL;

    const delivery = await send('pull_request', prEvent('opened', HEAD_SHA));
    // Acknowledged before any model answered: the gate runs after the response.
    expect(anthropic.requests.filter((r) => r.finishedAt !== undefined)).toHaveLength(0);
    expect(delivery.ms).toBeLessThan(2_000);
    await queue.idle();

    const checks = checksOn(HEAD_SHA);
    expect(checks.map((c) => c.name).sort()).toEqual(['riskgate', 'riskgate / review', 'riskgate / security', 'riskgate / tests']);
    // Created in progress, then updated in place: one run per name, each completed.
    for (const c of checks) expect([c.status, c.app.id]).toEqual(['completed', APP_ID]);
    const creates = github.requests.filter((r) => r.method === 'POST' && r.path.endsWith('/check-runs'));
    // The umbrella alone in progress (with the plan), concluded in place; the agent checks created completed.
    expect(creates.map((r) => [(r.body as { name: string }).name, (r.body as { status: string }).status])).toEqual([
      ['riskgate', 'in_progress'],
      ['riskgate / review', 'completed'],
      ['riskgate / security', 'completed'],
      ['riskgate / tests', 'completed'],
    ]);
    expect((creates[0]!.body as { output: { title: string } }).output.title).toMatch(/^Running: risk \d+\/100, standard tier$/);
    // Config came from the base branch.
    expect(github.contentReads).toEqual([
      expect.objectContaining({ path: '.github/riskgate.yml', ref: BASE_SHA }),
      expect.objectContaining({ path: MODEL_PATH, ref: BASE_SHA }),
      expect.objectContaining({ path: '.gitattributes', ref: BASE_SHA }),
      // The review guidelines, also from the base; the base has none of them.
      ...['AGENTS.md', 'CLAUDE.md', 'REVIEW.md', '.github/copilot-instructions.md'].map((path) => expect.objectContaining({ path, ref: BASE_SHA })),
      // The code-structure layer reads the changed source file at the head (it was added: no base),
      // and the verifier's view of the finding's file comes from the same read (cached by blob SHA).
      expect.objectContaining({ path: 'src/auth/login.ts', ref: HEAD_SHA }),
    ]);

    const umbrella = check(HEAD_SHA, 'riskgate');
    expect(umbrella.conclusion).toBe('failure');
    expect(umbrella.output.summary).toMatch(/<details><summary>Risk score \d+\/100: \d+ factors?<\/summary>/);
    // The blocker leads, linked to its line at the head, before the cost line and the tables.
    const blockerAt = umbrella.output.summary!.indexOf(`- **blocker** [\`src/auth/login.ts:3\`](/${REPO}/blob/${HEAD_SHA}/src/auth/login.ts#L3): SQL injection`);
    expect(blockerAt).toBeGreaterThan(0);
    expect(blockerAt).toBeLessThan(umbrella.output.summary!.indexOf('<details>'));
    expect(umbrella.output.summary).toMatch(/\| security \| ok \| `claude-/);
    expect(umbrella.output.summary).toContain('**total**');
    const security = check(HEAD_SHA, 'riskgate / security');
    expect(security.conclusion).toBe('failure');
    expect(security.annotations).toEqual([expect.objectContaining({ path: 'src/auth/login.ts', start_line: 3, end_line: 3, annotation_level: 'failure', title: 'SQL injection' })]);
    expect(check(HEAD_SHA, 'riskgate / review').conclusion).toBe('success');
    // The blocker is remembered for the next push, in the check run's own text.
    expect(decodeGateState(umbrella.output.text)?.openBlockers).toEqual([expect.objectContaining({ path: 'src/auth/login.ts', since: HEAD_SHA })]);
  });

  it('synchronize: an unresolved blocker stays until its line changes, then the gate passes', async () => {
    seedPull(HEAD_SHA, [AUTH_FILE]);
    github.setFile(REPO, 'main', '.github/riskgate.yml', STANDARD_CONFIG);
    anthropic.respond = FOUND_SQL;
    await send('pull_request', prEvent('opened', HEAD_SHA));
    await queue.idle();
    expect(check(HEAD_SHA, 'riskgate').conclusion).toBe('failure');

    // A push that leaves the query alone; this time the model does not repeat itself.
    seedPull(NEXT_SHA, [AUTH_FILE, addedFile('docs/login.md', ['How to log in.'])]);
    anthropic.respond = scriptAgents({});
    await send('pull_request', prEvent('synchronize', NEXT_SHA, HEAD_SHA));
    await queue.idle();
    const carried = check(NEXT_SHA, 'riskgate / security');
    expect(carried.conclusion).toBe('failure');
    expect(carried.annotations).toEqual([expect.objectContaining({ start_line: 3, title: 'Still open: SQL injection' })]);
    expect(check(NEXT_SHA, 'riskgate').output.summary).toContain('1 still open');

    // The push that fixes the line resolves it.
    const fixed = addedFile('src/auth/login.ts', ['import { db } from "../db";', 'export function login(name: string) {', '  db.query("select * from users where name = $1", [name]);', '}']);
    seedPull(LATER_SHA, [fixed]);
    await send('pull_request', prEvent('synchronize', LATER_SHA, NEXT_SHA));
    await queue.idle();
    expect(check(LATER_SHA, 'riskgate').conclusion).toBe('success');
    expect(check(LATER_SHA, 'riskgate').output.summary).toContain('No findings; 1 earlier blocker resolved (their lines changed).');
  });

  it('/gates full by a writer runs every agent on the strong model; by a reader it is refused', async () => {
    seedPull(HEAD_SHA, [addedFile('docs/guide.md', ['A small docs change.'])]);
    github.setPermission(REPO, 'reader', 'read');

    await send('issue_comment', commentEvent('/gates full', 'reader'));
    await queue.idle();
    expect(github.reactions).toEqual([expect.objectContaining({ content: 'confused' })]);
    expect(github.comments).toEqual([expect.objectContaining({ body: expect.stringContaining('need write access') })]);
    expect(github.checkRuns(REPO)).toEqual([]);
    expect(anthropic.requests).toEqual([]);

    await send('issue_comment', commentEvent('/gates full', 'Codertocat'));
    await queue.idle();
    expect(github.reactions.at(-1)).toEqual(expect.objectContaining({ content: 'rocket' }));
    const umbrella = check(HEAD_SHA, 'riskgate');
    expect(umbrella.output.title).toContain('full tier');
    const models = anthropic.requests.filter((r) => roleOf(r.body) !== 'verify').map((r) => r.body.model);
    expect(models.sort()).toEqual(['claude-sonnet-5-5', 'claude-sonnet-5-5', 'claude-sonnet-5-5']);
    expect(decodeGateState(umbrella.output.text)?.forcedTier).toBe('full');

    // A rerun on the same head keeps the forced tier: a command never lowers it.
    await send('issue_comment', commentEvent('/gates rerun', 'Codertocat'));
    await queue.idle();
    expect(check(HEAD_SHA, 'riskgate').output.title).toContain('full tier');
  });

  it('100 /gates full from a reader get one reply and one reaction; the others are not answered', async () => {
    seedPull(HEAD_SHA, [addedFile('docs/guide.md', ['A small docs change.'])]);
    github.setPermission(REPO, 'reader', 'read');
    github.setPermission(REPO, 'other-reader', 'read');
    for (let batch = 0; batch < 10; batch++) await Promise.all(Array.from({ length: 10 }, () => send('issue_comment', commentEvent('/gates full', 'reader'))));
    await queue.idle();
    expect(github.comments).toEqual([expect.objectContaining({ body: expect.stringContaining('@reader `/gates` commands need write access') })]);
    expect(github.reactions).toHaveLength(1);
    expect(github.checkRuns(REPO)).toEqual([]);
    // Another refused user is answered on their own.
    await send('issue_comment', commentEvent('/gates full', 'other-reader'));
    await queue.idle();
    expect(github.comments.map((c) => c.body.split(' ')[0])).toEqual(['@reader', '@other-reader']);
  });

  it('on a closed or merged pull request a command or a re-run does nothing, and says why once', async () => {
    github.setPull(REPO, { number: PR, headSha: HEAD_SHA, baseSha: BASE_SHA, title: 'Add login', user: { login: 'Codertocat' }, state: 'closed', merged: true });
    github.setPullFiles(REPO, PR, [AUTH_FILE]);
    await send('issue_comment', commentEvent('/gates full', 'Codertocat'));
    await send('issue_comment', commentEvent('/gates rerun', 'Codertocat'));
    const payload = examplePayload('check_run', 'rerequested');
    Object.assign(payload, { repository: prEvent('opened', HEAD_SHA).repository, installation: { id: 1 }, sender: { ...payload.sender, login: 'Codertocat', type: 'User' } });
    payload.check_run.app.id = APP_ID;
    payload.check_run.head_sha = HEAD_SHA;
    payload.check_run.pull_requests = [{ ...payload.check_run.pull_requests[0], number: PR }];
    await send('check_run', payload);
    await queue.idle();
    expect(github.comments).toEqual([expect.objectContaining({ body: expect.stringMatching(/^This pull request is merged, so riskgate does not gate it/) })]);
    expect(github.checkRuns(REPO)).toEqual([]);
    expect(anthropic.requests).toEqual([]);
  });

  it("a refused command never displaces a maintainer's waiting gate", async () => {
    seedPull(HEAD_SHA, [addedFile('docs/guide.md', ['A small docs change.'])]);
    github.setPermission(REPO, 'reader', 'read');
    anthropic.latency = { firstTokenMs: 50, totalMs: 400 };
    await send('pull_request', prEvent('opened', HEAD_SHA));
    // While that gate runs, a writer asks for the full tier and then a reader tries the same.
    await send('issue_comment', commentEvent('/gates full', 'Codertocat'));
    await new Promise((r) => setTimeout(r, 100));
    await send('issue_comment', commentEvent('/gates full', 'reader'));
    await queue.idle();
    expect(github.reactions.map((r) => r.content).sort()).toEqual(['confused', 'rocket']);
    expect(check(HEAD_SHA, 'riskgate').output.title).toContain('full tier');
  });

  it('the "Run full gates" button, pressed by a writer, runs the full tier on that head', async () => {
    seedPull(HEAD_SHA, [addedFile('docs/guide.md', ['A small docs change.'])]);
    const payload = examplePayload('check_run', 'requested_action');
    const repository = prEvent('opened', HEAD_SHA).repository;
    Object.assign(payload, { repository, installation: { id: 1 }, sender: { ...payload.sender, login: 'Codertocat', type: 'User' } });
    payload.check_run.app.id = APP_ID;
    payload.check_run.head_sha = HEAD_SHA;
    payload.check_run.pull_requests[0].number = PR;
    payload.requested_action = { identifier: 'run-full' };
    await send('check_run', payload);
    await queue.idle();
    expect(check(HEAD_SHA, 'riskgate').output.title).toContain('full tier');

    // Another app's check run is not riskgate's to re-run.
    const before = github.checkRuns(REPO).length;
    payload.check_run.app.id = 999;
    await send('check_run', payload);
    await queue.idle();
    expect(github.checkRuns(REPO)).toHaveLength(before);
  });

  it('skips a draft until it is ready for review; /gates help answers a writer', async () => {
    seedPull(HEAD_SHA, [AUTH_FILE], { draft: true });
    await send('pull_request', prEvent('opened', HEAD_SHA));
    await queue.idle();
    expect(github.checkRuns(REPO)).toEqual([]);

    seedPull(HEAD_SHA, [AUTH_FILE], { draft: false });
    const ready = examplePayload('pull_request', 'ready_for_review');
    Object.assign(ready, { installation: { id: 1 }, repository: prEvent('opened', HEAD_SHA).repository });
    ready.pull_request.number = PR;
    ready.pull_request.head.sha = HEAD_SHA;
    await send('pull_request', ready);
    await queue.idle();
    expect(checksOn(HEAD_SHA)).toHaveLength(4);

    await send('issue_comment', commentEvent('/gates help', 'Codertocat'));
    await queue.idle();
    expect(github.comments.at(-1)).toEqual(expect.objectContaining({ body: expect.stringContaining('`/gates full`') }));
  });

  it('ignores bot comments and ordinary comments without touching GitHub', async () => {
    seedPull(HEAD_SHA, [AUTH_FILE]);
    await send('issue_comment', commentEvent('/gates full', 'riskgate[bot]', 'Bot'));
    await send('issue_comment', commentEvent('Thanks, looks good.', 'Codertocat'));
    await queue.idle();
    expect(github.requests).toEqual([]);
  });

  it('does the work of a re-delivered webhook once', async () => {
    seedPull(HEAD_SHA, [AUTH_FILE]);
    const payload = prEvent('opened', HEAD_SHA);
    await send('pull_request', payload, 'delivery-1');
    await send('pull_request', payload, 'delivery-1');
    await queue.idle();
    expect(checksOn(HEAD_SHA)).toHaveLength(4);
  });

  it('drops results for a head that moved during the run', async () => {
    seedPull(HEAD_SHA, [AUTH_FILE]);
    anthropic.latency = { firstTokenMs: 50, totalMs: 200 };
    anthropic.respond = (body) => {
      // A push lands while the agents are working.
      github.setHead(REPO, PR, NEXT_SHA);
      return FOUND_SQL(body);
    };
    await send('pull_request', prEvent('opened', HEAD_SHA));
    await queue.idle();
    const checks = checksOn(HEAD_SHA);
    expect(checks.map((c) => c.conclusion)).toEqual(['cancelled', 'cancelled', 'cancelled', 'cancelled']);
    expect(check(HEAD_SHA, 'riskgate').output.title).toBe(`Superseded by ${NEXT_SHA.slice(0, 7)}`);
    expect(checks.flatMap((c) => c.annotations)).toEqual([]);
  });

  it('an event for a head that is already outdated does nothing', async () => {
    seedPull(NEXT_SHA, [AUTH_FILE]);
    await send('pull_request', prEvent('opened', HEAD_SHA));
    await queue.idle();
    expect(github.checkRuns(REPO)).toEqual([]);
  });

  it('a PR of 3,000+ files, most without patches: says what it did not see and raises the risk', async () => {
    const files: SeedPullFile[] = [AUTH_FILE];
    for (let i = 0; i < 3_099; i++) files.push({ filename: `assets/img-${i}.png`, status: 'added', additions: 0, deletions: 0, changes: 0 });
    seedPull(HEAD_SHA, files, { changedFiles: 3_100 });
    await send('pull_request', prEvent('opened', HEAD_SHA));
    await queue.idle();
    const umbrella = check(HEAD_SHA, 'riskgate');
    expect(umbrella.status).toBe('completed');
    expect(umbrella.output.summary).toContain('GitHub listed 3000 of the pull request');
    expect(umbrella.output.summary).toContain('`unseen.files`');
    expect(umbrella.output.summary).toMatch(/Files not analysed \(\d{4}\)/);
    expect(umbrella.output.summary!.length).toBeLessThanOrEqual(65_535);
    const pages = github.requests.filter((r) => r.path.endsWith(`/pulls/${PR}/files`));
    expect(pages).toHaveLength(30);
  });

  it.each([
    ['a docs change (minimal tier): neutral by default', [addedFile('docs/a.md', ['Docs.'])], '', 'neutral'],
    ['the same with on_error: failure', [addedFile('docs/a.md', ['Docs.'])], 'gate:\n  on_error: failure\n', 'failure'],
  ])('the model down: %s', async (_name, files, config, expected) => {
    seedPull(HEAD_SHA, files);
    if (config) github.setFile(REPO, 'main', '.github/riskgate.yml', config);
    anthropic.respond = () => ({ status: 529, errorType: 'overloaded_error' });
    await send('pull_request', prEvent('opened', HEAD_SHA));
    await queue.idle();
    const umbrella = check(HEAD_SHA, 'riskgate');
    expect(umbrella.conclusion).toBe(expected);
    expect(umbrella.output.title).toContain('could not finish');
    expect(check(HEAD_SHA, 'riskgate / review').output.summary).toMatch(/failed/);
  });

  it('an answer of 51 findings, one a valid blocker, fails the gate on that blocker and says on the check what was dropped', async () => {
    seedPull(HEAD_SHA, [AUTH_FILE]);
    github.setFile(REPO, 'main', '.github/riskgate.yml', STANDARD_CONFIG);
    const nit = (i: number) => ({ ...SQL_BLOCKER, severity: 'note' as const, confidence: 0.9, start_line: 1 + (i % 4), end_line: 1 + (i % 4), title: `Nit ${i}` });
    anthropic.respond = scriptAgents({
      security: answer([...Array.from({ length: 50 }, (_, i) => nit(i)), { ...SQL_BLOCKER, title: `SQL injection ${'.'.repeat(187)}` }]),
      verify: verdicts({ index: 0, real: true }),
    });
    await send('pull_request', prEvent('opened', HEAD_SHA));
    await queue.idle();
    const umbrella = check(HEAD_SHA, 'riskgate');
    expect(umbrella.conclusion).toBe('failure');
    // Escaped for Markdown: the problems quote what a model wrote.
    expect(umbrella.output.summary).toContain('- security: 1 item of the answer could not be used and was dropped: finding 51: title of 201 characters cut to 200; 1 finding over the 50-per-answer cap dropped \\(the least severe\\)');
    const security = check(HEAD_SHA, 'riskgate / security');
    expect(security.conclusion).toBe('failure');
    expect(security.annotations).toContainEqual(expect.objectContaining({ path: 'src/auth/login.ts', start_line: 3, annotation_level: 'failure' }));
    expect(security.output.summary).toContain('1 item of the answer could not be used and was dropped');
  });

  it.each([
    ['refuses to answer', { stopReason: 'refusal' as const }, /refused/],
    ['is steered out of the answer format', { text: 'Looks good to me! No findings.' }, /invalid\\_output: the answer is not JSON/],
    ['writes past the output cap', { stopReason: 'max_tokens' as const }, /truncated: the answer was cut off/],
  ])('a model that %s on this change fails the gate at the standard tier, even with on_error: neutral', async (_name, fault, reason) => {
    seedPull(HEAD_SHA, [AUTH_FILE]);
    github.setFile(REPO, 'main', '.github/riskgate.yml', `${STANDARD_CONFIG}gate:\n  on_error: neutral\n`);
    anthropic.respond = scriptAgents({ security: fault });
    await send('pull_request', prEvent('opened', HEAD_SHA));
    await queue.idle();
    const umbrella = check(HEAD_SHA, 'riskgate');
    expect(umbrella.conclusion).toBe('failure');
    expect(umbrella.output.title).toMatch(/standard tier: the change made riskgate fail \(failure\)$/);
    expect(umbrella.output.summary).toMatch(/^\*\*failure\*\*: the change itself made riskgate fail; security unreviewable: /);
    expect(umbrella.output.summary).toContain('**The change itself made riskgate fail**, so this check fails at every tier whatever `gate.on_error` says');
    expect(umbrella.output.summary).toMatch(/\| security \| failed on this change \|/);
    const security = check(HEAD_SHA, 'riskgate / security');
    expect(security.conclusion).toBe('failure');
    expect(security.output.summary).toMatch(reason);
    // The other agents answered normally: their own checks pass.
    expect(check(HEAD_SHA, 'riskgate / review').conclusion).toBe('success');
  });

  it("GitHub failing to list the PR's files ends the checks saying so, instead of leaving no check at all", async () => {
    seedPull(HEAD_SHA, [AUTH_FILE]);
    github.failNext('GET', /\/pulls\/2\/files/, 422, { message: 'Server Error' });
    await send('pull_request', prEvent('opened', HEAD_SHA));
    await queue.idle();
    const umbrella = check(HEAD_SHA, 'riskgate');
    expect([umbrella.status, umbrella.conclusion]).toEqual(['completed', 'failure']);
    expect(umbrella.output.title).toBe('riskgate could not read the change');
    expect(umbrella.output.summary).toContain("GitHub did not list this pull request's files");
    expect(anthropic.requests).toHaveLength(0);
  });

  it('an invalid config on the base branch fails the gate and names the key', async () => {
    seedPull(HEAD_SHA, [AUTH_FILE]);
    github.setFile(REPO, 'main', '.github/riskgate.yml', 'gate:\n  fail_on: critical\n');
    await send('pull_request', prEvent('opened', HEAD_SHA));
    await queue.idle();
    const umbrella = check(HEAD_SHA, 'riskgate');
    expect(umbrella.conclusion).toBe('failure');
    expect(umbrella.output.summary).toContain('gate.fail_on');
    expect(anthropic.requests).toEqual([]);
  });

  it('a "billion laughs" config on the base branch fails the gate, naming the problem, instead of posting no check', async () => {
    seedPull(HEAD_SHA, [AUTH_FILE]);
    github.setFile(REPO, 'main', '.github/riskgate.yml', billionLaughs());
    await send('pull_request', prEvent('opened', HEAD_SHA));
    await queue.idle();
    const umbrella = check(HEAD_SHA, 'riskgate');
    expect([umbrella.status, umbrella.conclusion]).toEqual(['completed', 'failure']);
    expect(umbrella.output.title).toBe('Invalid riskgate config on the base branch');
    expect(umbrella.output.summary).toContain('"billion laughs"');
    expect(anthropic.requests).toEqual([]);
  });

  it('a calibrated model on the base branch scores the change: its factors and a line saying so; adding it makes a new run of the same head', async () => {
    seedPull(HEAD_SHA, [AUTH_FILE]);
    github.setFile(REPO, 'main', '.github/riskgate.yml', STANDARD_CONFIG);
    anthropic.respond = scriptAgents({});
    await send('pull_request', prEvent('opened', HEAD_SHA));
    await queue.idle();
    const unscored = check(HEAD_SHA, 'riskgate');
    expect(unscored.output.summary).not.toContain('calibrated model');
    expect(unscored.output.summary).not.toContain('`model.');
    const defaultScore = Number(/^Risk (\d+)\/100/.exec(unscored.output.title!)![1]);

    // The model lands on the base branch: the same head is gated again, by the model.
    github.setFile(REPO, 'main', MODEL_PATH, riskModelFileText());
    await send('pull_request', prEvent('opened', HEAD_SHA));
    await queue.idle();
    expect(checksOn(HEAD_SHA)).toHaveLength(8);
    const scored = check(HEAD_SHA, 'riskgate');
    const summary = scored.output.summary!;
    expect(summary).toContain('Scored by the calibrated model (`.github/riskgate-model.json`, 1,200 commits, diff features');
    expect(summary).toMatch(/\| \+30 \| `model\.baseline` \|/);
    expect(summary).toMatch(/\| -9\.3 \| `model\.la` \| lines added: 4 \\\(typical here: 19\\\)/);
    // The families the model stands in for are gone; the sensitive path still adds on top.
    expect(summary).not.toContain('`size.');
    expect(summary).not.toContain('`tests.');
    expect(summary).toContain('`sensitive.auth`');
    const modelScore = Number(/^Risk (\d+)\/100/.exec(scored.output.title!)![1]);
    expect(modelScore).not.toBe(defaultScore);
    expect(github.contentReads.filter((r) => r.path === MODEL_PATH).map((r) => r.ref)).toEqual([BASE_SHA, BASE_SHA]);
  });

  it.each([
    ['not JSON', '{ "format": "riskgate-model", ', /not JSON/],
    ['a newer format', JSON.stringify({ ...JSON.parse(riskModelFileText()), version: 2 }), /model format version 2, this riskgate reads version 1/],
    ['a field out of range', riskModelFileText().replace('"sd": 1.5', '"sd": -1.5'), /variants\.history\.features\.0\.sd/],
  ])('an invalid model on the base branch (%s): scored with the default weights, and the check says why', async (_name, text, detail) => {
    seedPull(HEAD_SHA, [AUTH_FILE]);
    github.setFile(REPO, 'main', '.github/riskgate.yml', STANDARD_CONFIG);
    anthropic.respond = scriptAgents({});
    await send('pull_request', prEvent('opened', HEAD_SHA));
    await queue.idle();
    const defaultRun = check(HEAD_SHA, 'riskgate');

    // The same change pushed again, after the broken model landed on the base branch.
    seedPull(NEXT_SHA, [AUTH_FILE]);
    github.setFile(REPO, 'main', MODEL_PATH, text);
    await send('pull_request', prEvent('synchronize', NEXT_SHA, HEAD_SHA));
    await queue.idle();
    const umbrella = check(NEXT_SHA, 'riskgate');
    expect(umbrella.status).toBe('completed');
    expect(umbrella.output.title).toBe(defaultRun.output.title);
    const summary = umbrella.output.summary!;
    expect(summary).toContain('> warning: the calibrated model on the base branch is invalid, so the change was scored with the default weights: .github/riskgate-model.json at main \\(f95f852\\): ');
    expect(summary).toMatch(detail);
    expect(summary).not.toContain('`model.');
    expect(summary).not.toContain('Scored by the calibrated model');
  });

  it("a model file in the PR's own diff has no effect on its gate: the base branch's file, or none, scores it", async () => {
    // The PR adds a model that would score everything 100; the base has none.
    const { variants } = riskModelFixture();
    const inflated = riskModelFileText({ variants: { ...variants, diff: { ...variants.diff, points: { base: 100, perLogit: 10 } } } });
    const modelInDiff = addedFile(MODEL_PATH, inflated.trimEnd().split('\n'));
    seedPull(HEAD_SHA, [AUTH_FILE, modelInDiff]);
    github.setFile(REPO, 'main', '.github/riskgate.yml', STANDARD_CONFIG);
    github.setFile(REPO, `pr-${PR}`, MODEL_PATH, inflated);
    anthropic.respond = scriptAgents({});
    await send('pull_request', prEvent('opened', HEAD_SHA));
    await queue.idle();
    const headOnly = check(HEAD_SHA, 'riskgate');
    expect(headOnly.output.summary).not.toContain('`model.');
    expect(headOnly.output.summary).not.toContain('calibrated model');
    expect(headOnly.output.title).not.toMatch(/^Risk 100\//);

    // With the fixture's model on the base, the PR's edit of it changes nothing: the base's numbers score.
    github.setFile(REPO, 'main', MODEL_PATH, riskModelFileText());
    seedPull(NEXT_SHA, [AUTH_FILE, { ...modelInDiff, status: 'modified' }]);
    github.setFile(REPO, `pr-${PR}`, MODEL_PATH, inflated);
    await send('pull_request', prEvent('synchronize', NEXT_SHA, HEAD_SHA));
    await queue.idle();
    const edited = check(NEXT_SHA, 'riskgate').output.summary!;
    expect(edited).toMatch(/\| \+30 \| `model\.baseline` \|/);
    expect(edited).not.toContain('+100');
    expect(github.contentReads.filter((r) => r.path === MODEL_PATH).map((r) => r.ref)).toEqual([BASE_SHA, BASE_SHA]);
  });

  it('rejects unsigned and wrongly signed webhooks before any work', async () => {
    seedPull(HEAD_SHA, [AUTH_FILE]);
    const payload = prEvent('opened', HEAD_SHA);
    const unsigned = await deliver(appUrl, 'pull_request', payload);
    const wrong = await deliver(appUrl, 'pull_request', payload, { secret: 'not-the-secret' });
    expect([unsigned.status, wrong.status].every((s) => s >= 400 && s < 500)).toBe(true);
    await queue.idle();
    expect(github.requests).toEqual([]);
  });
});

describe('riskgate App: the spend ledger, idempotency and budgets', () => {
  const worstCase = () => {
    const reviewer = createReviewer(parseConfig(STANDARD_CONFIG, 'test'));
    return reviewer.worstCase({ diff: reviewer.fromPullFiles([AUTH_FILE]), text: { title: 'Add login', body: 'Adds a login function.' } });
  };
  const spentToday = (usd: number, author = 'Codertocat') =>
    deps.store.recordCall({
      installationId: 1,
      repository: REPO,
      pullNumber: 1,
      headSha: BASE_SHA,
      author,
      at: Date.now(),
      tier: 'standard',
      agent: 'review',
      model: 'claude-haiku-5-5',
      outcome: 'ok',
      usage: { inputTokens: 1, outputTokens: 1, cacheWrite5mTokens: 0, cacheWrite1hTokens: 0, cacheReadTokens: 0 },
      usd,
      strongUsd: usd,
      savedUsd: 0,
      latencyMs: 1,
    });

  afterEach(() => {
    delete deps.budgets;
  });

  it('records every paid call in the ledger; the same head, tier and config is gated once, whatever the delivery', async () => {
    seedPull(HEAD_SHA, [AUTH_FILE]);
    github.setFile(REPO, 'main', '.github/riskgate.yml', STANDARD_CONFIG);
    anthropic.respond = FOUND_SQL;
    await send('pull_request', prEvent('opened', HEAD_SHA));
    await queue.idle();
    const calls = anthropic.requests.length;
    expect(calls).toBe(4); // three agents and the strong model's re-check

    const byAgent = await deps.store.spend({ by: ['agent', 'outcome'] });
    expect(byAgent.map((r) => [r.group.agent, r.group.outcome, r.paidCalls])).toEqual([
      ['review', 'ok', 1],
      ['security', 'ok', 1],
      ['tests', 'ok', 1],
      ['verify', 'ok', 1],
    ]);
    const [total] = await deps.store.spend({ by: ['repository'] });
    expect(total!.group.repository).toBe(REPO);
    const umbrella = check(HEAD_SHA, 'riskgate');
    expect(umbrella.output.summary).toContain(`**${formatUsd(total!.usd)}** for 4 model calls; all on the strong model: ${formatUsd(total!.strongUsd)}.`);
    // Fast-model routing against everything on the strong model.
    expect(total!.strongUsd).toBeGreaterThan(total!.usd);

    // Another delivery for the same head (reopened, say): nothing new is created or paid.
    await send('pull_request', prEvent('opened', HEAD_SHA));
    await queue.idle();
    expect(checksOn(HEAD_SHA)).toHaveLength(4);
    expect(anthropic.requests).toHaveLength(calls);

    // A maintainer's rerun runs again on purpose, from the result cache: the ledger shows the hits, no new payment.
    await send('issue_comment', commentEvent('/gates rerun', 'Codertocat'));
    await queue.idle();
    expect(checksOn(HEAD_SHA)).toHaveLength(8);
    expect(anthropic.requests).toHaveLength(calls);
    const cached = await deps.store.spend({ by: ['outcome'] });
    expect(cached.find((r) => r.group.outcome === 'cached')).toMatchObject({ calls: 4, paidCalls: 0, usd: 0 });
    expect(cached.find((r) => r.group.outcome === 'cached')!.savedUsd).toBeCloseTo(total!.usd, 10);
    expect((await deps.store.listRuns({ limit: 10 })).map((r) => [r.state, r.conclusion])).toEqual([['completed', 'failure']]);
    // How the run went, for the dashboard's quality panel: the re-check's counts and the verdict the checks show.
    const [run] = await deps.store.listRuns({ limit: 1 });
    expect(run?.quality).toMatchObject({ verdict: 'fail', agentFailures: 0, timeouts: 0, budgetStop: false });
    expect(run?.quality?.checked).toBeGreaterThan(0);
    expect(run?.quality?.findings.blocker).toBe(run?.findings.filter((f) => f.severity === 'blocker').reduce((sum, f) => sum + f.count, 0));
  });

  it("a repository budget nearly spent lowers the tier and says so on the check run", async () => {
    const worst = worstCase();
    const standard = worst.byTier.find((t) => t.tier === 'standard')!.usd;
    const minimal = worst.byTier.find((t) => t.tier === 'minimal')!.usd;
    expect(minimal).toBeLessThan(standard);
    deps.budgets = { installation: {}, repository: { day: 10 }, outsideAuthor: {} };
    // Left: between what a minimal and a standard run may cost.
    await spentToday(10 - (minimal + standard) / 2);
    seedPull(HEAD_SHA, [AUTH_FILE]);
    github.setFile(REPO, 'main', '.github/riskgate.yml', STANDARD_CONFIG);
    anthropic.respond = FOUND_SQL;
    await send('pull_request', prEvent('opened', HEAD_SHA));
    await queue.idle();

    const umbrella = check(HEAD_SHA, 'riskgate');
    // Markdown escapes the parentheses.
    const lowered = /lowered from standard to minimal: Codertocat\/Hello-World's daily budget \\\(\$10\\\) has \$0\.\d\d left, and a standard run may cost up to \$0\.\d\d/;
    expect(umbrella.output.summary).toMatch(new RegExp(`^\\*\\*Why minimal:\\*\\* .*${lowered.source}`, 'm'));
    // Less scrutiny than the change called for is never a pass: "could not decide", neutral at this tier.
    expect(umbrella.conclusion).toBe('neutral');
    expect(umbrella.output.summary).toMatch(new RegExp(`^\\*\\*neutral\\*\\*: the budget lowered the tier: ${lowered.source.replace('lowered from standard to minimal: ', '')}`));
    expect(check(HEAD_SHA, 'riskgate / security').conclusion).toBe('skipped');
    // Only the minimal tier's agent (and its re-check, if any) was paid for.
    expect(anthropic.requests.length).toBeGreaterThan(0);
    expect(anthropic.requests.every((r) => roleOf(r.body) === 'review' || roleOf(r.body) === 'verify')).toBe(true);
  });

  it('a spent budget runs no agent and never passes; an outside author has a cap of their own', async () => {
    deps.budgets = { installation: { day: 50 }, repository: {}, outsideAuthor: { day: 0.01 } };
    seedPull(HEAD_SHA, [AUTH_FILE]);
    github.setPull(REPO, { number: PR, headSha: HEAD_SHA, baseSha: BASE_SHA, title: 'Add login', body: 'Adds a login function.', user: { login: 'stranger' } });
    github.setFile(REPO, 'main', '.github/riskgate.yml', STANDARD_CONFIG);
    await send('pull_request', prEvent('opened', HEAD_SHA));
    await queue.idle();

    expect(anthropic.requests).toHaveLength(0);
    const umbrella = check(HEAD_SHA, 'riskgate');
    // Standard tier: "could not decide" is neutral by default, never success.
    expect(umbrella.conclusion).toBe('neutral');
    const review = check(HEAD_SHA, 'riskgate / review');
    expect(review.conclusion).toBe('neutral');
    expect(review.output.summary).toContain('**stopped by budget**: the daily cap for stranger, who has no write access \\($0.01\\) has $0.01 left, and even a minimal run may cost up to $0.');
    expect(review.output.summary).toContain('no agent ran');

    // A writer's PR is not held to the outside author's cap.
    seedPull(NEXT_SHA, [AUTH_FILE]);
    anthropic.respond = FOUND_SQL;
    await send('pull_request', prEvent('synchronize', NEXT_SHA, HEAD_SHA));
    await queue.idle();
    expect(check(NEXT_SHA, 'riskgate').conclusion).toBe('failure');
    expect(anthropic.requests.length).toBeGreaterThan(0);
  });
});

describe('riskgate App: tier floors', () => {
  // A low score (no config at the base: the built-in thresholds), and eval in an auth path.
  const EVAL_IN_AUTH = addedFile('src/auth/check.ts', ['export const check = (input: string) => eval(input);']);
  const floorReason = /tier floor thorough on pattern\.dynamic-code \\\(tiers\.floors\\\): 1 added line\\\(s\\\) evaluate code built at run time/;

  afterEach(() => {
    delete deps.budgets;
  });

  it('gates a low-scoring change at the floor: strong models, the run keyed at that tier, and the umbrella names the floor', async () => {
    seedPull(HEAD_SHA, [EVAL_IN_AUTH]);
    anthropic.respond = scriptAgents({});
    await send('pull_request', prEvent('opened', HEAD_SHA));
    await queue.idle();

    const umbrella = check(HEAD_SHA, 'riskgate');
    expect(umbrella.output.title).toMatch(/^Risk \d+\/100, thorough tier/);
    expect(umbrella.output.summary).toMatch(new RegExp(`^\\*\\*Why thorough:\\*\\* .* \\(score \\d+\\/100\\); ${floorReason.source}`, 'm'));
    const models = Object.fromEntries(anthropic.requests.map((r) => [roleOf(r.body), r.body.model]));
    expect(models).toMatchObject({ review: 'claude-sonnet-5-5', security: 'claude-sonnet-5-5', tests: 'claude-haiku-5-5' });
    expect((await deps.store.listRuns({ limit: 10 })).map((r) => r.tier)).toEqual(['thorough']);
    expect(decodeGateState(umbrella.output.text ?? '')?.tier).toBe('thorough');
  });

  it('a budget that cannot pay for the floor lowers the tier with its own reason, and the result is no pass', async () => {
    const reviewer = createReviewer(parseConfig('', 'test'));
    const worst = reviewer.worstCase({ diff: reviewer.fromPullFiles([EVAL_IN_AUTH]), text: { title: 'Add login', body: 'Adds a login function.' } });
    expect(worst.wanted).toBe('thorough');
    const thorough = worst.byTier.find((t) => t.tier === 'thorough')!.usd;
    const standard = worst.byTier.find((t) => t.tier === 'standard')!.usd;
    deps.budgets = { installation: {}, repository: { day: 10 }, outsideAuthor: {} };
    await deps.store.recordCall({
      installationId: 1, repository: REPO, pullNumber: 1, headSha: BASE_SHA, author: 'Codertocat', at: Date.now(), tier: 'standard', agent: 'review', model: 'claude-haiku-5-5', outcome: 'ok',
      usage: { inputTokens: 1, outputTokens: 1, cacheWrite5mTokens: 0, cacheWrite1hTokens: 0, cacheReadTokens: 0 },
      // Left: between what a standard and a thorough run may cost.
      usd: 10 - (standard + thorough) / 2, strongUsd: 10, savedUsd: 0, latencyMs: 1,
    });
    seedPull(HEAD_SHA, [EVAL_IN_AUTH]);
    anthropic.respond = scriptAgents({});
    await send('pull_request', prEvent('opened', HEAD_SHA));
    await queue.idle();

    const umbrella = check(HEAD_SHA, 'riskgate');
    expect(umbrella.output.summary).toMatch(new RegExp(`^\\*\\*Why standard:\\*\\* .* \\(score \\d+\\/100\\); ${floorReason.source}.*; lowered from thorough to standard: Codertocat\\/Hello-World's daily budget`, 'm'));
    expect(umbrella.conclusion).not.toBe('success');
    expect(anthropic.requests.every((r) => r.body.model === 'claude-haiku-5-5' || roleOf(r.body) === 'verify')).toBe(true);
  });
});
