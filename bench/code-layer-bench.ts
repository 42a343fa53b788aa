// The code-structure layer (src/code): grammar load time, the layer's time on a typical PR, a
// 1 MB and a 3,000-file diff (files served from memory: the parse and the context, not the reads),
// and the tokens and dollars its context adds per tier on real commits read with git.
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { gatherCodeContext } from '../src/code/gather-code-context.js';
import { gatherGitCodeContext } from '../src/code/git-code-context.js';
import { LANGUAGES } from '../src/code/languages.js';
import { forgetGrammars, parserFor } from '../src/code/load-grammar.js';
import type { SourceRead, SourceReader } from '../src/code/source-reader.js';
import { defaultConfig } from '../src/config/load-config.js';
import type { Diff } from '../src/diff/diff-file.js';
import { DEFAULT_PRICES } from '../src/plan/prices.js';
import { TIERS } from '../src/plan/tier.js';
import { createChangeScorer } from '../src/run/score-change.js';
import { generateDiff } from './generate-diff.js';

const config = defaultConfig();
const { parse } = createChangeScorer(config);
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

/** TypeScript files whose functions of 30 lines cover every line the diff names: what the layer parses. */
function memoryReader(diff: Diff): SourceReader {
  const texts = new Map<string, string>();
  for (const file of diff.files) {
    const last = file.hunks.reduce((max, h) => Math.max(max, h.newStart + h.newLines, h.oldStart + h.oldLines), 1) + 30;
    const lines: string[] = [];
    for (let n = 0; n < last; n++) lines.push(n % 30 === 0 ? `export function f${n}(a: number, b: string): number {` : n % 30 === 29 ? '}' : `  const v${n} = a + ${n}; // ${file.path}`);
    texts.set(file.path, `${lines.join('\n')}\n`);
  }
  return { readFile: async (path): Promise<SourceRead> => (texts.has(path) ? { status: 'read', text: texts.get(path)! } : { status: 'missing' }) };
}

async function timeLayer(diff: Diff, runs: number): Promise<{ ms: number; blocks: number; tokens: number }> {
  const reader = memoryReader(diff);
  const times: number[] = [];
  let blocks = 0;
  let tokens = 0;
  for (let i = 0; i < runs; i++) {
    const started = performance.now();
    const context = await gatherCodeContext(diff, { reader, base: 'base', head: 'head' }, { functions: true, callers: false });
    times.push(performance.now() - started);
    blocks = context.blocks.length;
    tokens = context.blocks.reduce((sum, b) => sum + b.tokens, 0);
  }
  return { ms: median(times), blocks, tokens };
}

export async function benchCodeLayer(): Promise<string[]> {
  const rows: string[] = [];
  forgetGrammars();
  let started = performance.now();
  await parserFor(LANGUAGES.typescript);
  const first = performance.now() - started;
  started = performance.now();
  await Promise.all(Object.values(LANGUAGES).map((spec) => parserFor(spec)));
  const all = performance.now() - started;
  rows.push(`| code layer: first grammar (TypeScript, runtime included) | ${first.toFixed(1)} ms | goal < 150 ms |`);
  rows.push(`| code layer: the other 11 grammars | ${all.toFixed(1)} ms | loaded only for the languages a PR has |`);

  const typical = parse(generateDiff(12_000, 7));
  const scoreTimes: number[] = [];
  const scorer = createChangeScorer(config);
  for (let i = 0; i < 20; i++) {
    const t = performance.now();
    scorer.scoreDiff(typical);
    scoreTimes.push(performance.now() - t);
  }
  const layer = await timeLayer(typical, 20);
  rows.push(`| code layer: typical PR (${typical.files.length} files, +${typical.additions} -${typical.deletions}) | ${layer.ms.toFixed(1)} ms | goal < 50 ms added (scoring alone ${median(scoreTimes).toFixed(1)} ms); ${layer.blocks} blocks, ${layer.tokens} tokens |`);
  const mb = parse(generateDiff(1_000_000, 3));
  const big = await timeLayer(mb, 5);
  rows.push(`| code layer: 1 MB diff (${mb.files.length} files; the 40 most changed parsed) | ${big.ms.toFixed(1)} ms | ${big.blocks} blocks, ${big.tokens} tokens before packing |`);
  const many = parse(generateDiff(5_000_000, 5));
  many.files = many.files.slice(0, 3_000);
  const wide = await timeLayer(many, 5);
  rows.push(`| code layer: 3,000-file diff (the 40 most changed parsed) | ${wide.ms.toFixed(1)} ms | ${wide.blocks} blocks, ${wide.tokens} tokens before packing |`);
  rows.push(...(await contextCost()));
  return rows;
}

/**
 * Tokens the context adds on this repository's own last commits (the risk-eval set has diffs, no
 * files), and their dollars per tier: each agent of the tier sent them once as uncached input.
 */
async function contextCost(commits = 60): Promise<string[]> {
  const root = fileURLToPath(new URL('../..', import.meta.url));
  let shas: string[];
  try {
    shas = execFileSync('git', ['rev-list', '--no-merges', `--max-count=${commits}`, 'HEAD'], { cwd: root, encoding: 'utf8' }).trim().split('\n').filter(Boolean);
  } catch {
    return ['| code layer: context cost | - | no git history here |'];
  }
  const per = { functions: [] as number[], callers: [] as number[], ms: [] as number[] };
  for (const sha of shas) {
    const parent = execFileSync('git', ['rev-parse', `${sha}^`], { cwd: root, encoding: 'utf8' }).trim();
    const diff = parse(execFileSync('git', ['diff', '--no-color', '--no-ext-diff', '--unified=3', parent, sha, '--'], { cwd: root, encoding: 'utf8', maxBuffer: 1 << 30 }));
    const started = performance.now();
    const context = await gatherGitCodeContext(root, parent, sha, diff, { functions: true, callers: true });
    per.ms.push(performance.now() - started);
    per.functions.push(context.blocks.filter((b) => b.kind === 'function').reduce((s, b) => s + b.tokens, 0));
    per.callers.push(context.blocks.filter((b) => b.kind === 'callers').reduce((s, b) => s + b.tokens, 0));
  }
  const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
  const rows = [
    `| code layer on riskgate's last ${shas.length} commits (git cat-file + git grep) | median ${median(per.ms).toFixed(0)} ms | function context ${Math.round(mean(per.functions))} tokens/commit (median ${median(per.functions)}), callers ${Math.round(mean(per.callers))} (median ${median(per.callers)}) |`,
  ];
  for (const tier of TIERS) {
    const budget = config.tiers[tier].token_budget;
    const usd = (tokens: number) =>
      Object.values(config.tiers[tier].agents).reduce((sum, cls) => sum + (Math.min(tokens, budget) * (DEFAULT_PRICES[(cls && config.models[cls]) || '']?.input ?? 0)) / 1e6, 0);
    rows.push(`| code layer: dollars added per commit at ${tier} (${Object.keys(config.tiers[tier].agents).length} agent(s), uncached) | $${usd(mean(per.functions)).toFixed(4)} functions, $${usd(mean(per.callers)).toFixed(4)} callers | capped by the tier's ${budget.toLocaleString('en')}-token budget |`);
  }
  return rows;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  for (const row of await benchCodeLayer()) console.log(row);
}
