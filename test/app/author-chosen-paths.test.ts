import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { GateOutcome } from '../../src/github/gate-pull-request.js';
import { SqliteStore } from '../../src/store/sqlite/sqlite-store.js';
import { promptOf } from '../support/anthropic-server.js';
import { AnthropicTestServer } from '../support/anthropic-server.js';
import { scriptAgents } from '../support/agent-script.js';
import { AUTHOR_CHOSEN_PATHS, DANGEROUS_JS } from '../support/dangerous-code.js';
import { BASE_SHA, HEAD_SHA, PR, REPO } from '../support/example-pull.js';
import { gateInProcess } from '../support/gate-in-process.js';
import { startGitHubServer, type GitHubServer } from '../support/github-server.js';
import { addedFile } from '../support/webhooks.js';

// The gate the App and the Action run, against the local GitHub and Messages API servers: code
// the author puts under vendor/, generated/, dist/ or fixtures/ is scored and shown to the models
// as it is under src/, unless the base branch's .gitattributes marks the folder.

const APP_ID = 4242;
const [owner, repo] = REPO.split('/') as [string, string];
let github: GitHubServer;
const anthropic = new AnthropicTestServer();
let dataDir: string;
let store: SqliteStore;
let gates = 0;

beforeAll(async () => {
  github = await startGitHubServer({ appId: APP_ID });
  await anthropic.start();
  dataDir = mkdtempSync(join(tmpdir(), 'riskgate-paths-'));
});

afterAll(async () => {
  await github.close();
  await anthropic.stop();
  rmSync(dataDir, { recursive: true, force: true });
});

beforeEach(() => {
  github.reset();
  anthropic.reset();
  anthropic.respond = scriptAgents({});
  github.addRepo(REPO);
  github.setPermission(REPO, 'Codertocat', 'write');
  store = new SqliteStore(join(dataDir, `store-${++gates}.db`));
});

afterEach(async () => {
  expect(github.violations).toEqual([]);
  await store.close();
});

/** Gates a PR adding these files, as the App does (an installation token, the App's own checks). */
async function gate(files: Record<string, string[]>): Promise<Extract<GateOutcome, { status: 'completed' }>> {
  github.setPull(REPO, { number: PR, headSha: HEAD_SHA, baseSha: BASE_SHA, title: 'Add a runner', body: 'Adds a runner.', user: { login: 'Codertocat' } });
  github.setPullFiles(REPO, PR, Object.entries(files).map(([path, lines]) => addedFile(path, lines)));
  anthropic.reset();
  anthropic.respond = scriptAgents({});
  return gateInProcess(github, anthropic, store, APP_ID, { pull: { owner, repo, pullNumber: PR }, expectedHeadSha: HEAD_SHA, explicit: true });
}

const prompts = () => anthropic.requests.map((r) => promptOf(r.body));
// A file shown to the models has its diff rendered under a "### path (...)" header; an excerpt of a
// dangerous line may reach the security agent as a lead even from a file it is not shown.
const diffHeader = (path: string) => `### ${path} (`;
const umbrella = () => github.checkRuns(REPO).filter((c) => c.name === 'riskgate').at(-1)!;
const ids = (outcome: { report: { score: { factors: Array<{ id: string }> } } }) => outcome.report.score.factors.map((f) => f.id).sort();

describe('gating code the author puts under any folder', () => {
  it('scores it under src/vendor/, vendor/, src/generated/ and dist/index.js as under src/, and shows it to every agent', async () => {
    const atSource = await gate({ 'src/run.js': DANGEROUS_JS });
    expect(ids(atSource)).toEqual(expect.arrayContaining(['pattern.dynamic-code', 'pattern.tls-disabled', 'size.changed-lines']));
    expect(atSource.report.tier).not.toBe('minimal');
    for (const path of AUTHOR_CHOSEN_PATHS.filter((p) => p !== 'src/run.js' && !p.startsWith('fixtures/'))) {
      const moved = await gate({ [path]: DANGEROUS_JS });
      expect([path, moved.report.score.score, moved.report.tier, ids(moved)]).toEqual([path, atSource.report.score.score, atSource.report.tier, ids(atSource)]);
      expect(moved.report.notReviewed).toEqual([]);
      const agentPrompts = prompts().filter((p) => !p.includes('Your role: the verifier.'));
      expect(agentPrompts.length).toBeGreaterThan(0);
      for (const prompt of agentPrompts) expect(prompt).toContain(diffHeader(path));
      expect(umbrella().output.summary).not.toContain('not shown to the models');
    }
  });

  it('shows a fixture to the agents and gives it no tests-only discount', async () => {
    const fixture = await gate({ 'fixtures/run.js': DANGEROUS_JS });
    expect(fixture.report.score.files[0]!.kind).toBe('test');
    expect(ids(fixture)).toContain('pattern.hardcoded-credential');
    expect(ids(fixture).filter((id) => id.startsWith('kind.'))).toEqual([]);
    expect(prompts().some((p) => p.includes(diffHeader('fixtures/run.js')))).toBe(true);
  });

  it('ignores a .gitattributes in the pull request itself and reads the one at the base', async () => {
    github.setFile(REPO, `pr-${PR}`, '.gitattributes', 'vendor/** linguist-vendored\n');
    const selfMarked = await gate({ '.gitattributes': ['vendor/** linguist-vendored'], 'vendor/acme/run.js': DANGEROUS_JS });
    expect(selfMarked.report.score.files.find((f) => f.path === 'vendor/acme/run.js')!.kind).toBe('source');
    expect(prompts().some((p) => p.includes(diffHeader('vendor/acme/run.js')))).toBe(true);
    expect(github.contentReads).toEqual(expect.arrayContaining([expect.objectContaining({ path: '.gitattributes', ref: BASE_SHA })]));
    expect(github.contentReads.filter((r) => r.path === '.gitattributes').map((r) => r.ref)).toEqual([BASE_SHA]);
  });

  it('takes vendored status from the base, still scanning the file and listing it, with why, as not shown', async () => {
    github.setFile(REPO, 'main', '.gitattributes', '# third-party code\nvendor/** linguist-vendored\n');
    const marked = await gate({ 'src/app.js': ['module.exports = 1;'], 'vendor/acme/run.js': DANGEROUS_JS });
    expect(marked.report.score.files.find((f) => f.path === 'vendor/acme/run.js')!.kind).toBe('vendored');
    expect(ids(marked)).toEqual(expect.arrayContaining(['pattern.hardcoded-credential', 'kind.not-shown']));
    expect(marked.report.notReviewed).toEqual([{ path: 'vendor/acme/run.js', reason: 'vendored' }]);
    for (const prompt of prompts()) expect(prompt).not.toContain(diffHeader('vendor/acme/run.js'));
    // Its dangerous lines still reach the security agent as leads, with where they are.
    expect(prompts().some((p) => p.includes('vendor/acme/run.js:7') && p.includes('return eval(input);'))).toBe(true);
    expect(prompts().some((p) => p.includes('vendor/acme/run.js: vendored'))).toBe(true);
    expect(umbrella().output.summary).toContain('`vendor/acme/run.js`: not shown to the models (vendored, as the base branch marks it (`linguist-vendored` or `paths.kinds`)');
  });
});
