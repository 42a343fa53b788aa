// `npm run build && node build/bench/write-turn-bench.js [--runs N]`: how long a riskgate App
// process killed (SIGKILL) while it holds its installation's GitHub write turn in Redis stalls the
// writes of the next process, with throttling on as in production (REDIS_URL, the local GitHub
// server, the local Messages API). Each run: process A gates a PR; once the write turn of its next
// check-run write is held in Redis, A is killed; process B starts and gates another PR of the same
// installation; the figure is the time from the kill to B's first write. Needs Redis at
// RISKGATE_BENCH_REDIS_URL (default redis://127.0.0.1:6379).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { AnthropicTestServer } from '../test/support/anthropic-server.js';
import { APP_SECRET, startAppProcess } from '../test/support/app-process.js';
import { AUTH_FILE, BASE_SHA, FOUND_SQL, HEAD_SHA, PR, REPO, STANDARD_CONFIG } from '../test/support/example-pull.js';
import { startGitHubServer, type GitHubServer } from '../test/support/github-server.js';
import { deliver, examplePayload } from '../test/support/webhooks.js';

const APP_ID = 7373;
const REDIS_URL = process.env.RISKGATE_BENCH_REDIS_URL ?? 'redis://127.0.0.1:6379';
const OTHER_SHA = 'b'.repeat(40);
const POLL_MS = 2;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function until<T>(what: string, probe: () => T | undefined | Promise<T | undefined>, timeoutMs = 120_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(POLL_MS);
  }
}

/** One kill: [ms the held turn still had to live, ms from the kill to the next process's first write]. */
async function oneRun(github: GitHubServer, anthropic: AnthropicTestServer, redis: Redis, run: number): Promise<[number, number]> {
  // An installation of its own per run: its turns in Redis start empty.
  const installation = 800_000 + run * 1_000 + Math.floor(Math.random() * 1_000);
  const turns = `b_octokit-write-${installation}_job_expirations`;
  const dataDir = mkdtempSync(join(tmpdir(), 'riskgate-write-turn-'));
  const env = { REDIS_URL, RISKGATE_QUEUE_PREFIX: `riskgate-write-turn-${process.pid}-${run}`, RISKGATE_DATA_DIR: dataDir, RISKGATE_GITHUB_THROTTLE: 'on' };
  const options = { appId: APP_ID, githubUrl: github.url, anthropicUrl: anthropic.url, env };
  const send = async (url: string, pull: number, sha: string) => {
    const payload = examplePayload('pull_request', 'opened');
    payload.installation = { id: installation };
    payload.pull_request.number = pull;
    payload.pull_request.head.sha = sha;
    const delivery = await deliver(url, 'pull_request', payload, { secret: APP_SECRET });
    if (delivery.status !== 200) throw new Error(`the App answered ${delivery.status}: ${delivery.body}`);
  };
  const writesOn = (sha: string) => github.checkRuns(REPO).filter((c) => c.head_sha === sha).length;
  try {
    const first = await startAppProcess(options);
    await send(first.url, PR, HEAD_SHA);
    await until('the first write', () => (writesOn(HEAD_SHA) > 0 ? true : undefined));
    // The next write registers its turn and waits out the second between writes: kill it then.
    const expiresAt = await until('a write turn held in Redis', async () => {
      const [, score] = await redis.zrange(turns, 0, 0, 'WITHSCORES');
      return score === undefined ? undefined : Number(score);
    });
    await first.kill();
    const killedAt = Date.now();
    const second = await startAppProcess(options);
    try {
      await send(second.url, PR + 1, OTHER_SHA);
      await until("the next process's first write", () => (writesOn(OTHER_SHA) > 0 ? true : undefined));
      return [expiresAt - killedAt, Date.now() - killedAt];
    } finally {
      await second.kill();
    }
  } finally {
    const keys = [...(await redis.keys(`b_octokit-*-${installation}_*`)), ...(await redis.keys(`${env.RISKGATE_QUEUE_PREFIX}:*`))];
    if (keys.length > 0) await redis.del(...keys);
    rmSync(dataDir, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  const runsArg = process.argv.indexOf('--runs');
  const runs = runsArg > 0 ? Number(process.argv[runsArg + 1]) : 3;
  const github = await startGitHubServer({ appId: APP_ID });
  const anthropic = await new AnthropicTestServer().start();
  const redis = new Redis(REDIS_URL);
  const stalls: number[] = [];
  try {
    anthropic.respond = FOUND_SQL;
    for (let run = 0; run < runs; run++) {
      github.reset();
      github.addRepo(REPO);
      github.setPermission(REPO, 'Codertocat', 'write');
      for (const [pull, sha] of [[PR, HEAD_SHA], [PR + 1, OTHER_SHA]] as const) {
        github.setPull(REPO, { number: pull, headSha: sha, baseSha: BASE_SHA, title: 'Add login', body: '', user: { login: 'Codertocat' } });
        github.setPullFiles(REPO, pull, [AUTH_FILE]);
      }
      github.setFile(REPO, 'main', '.github/riskgate.yml', STANDARD_CONFIG);
      const [left, stall] = await oneRun(github, anthropic, redis, run);
      stalls.push(stall);
      console.log(`run ${run + 1}: the dead process's write turn had ${(left / 1000).toFixed(1)} s left; the next process wrote ${(stall / 1000).toFixed(1)} s after the kill`);
    }
    const sorted = [...stalls].sort((a, b) => a - b);
    console.log(`stall after the kill: min ${(sorted[0]! / 1000).toFixed(1)} s, median ${(sorted[Math.floor(sorted.length / 2)]! / 1000).toFixed(1)} s, max ${(sorted.at(-1)! / 1000).toFixed(1)} s (${runs} runs)`);
  } finally {
    redis.disconnect();
    await github.close();
    await anthropic.stop();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
