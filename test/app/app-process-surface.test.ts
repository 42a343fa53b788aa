import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { roleOf } from '../support/agent-script.js';
import { AnthropicTestServer } from '../support/anthropic-server.js';
import { APP_SECRET, startAppProcess, type AppProcess, waitForApp } from '../support/app-process.js';
import { FOUND_SQL, HEAD_SHA, PR, REPO, seedExamplePull } from '../support/example-pull.js';
import { startGitHubServer, type GitHubServer } from '../support/github-server.js';
import { deliver, examplePayload } from '../support/webhooks.js';

// The App's HTTP surface as production runs it (`npm start` in its own process, the local GitHub
// and Messages API servers): what it says when an upstream echoes credentials, and what it does
// with a webhook body larger than GitHub ever sends.

const APP_ID = 6262;
const API_KEY = 'sk-ant-api03-app-process-echo-0123456789abcdef';
const MB = 1024 * 1024;

let github: GitHubServer;
const anthropic = new AnthropicTestServer();
let app: AppProcess;
let dataDir: string;

beforeAll(async () => {
  github = await startGitHubServer({ appId: APP_ID });
  await anthropic.start();
  dataDir = mkdtempSync(join(tmpdir(), 'riskgate-surface-'));
  // LOG_LEVEL info: the job log and probot's own lines are part of what must stay clean.
  app = await startAppProcess({ appId: APP_ID, githubUrl: github.url, anthropicUrl: anthropic.url, env: { RISKGATE_DATA_DIR: dataDir, ANTHROPIC_API_KEY: API_KEY, RISKGATE_JOB_ATTEMPTS: '1', LOG_LEVEL: 'info' } });
});

afterAll(async () => {
  await app?.stop();
  await github.close();
  await anthropic.stop();
  rmSync(dataDir, { recursive: true, force: true });
});

beforeEach(() => {
  github.reset();
  anthropic.reset();
  github.addRepo(REPO);
  github.setPermission(REPO, 'Codertocat', 'write');
  seedExamplePull(github);
});

const waitFor = <T>(what: string, probe: () => T | undefined | false, timeoutMs?: number) => waitForApp(what, probe, app, timeoutMs);

function openedEvent(headSha = HEAD_SHA) {
  const payload = examplePayload('pull_request', 'opened');
  payload.installation ??= { id: 1 };
  payload.pull_request.head.sha = headSha;
  return payload;
}

const umbrellaDone = () => github.checkRuns(REPO).find((c) => c.name === 'riskgate' && c.status === 'completed');

/** Every installation token the App was given (the local server mints a new one per request for one). */
const installationTokens = () => [...new Set(github.requests.map((r) => r.authorization?.replace(/^token /i, '')).filter((t): t is string => t?.startsWith('ghs_') === true))];

/** What the App posted to GitHub: every request body, check runs and comments included. */
const posted = () => JSON.stringify(github.requests.map((r) => r.body));

/** The App process's resident memory, from /proc. */
function rssBytes(): number {
  const kb = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${app.child.pid}/status`, 'utf8'))?.[1];
  return Number(kb) * 1024;
}

/** POSTs `size` bytes of JSON-ish filler to the webhook path with a wrong signature, declared or chunked. */
function postLargeWebhook(size: number, declareLength: boolean): Promise<{ status: number | 'reset' }> {
  return new Promise((resolve) => {
    const req = request(`${app.url}/api/github/webhooks`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'x-github-event': 'pull_request',
        'x-github-delivery': crypto.randomUUID(),
        'x-hub-signature-256': `sha256=${'0'.repeat(64)}`,
        ...(declareLength ? { 'content-length': String(size) } : {}),
      },
    });
    let settled = false;
    const settle = (status: number | 'reset') => {
      if (!settled) resolve({ status });
      settled = true;
    };
    req.on('response', (res) => {
      res.resume();
      settle(res.statusCode ?? 0);
    });
    req.on('error', () => settle('reset'));
    const chunk = Buffer.alloc(MB, 'a');
    let sent = 0;
    const pump = () => {
      while (sent < size) {
        sent += chunk.length;
        if (!req.write(chunk)) return void req.once('drain', pump);
      }
      req.end();
    };
    pump();
  });
}

describe('the App process: secrets an upstream echoes', () => {
  it('a Messages API gateway that echoes the request headers: the key is in no check run and not in the log', async () => {
    anthropic.respond = (body) => (roleOf(body) ? { status: 400, echoHeaders: true } : undefined);
    expect((await deliver(app.url, 'pull_request', openedEvent(), { secret: APP_SECRET })).status).toBe(200);
    await waitFor('the gate to complete', umbrellaDone);
    // The umbrella concludes first; the agent checks are created completed after it, a write a second.
    await waitFor('the agent checks', () => github.checkRuns(REPO).filter((c) => c.name !== 'riskgate' && c.status === 'completed').length >= 3);

    expect(anthropic.requests[0]!.headers.authorization).toBe(`Bearer ${API_KEY}`);
    // The gateway's message made it to the check runs, without the key.
    expect(posted()).not.toContain('app-process-echo');
    const agentChecks = github.checkRuns(REPO).filter((c) => c.name !== 'riskgate');
    expect(agentChecks.map((c) => c.output.summary).join('\n')).toContain('[redacted');
    expect(app.output()).not.toContain('app-process-echo');
    expect(github.violations).toEqual([]);
  });

  it('a GitHub proxy that echoes the Authorization header: the token is in no check run and not in the log', async () => {
    const echo = ({ authorization }: { authorization: string | undefined }) => ({ message: `Forbidden by the proxy; the request had Authorization: ${authorization}`, documentation_url: 'https://docs.github.com/rest' });
    // listFiles refused: the checks end saying why, quoting GitHub's (the proxy's) message.
    github.failNext('GET', /\/pulls\/\d+\/files$/, 403, echo);
    expect((await deliver(app.url, 'pull_request', openedEvent(), { secret: APP_SECRET })).status).toBe(200);
    const umbrella = await waitFor('the gate to end', umbrellaDone);
    expect(umbrella.output.summary).toContain('Forbidden by the proxy');
    expect(umbrella.output.summary).toContain('[redacted');

    // getPull refused: the job fails, and the App logs the error (with GitHub's answer).
    const before = app.output().length;
    github.failNext('GET', new RegExp(`/pulls/${PR}$`), 403, echo);
    expect((await deliver(app.url, 'pull_request', openedEvent(), { secret: APP_SECRET })).status).toBe(200);
    await waitFor('the job failure in the log', () => app.output().slice(before).includes('Forbidden by the proxy'));

    const tokens = installationTokens();
    expect(tokens.length).toBeGreaterThan(0);
    for (const token of tokens) {
      expect(posted()).not.toContain(token);
      expect(app.output()).not.toContain(token);
    }
    expect(app.output().slice(before)).toContain('[redacted');
  });
});

describe('the App process: webhook bodies', () => {
  it('refuses a body over 25 MB with 413 while it streams, without growing; a signed webhook still works', { timeout: 60_000 }, async () => {
    // Settle first: the process has started its jobs and caches.
    await new Promise((resolve) => setTimeout(resolve, 500));
    const before = rssBytes();
    expect(await postLargeWebhook(30 * MB, true)).toEqual({ status: 413 });
    const afterDeclared = rssBytes();
    // Chunked: no length to go by, so it is counted as it arrives and cut at the cap. Eight in a
    // row (240 MB sent): what was held until the cap is not kept, so memory levels off.
    for (let i = 0; i < 8; i++) expect([413, 'reset']).toContain((await postLargeWebhook(30 * MB, false)).status);
    const afterChunked = rssBytes();
    console.log(`App RSS: ${(before / MB).toFixed(0)} MB before; +${((afterDeclared - before) / MB).toFixed(1)} MB after a declared 30 MB body; +${((afterChunked - before) / MB).toFixed(1)} MB after eight chunked ones`);
    expect(afterDeclared - before).toBeLessThan(8 * MB);
    // The collector lets external memory grow by about 64 MB before it runs: the cap plus that.
    expect(afterChunked - before).toBeLessThan(96 * MB);

    // A head of its own: the App's store remembers the heads the tests before this one gated.
    const head = '4444444444444444444444444444444444444444';
    github.setHead(REPO, PR, head);
    anthropic.respond = FOUND_SQL;
    expect((await deliver(app.url, 'pull_request', openedEvent(head), { secret: APP_SECRET })).status).toBe(200);
    expect((await waitFor('the gate to complete', umbrellaDone)).conclusion).toBe('failure');
    expect(github.violations).toEqual([]);
  });
});
