import { createHash } from 'node:crypto';
import { Octokit } from '@octokit/rest';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { gatherGitCodeContext } from '../../src/code/git-code-context.js';
import { BlobCache, githubSourceReader } from '../../src/code/github-source-reader.js';
import { gatherPullCodeContext } from '../../src/code/pull-code-context.js';
import { defaultConfig } from '../../src/config/load-config.js';
import { GIT_DIFF_FLAGS } from '../../src/git/read-git-diff.js';
import { octokitGitHub } from '../../src/github/octokit-github.js';
import { cachedReviewer } from '../../src/run/cached-reviewer.js';
import { GitRepo } from '../support/git-repo.js';
import { startGitHubServer, type GitHubServer } from '../support/github-server.js';
import { parse } from '../support/parse.js';
import { FIXTURES } from './language-fixtures.js';

const REPO = { owner: 'acme', repo: 'shop' };
const FULL = 'acme/shop';
const fixture = FIXTURES[0]!;
const API_BASE = 'export function openFile(path: string): number {\n  return path.length;\n}\n';
const API_HEAD = 'export function openFile(path: string, flags: number): number {\n  return path.length + flags;\n}\n';

const blobSha = (text: string) => {
  const bytes = Buffer.from(text, 'utf8');
  return createHash('sha1').update(`blob ${bytes.length}\0`).update(bytes).digest('hex');
};

let server: GitHubServer;
const repo = new GitRepo();
let base = '';
let head = '';
let diffText = '';

beforeAll(async () => {
  server = await startGitHubServer();
  repo.write(fixture.path, fixture.text).write('src/api.ts', API_BASE);
  base = repo.commit('base');
  repo.write(fixture.path, fixture.changed).write('src/api.ts', API_HEAD);
  head = repo.commit('head');
  diffText = repo.git('diff', ...GIT_DIFF_FLAGS, base, head, '--');
});
afterAll(() => {
  server.close();
  repo.cleanup();
});
beforeEach(() => {
  server.reset();
  server.addRepo(FULL);
  server.setPull(FULL, { number: 1, headSha: head, baseSha: base, title: 't', user: { login: 'dev' } });
  server.setFile(FULL, 'main', fixture.path, fixture.text);
  server.setFile(FULL, 'main', 'src/api.ts', API_BASE);
  server.setFile(FULL, 'pr-1', fixture.path, fixture.changed);
  server.setFile(FULL, 'pr-1', 'src/api.ts', API_HEAD);
  // The rows as GitHub lists them: hunks only, with each file's blob SHA at the head.
  const patches = diffText.split(/^diff --git /m).slice(1);
  server.setPullFiles(
    FULL,
    1,
    [fixture.path, 'src/api.ts'].map((path, i) => {
      const text = patches.find((p) => p.startsWith(`a/${path} `))!;
      const patch = text.slice(text.indexOf('\n@@') + 1).replace(/\n$/, '');
      return { filename: path, status: 'modified' as const, additions: 1 + i, deletions: 1 + i, changes: 2 + 2 * i, patch, sha: blobSha(i === 0 ? fixture.changed : API_HEAD) };
    }),
  );
});

const github = () => octokitGitHub(new Octokit({ auth: 'ghs_x', baseUrl: server.url }), { slug: 'github-actions' });
const parseRows = cachedReviewer(defaultConfig()).fromPullFiles;

describe('the code-structure layer through the contents API (App, Action)', () => {
  it('gives the same function context as git does, and names the callers it could not look up', async () => {
    const port = github();
    const rows = await port.listPullFiles({ ...REPO, pullNumber: 1 });
    const cache = new BlobCache();
    const fromGitHub = await gatherPullCodeContext(port, REPO, { headSha: head, baseSha: base }, rows, parseRows, { functions: true, callers: true }, cache);
    const fromGit = await gatherGitCodeContext(repo.dir, base, head, parse(diffText), { functions: true, callers: false });
    const functions = fromGitHub.blocks.filter((b) => b.kind === 'function');
    expect(functions.map((b) => b.label).sort()).toEqual(['function openFile in src/api.ts', `function target in ${fixture.path}`]);
    expect(functions.sort((a, b) => a.label.localeCompare(b.label))).toEqual(fromGit.blocks.filter((b) => b.kind === 'function').sort((a, b) => a.label.localeCompare(b.label)));
    expect(fromGitHub.blocks.some((b) => b.kind === 'callers')).toBe(false);
    expect(fromGitHub.unavailable).toEqual([{ kind: 'callers', label: 'callers of openFile (src/api.ts)', reason: 'unavailable' }]);
    expect(fromGitHub.structure).toEqual(fromGit.structure);
    expect(fromGitHub.structure.breaking).toEqual([expect.objectContaining({ name: 'openFile', change: 'changed' })]);
    // Each file read once at each side, by SHA, through requests GitHub's description accepts.
    expect(server.contentReads.map((r) => `${r.path}@${r.ref === head ? 'head' : r.ref === base ? 'base' : r.ref}`).sort()).toEqual([`${fixture.path}@base`, `${fixture.path}@head`, 'src/api.ts@base', 'src/api.ts@head'].sort());
    expect(server.violations).toEqual([]);

    // A rerun (or a push that leaves the files as they were) reads the head's files from the cache by blob SHA.
    server.contentReads.length = 0;
    const again = await gatherPullCodeContext(port, REPO, { headSha: head, baseSha: base }, rows, parseRows, { functions: true, callers: true }, cache);
    expect(again.blocks).toEqual(fromGitHub.blocks);
    expect(server.contentReads.map((r) => r.ref)).toEqual([base, base]);
  });

  it('is bounded in files and bytes, and says why a file was not read', async () => {
    const port = github();
    const reader = githubSourceReader(port, REPO, { headSha: head, limits: { maxFiles: 2, maxFileBytes: 200, maxTotalBytes: 10_000 }, cache: new BlobCache() });
    expect(await reader.readFile('src/api.ts', head)).toEqual({ status: 'read', text: API_HEAD });
    expect(await reader.readFile(fixture.path, head)).toEqual({ status: 'skipped', reason: 'larger than 200 bytes' });
    expect(await reader.readFile('src/api.ts', base)).toEqual({ status: 'skipped', reason: 'more than 2 files read' });
    const missing = githubSourceReader(port, REPO, { headSha: head, cache: new BlobCache() });
    expect(await missing.readFile('src/none.ts', head)).toEqual({ status: 'missing' });
    expect(server.violations).toEqual([]);
  });
});
