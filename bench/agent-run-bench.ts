// Agent benchmarks for `npm run bench`: the wall time of one run of three agents against the local
// Messages API with simulated latency, and the dollars of the labelled corpus routed by tier
// against every diff sent to all three agents on the strong model without caching.
import { defaultConfig, validateConfig } from '../src/config/load-config.js';
import { AnthropicModel } from '../src/model/anthropic-model.js';
import { AGENT_INSTRUCTION_TOKENS, EXPECTED_OUTPUT_SHARE } from '../src/plan/plan-tier.js';
import { DEFAULT_PRICES } from '../src/plan/prices.js';
import { callCostUsd } from '../src/plan/estimate-cost.js';
import { createCallLimiter } from '../src/run/call-limiter.js';
import { createReviewer } from '../src/run/review-change.js';
import { NO_RESULT_STORE } from '../src/store/result-store.js';
import { AnthropicTestServer } from '../test/support/anthropic-server.js';
import { readLabelledCommits } from './read-risk-eval.js';
import { generateDiff } from './generate-diff.js';
import { TIERS, type Tier } from '../src/plan/tier.js';

const f1 = (n: number) => n.toFixed(1);
const f2 = (n: number) => n.toFixed(2);

/** One standard-tier run (three agents on one model), three ways of starting them. */
export async function benchAgentRun(totalMs: number, firstTokenMs: number): Promise<string[]> {
  const server = await new AnthropicTestServer().start();
  server.latency = { firstTokenMs, totalMs };
  const model = new AnthropicModel({ apiKey: 'bench', baseURL: server.url, maxRetries: 0 });
  // Thresholds at 100 keep the run at the tier it is given: three agents on the fast model.
  const reviewer = createReviewer(validateConfig({ tiers: { thresholds: { standard: 100, thorough: 100, full: 100 } } }, 'bench'));
  // A prefix big enough to be cached (about 14k tokens).
  const diff = reviewer.parse(generateDiff(50_000, 7));
  const rows: string[] = [];
  const variants: Array<[string, number, number | undefined]> = [
    ['one writer first, the others when its answer begins (riskgate)', 8, undefined],
    ['all three at once (every call pays the cache write)', 8, 0],
    ['one after another', 1, undefined],
  ];
  for (const [label, concurrency, wait] of variants) {
    const times: number[] = [];
    let writes = 0;
    let usd = 0;
    for (let i = 0; i < 3; i++) {
      server.reset();
      server.latency = { firstTokenMs, totalMs };
      const report = await reviewer.review({ diff, forced: 'standard' }, { model, store: NO_RESULT_STORE, limiter: createCallLimiter(concurrency), ...(wait !== undefined ? { maxWaitForWriterMs: wait } : {}) });
      times.push(report.wallMs);
      writes = report.agents.filter((a) => a.usage.cacheWrite5mTokens > 0).length;
      usd = report.usd;
    }
    times.sort((a, b) => a - b);
    rows.push(`| 3 agents, ${totalMs / 1000} s each (first token at ${firstTokenMs} ms): ${label} | ${f2(times[1]! / 1000)} s | ${writes} cache write(s), $${usd.toFixed(4)} |`);
    console.log(rows.at(-1));
  }
  await server.stop();
  return rows;
}

/** Dollars for the labelled corpus: routed by tier with a shared cached prefix, against all-strong without caching. */
export async function benchCorpusCost(): Promise<string[]> {
  const config = defaultConfig();
  const reviewer = createReviewer(config);
  const commits = await readLabelledCommits();
  const strong = DEFAULT_PRICES[config.models.strong]!;
  const full = config.tiers.full;
  const byTier: Record<Tier, number> = { minimal: 0, standard: 0, thorough: 0, full: 0 };
  let routed = 0;
  let baseline = 0;
  const started = performance.now();
  for (const commit of commits) {
    if (commit.diff.trim() === '') continue;
    const diff = reviewer.parse(commit.diff);
    const text = { title: commit.message.split('\n')[0]!, body: commit.message.split('\n').slice(1).join('\n') };
    const prep = reviewer.prepare({ diff, text });
    byTier[prep.plan.tier]++;
    routed += prep.plan.estimatedUsd;
    // The same diff, every agent on the strong model, each paying its whole prompt as plain input.
    const fullPrep = reviewer.prepare({ diff, text, forced: 'full' });
    const output = Math.ceil(full.max_output_tokens * EXPECTED_OUTPUT_SHARE);
    baseline += 3 * callCostUsd(strong, { input: fullPrep.prefixTokens + AGENT_INSTRUCTION_TOKENS, cacheWrite: 0, cacheRead: 0, output });
  }
  const ms = performance.now() - started;
  const n = Object.values(byTier).reduce((a, b) => a + b, 0);
  const mix = TIERS.map((t) => `${t} ${byTier[t]}`).join(', ');
  const rows = [
    `| ${n} labelled real commits routed by tier (${mix}), shared cached prefix | $${f2(routed)} ($${(routed / n).toFixed(4)} a change) | ${f1(100 * (1 - routed / baseline))}% cheaper |`,
    `| the same ${n} commits, all three agents on ${config.models.strong}, no caching | $${f2(baseline)} ($${(baseline / n).toFixed(4)} a change) | baseline |`,
  ];
  for (const row of rows) console.log(row);
  console.log(`(prepared ${2 * n} prompts in ${f1(ms)} ms)`);
  return rows;
}
