import { Octokit } from '@octokit/rest';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { octokitGitHub } from '../../src/github/octokit-github.js';
import { MAX_EARLIER_HEADS, readPreviousState } from '../../src/github/read-previous-state.js';
import { encodeGateState, type GateState, type StateSeal } from '../../src/report/gate-state.js';
import { UMBRELLA_CHECK } from '../../src/report/render-checks.js';
import { startGitHubServer, type GitHubServer } from '../support/github-server.js';

// Where the blockers of earlier pushes are found: the walk back through heads whose runs were
// superseded or failed, its bound, and what a force push leaves out of reach.

const FULL = 'acme/shop';
const PULL = { owner: 'acme', repo: 'shop', pullNumber: 1 };
const sha = (n: number) => `${n.toString(16).padStart(4, '0')}${'e'.repeat(36)}`;
let server: GitHubServer;
const github = () => octokitGitHub(new Octokit({ auth: 'ghs_x', baseUrl: server.url }), { slug: 'github-actions' });
const warnings: string[] = [];
const log = { info: () => undefined, warn: (m: string) => void warnings.push(m) };
const stateOf = (n: number): GateState => ({ v: 1, headSha: sha(n), tier: 'standard', openBlockers: [] });

/** The PR's commits 1..count; the head is the last. */
function seedCommits(count: number) {
  server.setPull(FULL, { number: 1, headSha: sha(count), baseSha: 'f'.repeat(40), title: 't', user: { login: 'dev' } });
  server.setPullCommits(FULL, 1, Array.from({ length: count }, (_, i) => ({ sha: sha(i + 1) })));
}

/** An umbrella check run on commit n, with this text. */
async function umbrellaOn(n: number, text: string) {
  const port = github();
  const id = await port.createCheckRun(PULL, { name: UMBRELLA_CHECK, headSha: sha(n), output: { title: 'Running', summary: 'x' } });
  await port.updateCheckRun(PULL, id, { conclusion: text ? 'failure' : 'cancelled', output: { title: 'done', summary: 'x', ...(text ? { text } : {}) } });
}

const lookups = () => server.requests.filter((r) => r.path.endsWith(`/check-runs`) && r.method === 'GET').length;
const commitLists = () => server.requests.filter((r) => r.path.endsWith('/pulls/1/commits')).length;

beforeAll(async () => {
  server = await startGitHubServer();
});
afterAll(() => server.close());
beforeEach(() => {
  server.reset();
  server.addRepo(FULL);
  warnings.length = 0;
});

describe('the state an earlier push left', () => {
  it('walks back past heads with no state (superseded, cancelled) to the newest one that has one', async () => {
    seedCommits(6);
    await umbrellaOn(2, `details\n\n${encodeGateState(stateOf(2))}`);
    await umbrellaOn(3, `details\n\n${encodeGateState(stateOf(3))}`);
    await umbrellaOn(5, ''); // cancelled as superseded: no state
    server.requests.length = 0;
    const found = await readPreviousState(github(), PULL, { current: sha(6), before: sha(5) }, { log });
    expect(found?.headSha).toBe(sha(3));
    // The head, `before`, then the commits before it, newest first, in batches.
    expect(commitLists()).toBe(1);
    expect(lookups()).toBeLessThanOrEqual(2 + 4);
    expect(server.violations).toEqual([]);
  });

  it('skips a state that does not verify or names another head, says so, and walks on', async () => {
    seedCommits(4);
    const seal: StateSeal = { key: Buffer.alloc(32, 3), repository: FULL };
    await umbrellaOn(1, encodeGateState(stateOf(1), seal));
    await umbrellaOn(2, encodeGateState(stateOf(2), { ...seal, key: Buffer.alloc(32, 4) }));
    await umbrellaOn(3, encodeGateState(stateOf(1), seal)); // a copy of 1's state on 3
    const found = await readPreviousState(github(), PULL, { current: sha(4), before: sha(3) }, { seal, log });
    expect(found?.headSha).toBe(sha(1));
    expect(warnings).toEqual([
      'acme/shop#1: the riskgate state on 0003eee was ignored: it names another head (0001eee)',
      "acme/shop#1: the riskgate state on 0002eee was ignored: the state's MAC does not verify",
    ]);
  });

  it(`looks at most ${MAX_EARLIER_HEADS} commits back from the push's before`, async () => {
    const count = MAX_EARLIER_HEADS + 4;
    seedCommits(count);
    await umbrellaOn(1, encodeGateState(stateOf(1)));
    await umbrellaOn(2, encodeGateState(stateOf(2)));
    server.requests.length = 0;
    // `before` is commit count-1; commit 2 is MAX_EARLIER_HEADS + 1 further back.
    expect(await readPreviousState(github(), PULL, { current: sha(count), before: sha(count - 1) }, { log })).toBeUndefined();
    expect(lookups()).toBe(2 + MAX_EARLIER_HEADS);
    // One commit closer and it is found.
    seedCommits(count - 1);
    expect((await readPreviousState(github(), PULL, { current: sha(count - 1), before: sha(count - 2) }, { log }))?.headSha).toBe(sha(2));
  });

  it("after a force push: the push's before still counts, the rewritten commits are walked, older heads are out of reach", async () => {
    // Old heads 100 (state) and 101 (superseded); the force push replaced them with 1..3.
    server.setPull(FULL, { number: 9, headSha: sha(101), baseSha: sha(100), title: 'old heads', user: { login: 'dev' } });
    seedCommits(3);
    await umbrellaOn(100, encodeGateState(stateOf(100)));
    expect((await readPreviousState(github(), PULL, { current: sha(3), before: sha(100) }, { log }))?.headSha).toBe(sha(100));
    expect(await readPreviousState(github(), PULL, { current: sha(3), before: sha(101) }, { log })).toBeUndefined();
    // A commit that survived the rewrite keeps its state.
    await umbrellaOn(1, encodeGateState(stateOf(1)));
    expect((await readPreviousState(github(), PULL, { current: sha(3), before: sha(101) }, { log }))?.headSha).toBe(sha(1));
  });

  it('without a push (opened, a command) reads only the head itself, and lists no commits', async () => {
    seedCommits(3);
    await umbrellaOn(2, encodeGateState(stateOf(2)));
    expect(await readPreviousState(github(), PULL, { current: sha(3) }, { log })).toBeUndefined();
    expect(commitLists()).toBe(0);
  });
});
