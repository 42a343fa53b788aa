// Provider benchmarks for `npm run bench`: the labelled corpus's dollars under three routings
// (the default, the minimal tier on a local model at $0, every agent on the strong model), and
// the wall time a fallback adds to one call when the first provider fails fast (local servers).
import { validateConfig } from '../src/config/load-config.js';
import { AnthropicModel } from '../src/model/anthropic-model.js';
import { FallbackModel } from '../src/model/fallback-model.js';
import { parseModelRef } from '../src/model/model-ref.js';
import type { ModelCall, StructuredModel } from '../src/model/model-port.js';
import { modelFindingsSchema } from '../src/findings/finding.js';
import { createReviewer } from '../src/run/review-change.js';
import { AGENTS, TIERS } from '../src/plan/tier.js';
import { AnthropicTestServer } from '../test/support/anthropic-server.js';
import { readLabelledCommits } from './read-risk-eval.js';

const f2 = (n: number) => n.toFixed(2);

const ALL_STRONG = Object.fromEntries(TIERS.map((tier) => [tier, { agents: Object.fromEntries(AGENTS.map((agent) => [agent, 'strong'])) }]));
const ROUTINGS: Array<[string, Record<string, unknown>]> = [
  ['default routing (minimal: review on claude-haiku-5-5)', {}],
  ['minimal tier on a local model (models.local: local/qwen2.5-coder, $0), the rest as default', { models: { local: 'local/qwen2.5-coder' }, tiers: { minimal: { agents: { review: 'local' } } } }],
  ['every agent of every tier on claude-sonnet-5-5 (cached prefix)', { tiers: ALL_STRONG }],
];

/** The corpus priced under each routing, from the real prompts (estimates; re-checks not included). */
export async function benchProviderCost(): Promise<string[]> {
  const commits = (await readLabelledCommits()).filter((c) => c.diff.trim() !== '');
  const rows: string[] = [];
  let baseline: number | undefined;
  for (const [label, raw] of ROUTINGS) {
    const reviewer = createReviewer(validateConfig(raw, 'bench'));
    let usd = 0;
    let local = 0;
    for (const commit of commits) {
      const diff = reviewer.parse(commit.diff);
      const text = { title: commit.message.split('\n')[0]!, body: commit.message.split('\n').slice(1).join('\n') };
      const { plan } = reviewer.prepare({ diff, text });
      usd += plan.estimatedUsd;
      local += plan.agents.filter((a) => a.modelClass === 'local').length;
    }
    baseline ??= usd;
    const note = usd === baseline ? 'baseline' : `${(usd / baseline).toFixed(3)}x the default`;
    rows.push(`| ${commits.length} labelled commits, ${label} | $${f2(usd)} ($${(usd / commits.length).toFixed(4)} a change)${local ? `, ${local} calls local` : ''} | ${note} |`);
    console.log(rows.at(-1));
  }
  return rows;
}

const call: ModelCall<unknown> = {
  model: 'x',
  cachedPrefix: ['Shared instructions for the benchmark.'],
  instructions: 'Review.',
  schema: modelFindingsSchema,
  maxOutputTokens: 1_000,
  timeoutMs: 30_000,
};

async function median(model: StructuredModel, name: string, before: () => void, runs = 7): Promise<number> {
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    before();
    const started = performance.now();
    await model.ask({ ...call, model: name });
    times.push(performance.now() - started);
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(runs / 2)]!;
}

/** One call's wall time answered by the first provider, and after the first fails fast with 529 (0 and 2 retries). */
export async function benchFallbackLatency(totalMs: number, firstTokenMs: number): Promise<string[]> {
  const [down, up] = await Promise.all([new AnthropicTestServer().start(), new AnthropicTestServer().start()]);
  const overloaded = { status: 529, errorType: 'overloaded_error', message: 'Overloaded', headers: { 'retry-after-ms': '1' } };
  const entry = (name: string, model: StructuredModel) => ({ key: name, name, ref: parseModelRef(name), model });
  const answering = new AnthropicModel({ apiKey: 'bench', baseURL: up.url, maxRetries: 0 });
  const direct = new FallbackModel([entry('b/claude-haiku-5-5', answering)]);
  const rows: string[] = [];
  // reset() clears the latency too: set again before each call.
  const reset = () => {
    up.reset();
    up.latency = { firstTokenMs, totalMs };
  };
  const alone = await median(direct, 'b/claude-haiku-5-5', reset);
  rows.push(`| one call, the first provider answers (answer ${totalMs / 1000} s, first token at ${firstTokenMs} ms) | ${Math.round(alone)} ms | baseline |`);
  for (const retries of [0, 2]) {
    const failing = new AnthropicModel({ apiKey: 'bench', baseURL: down.url, maxRetries: retries });
    const chain = new FallbackModel([entry('a/claude-haiku-5-5', failing), entry('b/claude-haiku-5-5', answering)]);
    const ms = await median(chain, 'a/claude-haiku-5-5', () => {
      down.reset();
      reset();
      down.respond = () => overloaded;
    });
    rows.push(`| the same call, the first provider answers 529 ${retries === 0 ? 'at once (0 retries)' : `${retries + 1} times (${retries} retries, retry-after-ms 1)`}, the fallback answers | ${Math.round(ms)} ms | +${Math.round(ms - alone)} ms |`);
  }
  for (const row of rows) console.log(row);
  await Promise.all([down.stop(), up.stop()]);
  return rows;
}
