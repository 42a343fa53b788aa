// `npm run bench`: parse-and-score speed and peak memory on generated diffs of 1 KB, 1 MB and
// 50 MB, CLI start-up, the --jsonl batch throughput on 10,000 diffs, every pattern rule and PR-text
// check on adversarial 100 KB and 1 MB lines, the wall time of a run of three agents, and the
// dollars of the labelled corpus routed by tier, and the time from the last model answer to the
// gate's conclusion with GitHub's one write a second. Prints tables; the README records the figures of a
// run on the 2-core development machine.
import { execFileSync, spawn } from 'node:child_process';
import { createWriteStream, mkdtempSync, openSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { generateDiff } from './generate-diff.js';
import { updateReadmeSection } from './update-readme-section.js';
import { benchAgentRun, benchCorpusCost } from './agent-run-bench.js';
import { benchFallbackLatency, benchProviderCost } from './provider-bench.js';
import { benchGateReport } from './gate-report-bench.js';
import { benchCheckLatency } from './check-latency-bench.js';
import { benchLogisticFit } from './logistic-fit-bench.js';
import { benchScoreWorker } from './score-worker-bench.js';
import { benchRegex, REGEX_TABLE_HEADER } from './regex-bench.js';
import { benchCodeLayer } from './code-layer-bench.js';

// A model's time to first token on a prompt of about 14k tokens, simulated by the local server:
// the wall time of a run is this plus the slowest answer, since the others start when it passes.
const FIRST_TOKEN_MS = 150;

const CASE = fileURLToPath(new URL('./score-case.js', import.meta.url));
const BIN = fileURLToPath(new URL('../../bin/riskgate.js', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'riskgate-bench-'));

interface CaseResult {
  bytes: number;
  files: number;
  medianMs: number;
  maxRssMb: number;
}

function runCase(bytes: number, runs: number): CaseResult {
  return JSON.parse(execFileSync(process.execPath, [CASE, String(bytes), String(runs)], { encoding: 'utf8' })) as CaseResult;
}

/** Wall time of a child process and its peak memory (GNU time's maxRSS is not everywhere). */
function timeChild(args: string[], stdinFile: string): Promise<{ ms: number; maxRssMb: number }> {
  return new Promise((resolve, reject) => {
    const start = performance.now();
    const child = spawn(process.execPath, [`--require=${join(dir, 'report-rss.cjs')}`, ...args], {
      stdio: [openSync(stdinFile, 'r'), 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', () => {
      const rss = /maxRssMb=(\d+(?:\.\d+)?)/.exec(stderr);
      resolve({ ms: performance.now() - start, maxRssMb: rss ? Number(rss[1]) : Number.NaN });
    });
  });
}

writeFileSync(join(dir, 'report-rss.cjs'), "process.on('exit', () => process.stderr.write(`maxRssMb=${process.resourceUsage().maxRSS / 1024}\\n`));\n");

const rows: string[] = [];
const f1 = (n: number) => n.toFixed(1);
for (const [label, bytes, runs] of [['1 KB', 1_000, 200], ['100 KB', 100_000, 50], ['1 MB', 1_000_000, 20], ['50 MB', 50_000_000, 3]] as const) {
  const r = runCase(bytes, runs);
  rows.push(`| parse + score, ${label} diff (${r.files} files) | ${f1(r.medianMs)} ms | ${f1(r.maxRssMb)} MB |`);
  console.log(rows.at(-1));
}

const smallDiff = join(dir, 'small.diff');
writeFileSync(smallDiff, generateDiff(5_000));
const startups: number[] = [];
for (let i = 0; i < 10; i++) startups.push((await timeChild([BIN, 'score', '--diff', '-'], smallDiff)).ms);
startups.sort((a, b) => a - b);
rows.push(`| CLI start-up and score, 5 KB diff (\`riskgate score --diff -\`, median of 10) | ${f1(startups[5]!)} ms | |`);
console.log(rows.at(-1));

const batchFile = join(dir, 'batch.jsonl');
const batch = createWriteStream(batchFile);
const BATCH = 10_000;
for (let i = 0; i < BATCH; i++) {
  batch.write(`${JSON.stringify({ id: i, diff: generateDiff(800 + (i % 40) * 200, i + 1), title: i % 3 === 0 ? 'Fix a bug' : 'Add a feature' })}\n`);
}
await new Promise((resolve) => batch.end(resolve));
const run = await timeChild([BIN, 'score', '--jsonl'], batchFile);
rows.push(`| \`riskgate score --jsonl\`, ${BATCH} diffs of 1-9 KB | ${f1(run.ms)} ms (${Math.round(BATCH / (run.ms / 1000))} diffs/s) | ${f1(run.maxRssMb)} MB |`);
console.log(rows.at(-1));

rows.push(...benchGateReport());
rows.push(...(await benchScoreWorker()));
rows.push(...benchLogisticFit());
rows.push(...(await benchCodeLayer()));

const table = ['| benchmark | time | peak memory |', '|---|---:|---:|', ...rows].join('\n');
console.log(`\n${table}`);
if (updateReadmeSection('bench', table)) console.log('\nsection updated');

// Regular expressions over author-written text: the worst adversarial line per rule.
const regexTable = [...REGEX_TABLE_HEADER, ...benchRegex()].join('\n');
console.log(`\n${regexTable}`);
if (updateReadmeSection('bench-regex', regexTable)) console.log('\nsection updated (regex)');

// Agents: one run against the local Messages API with simulated latency, and the corpus's dollars.
const agentRows = [...(await benchAgentRun(2_000, FIRST_TOKEN_MS)), ...(await benchCorpusCost())];
const agentTable = ['| benchmark | result | note |', '|---|---:|---:|', ...agentRows].join('\n');
console.log(`\n${agentTable}`);
if (updateReadmeSection('bench-agents', agentTable)) console.log('\nsection updated (agents)');
// Check runs: last model answer to the gate's conclusion, with GitHub's one write a second.
const checkTable = ['| benchmark | result | note |', '|---|---:|---:|', ...(await benchCheckLatency())].join('\n');
console.log(`\n${checkTable}`);
if (updateReadmeSection('bench-checks', checkTable)) console.log('\nsection updated (check runs)');

// Providers: the corpus under three routings, and what a fallback adds to one call.
const providerRows = [...(await benchProviderCost()), ...(await benchFallbackLatency(1_000, 150))];
const providerTable = ['| benchmark | result | note |', '|---|---:|---:|', ...providerRows].join('\n');
console.log(`\n${providerTable}`);
if (updateReadmeSection('bench-providers', providerTable)) console.log('\nsection updated (providers)');
rmSync(dir, { recursive: true, force: true });
