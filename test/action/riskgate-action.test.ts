import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { actionBuildOptions } from '../../scripts/build-action.js';
import { MODEL_PATH } from '../../src/calibrate/risk-model-file.js';
import { roleOf, scriptAgents } from '../support/agent-script.js';
import { AnthropicTestServer } from '../support/anthropic-server.js';
import { AUTH_FILE, BASE_SHA, FOUND_SQL, HEAD_SHA, PR, REPO, STANDARD_CONFIG } from '../support/example-pull.js';
import { startGitHubServer, type GitHubServer, type SeedPullFile } from '../support/github-server.js';
import { riskModelFileText, riskModelFixture } from '../support/risk-model-fixture.js';
import { addedFile, examplePayload } from '../support/webhooks.js';

// The committed bundle, run as GitHub's runner runs it: a child process with the event in a file,
// inputs in INPUT_* variables, and outputs and the job summary written to the runner's files.
const BUNDLE = fileURLToPath(new URL('../../dist/index.js', import.meta.url));

const WORKFLOW_TOKEN = 'ghs_workflowtoken';

let github: GitHubServer;
const anthropic = new AnthropicTestServer();
let work: string;

interface ActionRun {
  code: number | null;
  stdout: string;
  outputs: Record<string, string>;
  summary: string;
}

/** GitHub's file-command format: `name<<DELIMITER`, the value, the delimiter. */
function readOutputs(path: string): Record<string, string> {
  const outputs: Record<string, string> = {};
  const text = readFileSync(path, 'utf8');
  for (const m of text.matchAll(/^([\w-]+)<<(\S+)\n([\s\S]*?)\n\2$/gm)) outputs[m[1]!] = m[3]!;
  return outputs;
}

function runAction(payload: unknown, inputs: Record<string, string>, bundle = BUNDLE): Promise<ActionRun> {
  const dir = mkdtempSync(join(work, 'run-'));
  const files = { event: join(dir, 'event.json'), output: join(dir, 'output'), summary: join(dir, 'summary.md') };
  writeFileSync(files.event, JSON.stringify(payload));
  writeFileSync(files.output, '');
  writeFileSync(files.summary, '');
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    HOME: dir,
    RISKGATE_DATA_DIR: join(dir, 'data'),
    GITHUB_EVENT_NAME: 'pull_request',
    GITHUB_EVENT_PATH: files.event,
    GITHUB_REPOSITORY: REPO,
    GITHUB_API_URL: github.url,
    GITHUB_OUTPUT: files.output,
    GITHUB_STEP_SUMMARY: files.summary,
    ANTHROPIC_BASE_URL: anthropic.url,
    // The runner passes every input, with action.yml's defaults for those not given.
    'INPUT_ANTHROPIC-API-KEY': '',
    'INPUT_GITHUB-TOKEN': WORKFLOW_TOKEN,
    INPUT_CONFIG: '.github/riskgate.yml',
    'INPUT_FAIL-ON': '',
    INPUT_TIER: '',
    'INPUT_MAX-USD': '',
    ...inputs,
  };
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [bundle], { env });
    let stdout = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, outputs: readOutputs(files.output), summary: readFileSync(files.summary, 'utf8') }));
  });
}

function pullEvent(fork: boolean) {
  const payload = examplePayload('pull_request', 'opened');
  payload.pull_request.head.sha = HEAD_SHA;
  if (fork) payload.pull_request.head.repo.full_name = 'someone/Hello-World';
  return payload;
}

function seedPull(files: SeedPullFile[], fork = false) {
  github.setPull(REPO, { number: PR, headSha: HEAD_SHA, baseSha: BASE_SHA, title: 'Change', body: '', user: { login: 'someone' }, ...(fork ? { headRepoFullName: 'someone/Hello-World' } : {}) });
  github.setPullFiles(REPO, PR, files);
}


beforeAll(async () => {
  github = await startGitHubServer();
  await anthropic.start();
  work = mkdtempSync(join(tmpdir(), 'riskgate-action-'));
});

afterAll(async () => {
  await github.close();
  await anthropic.stop();
  rmSync(work, { recursive: true, force: true });
});

beforeEach(() => {
  github.reset();
  anthropic.reset();
  github.addRepo(REPO);
});

afterEach(() => expect(github.violations).toEqual([]));

describe('the Action (dist/index.js) end to end', () => {
  it('a branch PR: publishes the checks, sets the outputs and fails the job on a blocker', async () => {
    seedPull([AUTH_FILE]);
    github.setFile(REPO, 'main', '.github/riskgate.yml', STANDARD_CONFIG);
    anthropic.respond = FOUND_SQL;
    const run = await runAction(pullEvent(false), { 'INPUT_ANTHROPIC-API-KEY': 'sk-ant-secret-value' });

    expect(run.code).toBe(1);
    expect(run.stdout).toContain('::error::riskgate: 1 finding at blocker or above');
    // Registered with the runner as a secret (masked in every log), and written nowhere else.
    expect(run.stdout.split('\n').filter((l) => l.includes('sk-ant-secret-value'))).toEqual(['::add-mask::sk-ant-secret-value']);
    expect(run.outputs).toMatchObject({ tier: 'standard', conclusion: 'failure' });
    expect(Number(run.outputs['risk-score'])).toBeGreaterThan(0);
    expect(Number(run.outputs['cost-usd'])).toBeGreaterThan(0);
    expect(JSON.parse(run.outputs.findings!)).toEqual([expect.objectContaining({ agent: 'security', severity: 'blocker', path: 'src/auth/login.ts', startLine: 3 })]);

    const checks = github.checkRuns(REPO);
    expect(Object.fromEntries(checks.map((c) => [c.name, [c.status, c.conclusion, c.app.slug]]))).toEqual({
      riskgate: ['completed', 'failure', 'github-actions'],
      'riskgate / review': ['completed', 'success', 'github-actions'],
      'riskgate / security': ['completed', 'failure', 'github-actions'],
      'riskgate / tests': ['completed', 'success', 'github-actions'],
    });
    expect(checks.find((c) => c.name === 'riskgate / security')!.annotations).toEqual([expect.objectContaining({ path: 'src/auth/login.ts', start_line: 3, annotation_level: 'failure' })]);
    // The Action's checks belong to GitHub Actions, which cannot deliver a button press: none offered.
    expect(checks.flatMap((c) => c.actions)).toEqual([]);
    // The key went to Anthropic as the SDK sends it, never to GitHub.
    expect(anthropic.requests[0]!.headers.authorization).toBe('Bearer sk-ant-secret-value');
    expect(JSON.stringify(github.requests)).not.toContain('sk-ant-secret-value');
  });

  it('a fork PR (no secrets, read-only token): the score and riskgate\'s own checks, log annotations, a job summary, the exit by policy', async () => {
    github.setReadOnlyToken(WORKFLOW_TOKEN);
    // Trojan Source: a right-to-left override inside code is riskgate's own blocker.
    seedPull([addedFile('src/access.ts', ['export function allowed(user: { admin: boolean }) {', '  /* \u202E } \u2066if (user.admin)\u2069 \u2066 begin admins only */', '  return true;', '}'])], true);
    const run = await runAction(pullEvent(true), {});

    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(/^::error title=Bidirectional[^\n]*,file=src\/access\.ts,line=2,endLine=2::/m);
    expect(run.stdout).toContain('agents not run: this pull request comes from a fork');
    expect(run.summary).toContain('riskgate wrote no check runs');
    expect(run.summary).toContain('## riskgate: failure');
    expect(run.outputs.conclusion).toBe('failure');
    expect(github.checkRuns(REPO)).toEqual([]);
    expect(github.requests.filter((r) => r.method !== 'GET')).toEqual([]);
    expect(anthropic.requests).toEqual([]);
  });

  it('a harmless fork PR at the minimal tier: neutral, the job passes, and the summary says why no agent ran', async () => {
    github.setReadOnlyToken(WORKFLOW_TOKEN);
    seedPull([addedFile('docs/guide.md', ['A typo fixed.'])], true);
    const run = await runAction(pullEvent(true), {});
    expect(run.code).toBe(0);
    expect(run.outputs).toMatchObject({ tier: 'minimal', conclusion: 'neutral', 'cost-usd': '0.0000' });
    expect(run.summary).toContain('not run');
    expect(run.summary).toContain('GitHub gives fork workflows no secrets');
  });

  it('a branch PR whose token may not write checks falls back to the log and says why', async () => {
    github.setReadOnlyToken(WORKFLOW_TOKEN);
    seedPull([addedFile('docs/guide.md', ['A typo fixed.'])]);
    anthropic.respond = scriptAgents({});
    const run = await runAction(pullEvent(false), { 'INPUT_ANTHROPIC-API-KEY': 'sk-test' });
    expect(run.code).toBe(0);
    expect(run.outputs.conclusion).toBe('success');
    expect(run.summary).toContain('may not create check runs');
    expect(github.checkRuns(REPO)).toEqual([]);
  });

  it('reads the calibrated model from the base branch: its factors score the change; a broken file is named and the default score used', async () => {
    // Fork PRs: their report is the job summary, and no check-run write waits on the client's pacing.
    github.setReadOnlyToken(WORKFLOW_TOKEN);
    seedPull([AUTH_FILE], true);
    github.setFile(REPO, 'main', '.github/riskgate.yml', STANDARD_CONFIG);
    const plain = await runAction(pullEvent(true), {});
    expect(plain.code).toBe(0);
    expect(plain.summary).toContain('<details><summary>Risk score');
    expect(plain.summary).not.toContain('calibrated model');

    github.setFile(REPO, 'main', MODEL_PATH, riskModelFileText());
    const calibrated = await runAction(pullEvent(true), {});
    expect(calibrated.code).toBe(0);
    expect(calibrated.summary).toContain('Scored by the calibrated model (`.github/riskgate-model.json`, 1,200 commits, diff features');
    expect(calibrated.summary).toMatch(/\| \+30 \| `model\.baseline` \|/);
    expect(calibrated.summary).toMatch(/\| -9\.3 \| `model\.la` \|/);
    expect(calibrated.summary).not.toContain('`size.');
    expect(calibrated.outputs['risk-score']).not.toBe(plain.outputs['risk-score']);

    github.setFile(REPO, 'main', MODEL_PATH, '{ "format": "riskgate-model" }');
    const broken = await runAction(pullEvent(true), {});
    expect(broken.code).toBe(0);
    expect(broken.outputs['risk-score']).toBe(plain.outputs['risk-score']);
    expect(broken.summary).toContain('> warning: the calibrated model on the base branch is invalid, so the change was scored with the default weights: .github/riskgate-model.json at main');
    expect(broken.summary).not.toContain('`model.');
    // The workflow log says so too.
    expect(broken.stdout).toMatch(/^::warning::PR #2: the calibrated model on the base branch is invalid/m);
    expect(github.contentReads.filter((r) => r.path === MODEL_PATH).map((r) => r.ref)).toEqual([BASE_SHA, BASE_SHA, BASE_SHA]);
  });

  it("a fork PR that adds a model file of its own is scored without it", async () => {
    github.setReadOnlyToken(WORKFLOW_TOKEN);
    const { variants } = riskModelFixture();
    const inflated = riskModelFileText({ variants: { ...variants, diff: { ...variants.diff, points: { base: 100, perLogit: 10 } } } });
    seedPull([addedFile('docs/guide.md', ['A typo fixed.']), addedFile(MODEL_PATH, inflated.trimEnd().split('\n'))], true);
    github.setFile(REPO, `pr-${PR}`, MODEL_PATH, inflated);
    const run = await runAction(pullEvent(true), {});
    expect(run.code).toBe(0);
    expect(Number(run.outputs['risk-score'])).toBeLessThan(100);
    expect(run.summary).not.toContain('calibrated model');
    expect(run.summary).not.toContain('`model.');
    expect(github.contentReads.filter((r) => r.path === MODEL_PATH).map((r) => r.ref)).toEqual([BASE_SHA]);
  });

  it('names a bad input and what it allows', async () => {
    seedPull([AUTH_FILE]);
    const run = await runAction(pullEvent(false), { 'INPUT_FAIL-ON': 'critical' });
    expect(run.code).toBe(1);
    expect(run.stdout).toContain('::error::riskgate: input fail-on: "critical" is not one of blocker, warning, note');
    expect(github.requests).toEqual([]);
  });
});

// Built from the sources here: the committed bundle is rebuilt when a release is cut.
describe('the Action built from the sources', () => {
  let fresh: string;
  beforeAll(async () => {
    fresh = join(work, 'fresh-index.js');
    await build(actionBuildOptions(fresh));
  });

  it('upstreams that echo the request headers: the key and the token are in no log line, output, summary or check run', async () => {
    const key = 'sk-ant-api03-action-echo-0123456789abcdef';
    seedPull([AUTH_FILE]);
    github.setFile(REPO, 'main', '.github/riskgate.yml', STANDARD_CONFIG);
    anthropic.respond = (body) => (roleOf(body) ? { status: 400, echoHeaders: true } : undefined);
    const run = await runAction(pullEvent(false), { 'INPUT_ANTHROPIC-API-KEY': key }, fresh);
    const everything = JSON.stringify({ log: run.stdout.split('\n').filter((l) => !l.startsWith('::add-mask::')), outputs: run.outputs, summary: run.summary, posted: github.requests.map((r) => r.body) });
    expect(everything).not.toContain('action-echo');
    expect(JSON.stringify(github.checkRuns(REPO).map((c) => c.output))).toContain('[redacted');

    // GitHub (a proxy in front of it) echoing the workflow's token: the checks end quoting it, redacted.
    github.reset();
    github.addRepo(REPO);
    seedPull([AUTH_FILE]);
    github.failNext('GET', /\/pulls\/\d+\/files$/, 403, ({ authorization }: { authorization: string | undefined }) => ({ message: `Forbidden by the proxy; the request had Authorization: ${authorization}` }));
    const refused = await runAction(pullEvent(false), {}, fresh);
    expect(refused.code).toBe(1);
    const umbrella = github.checkRuns(REPO).find((c) => c.name === 'riskgate')!;
    expect(umbrella.output.summary).toContain('Forbidden by the proxy');
    expect(JSON.stringify({ log: refused.stdout, outputs: refused.outputs, summary: refused.summary, checks: github.checkRuns(REPO).map((c) => c.output) })).not.toContain(WORKFLOW_TOKEN);
  });
});
