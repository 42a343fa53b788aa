import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Octokit } from '@octokit/rest';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { checkRunSink } from '../../src/github/check-run-sink.js';
import { closeAbandonedGate, type AbandonedGate } from '../../src/github/close-abandoned-gate.js';
import { octokitGitHub } from '../../src/github/octokit-github.js';
import { SqliteStore } from '../../src/store/sqlite/sqlite-store.js';
import { startGitHubServer, type GitHubServer } from '../support/github-server.js';

const REPO = { owner: 'acme', repo: 'shop' };
const FULL = 'acme/shop';
const PULL = { ...REPO, pullNumber: 1 };
const OLD = 'e'.repeat(40);
const NEW = 'd'.repeat(40);
const NAMES = ['riskgate', 'riskgate / review', 'riskgate / security', 'riskgate / tests'];
let server: GitHubServer;
let store: SqliteStore;
let dataDir: string;

beforeAll(async () => {
  server = await startGitHubServer();
  dataDir = mkdtempSync(join(tmpdir(), 'riskgate-abandoned-'));
  store = new SqliteStore(join(dataDir, 'riskgate.db'));
});
afterAll(async () => {
  await server.close();
  await store.close();
  rmSync(dataDir, { recursive: true, force: true });
});
beforeEach(() => {
  server.reset();
  server.addRepo(FULL);
  server.setPull(FULL, { number: 1, headSha: OLD, baseSha: 'f'.repeat(40), title: 't', user: { login: 'dev' } });
});

async function close(gate: Omit<AbandonedGate, 'pull'>) {
  const github = octokitGitHub(new Octokit({ auth: server.createInstallationToken(), baseUrl: server.url }), { id: 1 });
  const log = { info: () => undefined, warn: () => undefined };
  await closeAbandonedGate({ ...gate, pull: PULL }, { github, checks: checkRunSink(github), runs: store, log });
}

describe('closing what a dead gate job left', () => {
  it('creates the checks of a job that died on every attempt before opening any, concluded failure', async () => {
    // E.g. the change's scoring killed the process each time: nothing was claimed or opened.
    await close({ jobId: 'job-before-claim', headSha: OLD, deaths: 3, why: 'exhausted' });
    expect(server.checkRuns(FULL).map((c) => [c.name, c.status, c.conclusion, c.output.title])).toEqual(
      NAMES.map((name) => [name, 'completed', 'failure', 'riskgate failed 3 times on this change']),
    );
    expect(server.checkRuns(FULL)[0]!.output.summary).toMatch(/^The change itself made riskgate fail: riskgate stopped 3 times while gating it/);
    expect(server.violations).toEqual([]);
  });

  it('closes the umbrella a superseded dead run opened, creates its agent checks cancelled, and finishes its gate run', async () => {
    const github = octokitGitHub(new Octokit({ auth: server.createInstallationToken(), baseUrl: server.url }), { id: 1 });
    const claim = { runKey: 'run-superseded', installationId: 1, repository: FULL, pullNumber: 1, headSha: OLD, author: 'dev', tier: 'standard' as const, owner: 'job-dead', explicit: false };
    await store.claimRun(claim, Date.now(), 60_000);
    // It died while its agents ran: the umbrella open, its id kept; no agent check yet.
    await checkRunSink(github).open(REPO, OLD, undefined, (partial) => store.attachChecks(claim.runKey, partial));
    expect(server.checkRuns(FULL).map((c) => [c.name, c.status])).toEqual([['riskgate', 'in_progress']]);
    server.setHead(FULL, 1, NEW);

    await close({ jobId: 'job-dead', headSha: OLD, deaths: 1, why: 'superseded' });
    expect(server.checkRuns(FULL).map((c) => [c.name, c.status, c.conclusion, c.output.title])).toEqual(NAMES.map((name) => [name, 'completed', 'cancelled', 'Superseded by ddddddd']));
    expect(await store.unfinishedRunsOf('job-dead')).toEqual([]);
    expect((await store.listRuns({ limit: 10 })).find((r) => r.runKey === claim.runKey)).toMatchObject({ state: 'superseded', conclusion: 'cancelled' });
    // Nothing is created on the new head: its own job gates it.
    expect(server.checkRuns(FULL).filter((c) => c.head_sha === NEW)).toEqual([]);
  });

  it('keeps a check an earlier riskgate published and fails the rest, the umbrella first of all', async () => {
    const github = octokitGitHub(new Octokit({ auth: server.createInstallationToken(), baseUrl: server.url }), { id: 1 });
    const claim = { runKey: 'run-exhausted', installationId: 1, repository: FULL, pullNumber: 1, headSha: OLD, author: 'dev', tier: 'standard' as const, owner: 'job-crashing', explicit: false };
    await store.claimRun(claim, Date.now(), 60_000);
    const opened = await checkRunSink(github).open(REPO, OLD, undefined, (partial) => store.attachChecks(claim.runKey, partial));
    // An agent check the dead run recorded and concluded (as riskgate before this one opened them all).
    const review = await github.createCheckRun(REPO, { name: 'riskgate / review', headSha: OLD, output: { title: 'published', summary: 's' }, externalId: 'riskgate' });
    await store.attachChecks(claim.runKey, { ...opened, ids: { ...opened.ids, 'riskgate / review': review } });
    await github.updateCheckRun(REPO, review, { conclusion: 'success', output: { title: 'published', summary: 's' } });

    await close({ jobId: 'job-crashing', headSha: OLD, deaths: 2, why: 'exhausted' });
    expect(server.checkRuns(FULL).map((c) => [c.name, c.conclusion, c.output.title])).toEqual([
      ['riskgate', 'failure', 'riskgate failed 2 times on this change'],
      ['riskgate / review', 'success', 'published'],
      ...NAMES.slice(2).map((name) => [name, 'failure', 'riskgate failed 2 times on this change']),
    ]);
    expect((await store.listRuns({ limit: 10 })).find((r) => r.runKey === claim.runKey)).toMatchObject({ state: 'errored', conclusion: 'failure' });
  });

  it('leaves alone a superseded job that names no head and opened nothing', async () => {
    await close({ jobId: 'job-command', deaths: 1, why: 'superseded' });
    expect(server.checkRuns(FULL)).toEqual([]);
  });
});
