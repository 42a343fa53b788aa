// `npm run build && node build/bench/eval-floors.js [CONFIG.yml]`: how the tier floors of the
// built-in config (or of CONFIG.yml) route the labelled development set. Prints only.
import { readFileSync } from 'node:fs';
import { defaultConfig, parseConfig } from '../src/config/load-config.js';
import { createChangeScorer } from '../src/run/score-change.js';
import type { Diff } from '../src/diff/diff-file.js';
import { floorRouting } from './floor-routing.js';
import { messageAsText, readLabelledCommits, riskEvalPath } from './read-risk-eval.js';

const file = process.argv[2];
const config = file ? parseConfig(readFileSync(file, 'utf8'), file) : defaultConfig();
const { parse } = createChangeScorer(config);
const EMPTY_DIFF: Diff = { files: [], additions: 0, deletions: 0, warnings: [] };
const commits = await readLabelledCommits(riskEvalPath());
const changes = commits.map((c) => ({ diff: c.diff.trim() === '' ? EMPTY_DIFF : parse(c.diff), text: messageAsText(c.message), buggy: c.buggy }));
console.log(`Tier floors of ${file ?? 'the built-in config'} on ${riskEvalPath()}:\n`);
console.log(floorRouting(config, changes));
