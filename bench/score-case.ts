// One benchmark case in its own process, so that its peak memory is its own:
//   node build/bench/score-case.js BYTES RUNS
// prints {"bytes", "files", "medianMs", "maxRssMb"}.
import { defaultConfig } from '../src/config/load-config.js';
import { createChangeScorer } from '../src/run/score-change.js';
import { generateDiff } from './generate-diff.js';

const bytes = Number(process.argv[2]);
const runs = Number(process.argv[3] ?? 5);
const scorer = createChangeScorer(defaultConfig());
const text = generateDiff(bytes);
// One warm-up run: the goal is time after start-up, not JIT compilation.
let files = scorer.scoreText(text).files.length;
const times: number[] = [];
for (let i = 0; i < runs; i++) {
  const start = performance.now();
  files = scorer.scoreText(text).files.length;
  times.push(performance.now() - start);
}
times.sort((a, b) => a - b);
console.log(
  JSON.stringify({ bytes: text.length, files, medianMs: times[Math.floor(times.length / 2)], maxRssMb: process.resourceUsage().maxRSS / 1024 }),
);
