// Last answer to conclusion: how long a gate takes, after the last model answer, to conclude its
// checks, with GitHub's one-write-per-second rule (@octokit/plugin-throttling as probot uses it:
// content-creating requests a second apart) against the local GitHub server of test/support, which
// checks every request against GitHub's REST description. The models answer after MODEL_MS, long
// enough for the writes that open the run to be over, as with real models (30-120 s).
// `npx tsx bench/check-latency-bench.ts [runs]` prints the rows; `npm run bench` includes them.
import { Octokit } from '@octokit/rest';
import { throttling } from '@octokit/plugin-throttling';
import { checkRunSink } from '../src/github/check-run-sink.js';
import { gatePullRequest } from '../src/github/gate-pull-request.js';
import type { GitHubPort } from '../src/github/github-port.js';
import { octokitGitHub } from '../src/github/octokit-github.js';
import { AnthropicModel } from '../src/model/anthropic-model.js';
import type { StructuredModel } from '../src/model/model-port.js';
import type { Tier } from '../src/plan/tier.js';
import { UMBRELLA_CHECK } from '../src/report/render-checks.js';
import { createCallLimiter } from '../src/run/call-limiter.js';
import { NO_RESULT_STORE } from '../src/store/result-store.js';
import { AnthropicTestServer } from '../test/support/anthropic-server.js';
import { answer, scriptAgents } from '../test/support/agent-script.js';
import { AUTH_FILE, BASE_SHA, PR, REPO } from '../test/support/example-pull.js';
import { startGitHubServer } from '../test/support/github-server.js';

const APP_ID = 5151;
// A model answer's wall time: the run's opening writes (one a second) are long done by then.
const MODEL_MS = 5_000;
// GitHub's own round trip for a check-run write, roughly: the throttle's second comes on top.
const GITHUB_LATENCY_MS = 40;

const ThrottledOctokit = Octokit.plugin(throttling);

interface Measured {
  /** Last model answer to the umbrella's conclusion (the check branch protection requires). */
  toGate: number;
  /** Last model answer to the last check concluded. */
  toAll: number;
  /** Content-creating requests after the last answer. */
  writes: number;
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

/** A port that notes when writes end and which ones conclude the umbrella. */
function timedPort(port: GitHubPort, clock: { lastAnswer: number; gate: number; all: number; writesAfter: number }): GitHubPort {
  let umbrellaId: number | undefined;
  const wrote = (started: number, concluded: boolean, umbrella: boolean) => {
    const now = performance.now();
    if (started >= clock.lastAnswer && clock.lastAnswer > 0) clock.writesAfter++;
    if (concluded) {
      clock.all = now;
      if (umbrella) clock.gate = now;
    }
  };
  return {
    ...port,
    async createCheckRun(repo, check) {
      const started = performance.now();
      const id = await port.createCheckRun(repo, check);
      if (check.name === UMBRELLA_CHECK) umbrellaId = id;
      // Read loosely: a riskgate before check runs could be created completed had no such field.
      wrote(started, (check as { conclusion?: string }).conclusion !== undefined, check.name === UMBRELLA_CHECK);
      return id;
    },
    async updateCheckRun(repo, id, update) {
      const started = performance.now();
      await port.updateCheckRun(repo, id, update);
      wrote(started, update.conclusion !== undefined, id === umbrellaId);
    },
  };
}

/** Gates `runs` pull requests at a tier; the median of each figure. */
export async function measureCheckLatency(tier: Tier, runs: number, modelMs = MODEL_MS): Promise<Measured> {
  const github = await startGitHubServer({ appId: APP_ID });
  const anthropic = await new AnthropicTestServer().start();
  github.latencyMs = GITHUB_LATENCY_MS;
  const [owner, repo] = REPO.split('/') as [string, string];
  const results: Measured[] = [];
  try {
    for (let run = 0; run < runs; run++) {
      github.reset();
      github.addRepo(REPO);
      github.setPermission(REPO, 'Codertocat', 'write');
      const headSha = (run + 1).toString(16).padStart(40, 'a');
      github.setPull(REPO, { number: PR, headSha, baseSha: BASE_SHA, title: 'Add login', body: 'Adds login.', user: { login: 'Codertocat' } });
      github.setPullFiles(REPO, PR, [AUTH_FILE]);
      anthropic.reset();
      anthropic.latency = { firstTokenMs: Math.min(100, modelMs), totalMs: modelMs };
      // Findings on every agent, so that every agent check carries annotations.
      const found = (title: string) => answer([{ severity: 'warning', confidence: 0.9, path: 'src/auth/login.ts', start_line: 3, end_line: 3, title, explanation: 'Why.' }]);
      anthropic.respond = scriptAgents({ review: found('Query built by concatenation'), security: found('SQL injection through the name'), tests: found('No test covers login') });

      const clock = { lastAnswer: 0, gate: 0, all: 0, writesAfter: 0 };
      const octokit = new ThrottledOctokit({
        auth: github.createInstallationToken(),
        baseUrl: github.url,
        throttle: { onRateLimit: () => true, onSecondaryRateLimit: () => true },
        log: { debug: () => undefined, info: () => undefined, warn: () => undefined, error: () => undefined },
      });
      const port = timedPort(octokitGitHub(octokit, { id: APP_ID }), clock);
      const anthropicModel = new AnthropicModel({ apiKey: 'bench', baseURL: anthropic.url, maxRetries: 0 });
      const model: StructuredModel = {
        async ask(call) {
          const answered = await anthropicModel.ask(call);
          clock.lastAnswer = performance.now();
          return answered;
        },
      };
      const outcome = await gatePullRequest(
        { pull: { owner, repo, pullNumber: PR }, expectedHeadSha: headSha, explicit: true, forced: tier },
        { github: port, checks: checkRunSink(port), model, store: NO_RESULT_STORE, limiter: createCallLimiter(4), offerFullRun: true, log: { info: () => undefined, warn: () => undefined } },
      );
      if (outcome.status !== 'completed') throw new Error(`the gate ended ${outcome.status}`);
      if (github.violations.length > 0) throw new Error(`invalid GitHub requests: ${github.violations.join('; ')}`);
      results.push({ toGate: clock.gate - clock.lastAnswer, toAll: clock.all - clock.lastAnswer, writes: clock.writesAfter });
    }
  } finally {
    await github.close();
    await anthropic.stop();
  }
  return { toGate: median(results.map((r) => r.toGate)), toAll: median(results.map((r) => r.toAll)), writes: median(results.map((r) => r.writes)) };
}

/**
 * Rows for docs/benchmarks.md: the full tier (three agent checks) and the minimal one with models
 * answering in MODEL_MS, and the full tier with answers at once (a rebase: the result cache
 * answers), where the run's opening writes are still being spaced when the answers arrive.
 */
export async function benchCheckLatency(runs = 3): Promise<string[]> {
  const rows: string[] = [];
  for (const [tier, modelMs] of [['full', MODEL_MS], ['minimal', MODEL_MS], ['full', 0]] as const) {
    const m = await measureCheckLatency(tier, runs, modelMs);
    const answers = modelMs > 0 ? `answers in ${modelMs / 1000} s` : 'answers at once';
    rows.push(
      `| last model answer to the gate's conclusion, ${tier} tier, ${answers}, one write a second (median of ${runs}) | ${(m.toGate / 1000).toFixed(2)} s | last check concluded after ${(m.toAll / 1000).toFixed(2)} s; ${m.writes} writes after the last answer |`,
    );
    console.log(rows.at(-1));
  }
  return rows;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  await benchCheckLatency(Number(process.argv[2] ?? 3));
}
