// `npm run eval:routing -- [--cold] [--sample] [owner/name ...]`: `riskgate eval routing` on the
// evaluation clones (default apache/activemq, openstack/swift, apache/ant-ivy), each with --until
// pinned to its HEAD's day so the tables do not move with the calendar. Prints each table with
// the wall time, CPU and peak memory of the riskgate process (git runs beside it).
// --cold removes the SZZ cache (.git/riskgate) first: the first run on a clone.
// --sample also draws `eval findings`' sample (25 + 25, seed 1) from each and prints its stats.
// Writes nothing; the clones come from RISKGATE_EVAL_REPOS or the `fetch` mirror (bench/eval-repository.ts).
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { defaultConfig } from '../src/config/load-config.js';
import { createFileClassifier } from '../src/diff/classify-file.js';
import { labelledWindow } from '../src/evaluation/labelled-window.js';
import { createReviewableFilter, sampleEvalCommits } from '../src/evaluation/sample-eval-commits.js';
import { compileFixRules } from '../src/history/find-fixes.js';
import { mineHistory } from '../src/history/mine-history.js';
import { evaluationClone } from './eval-repository.js';

const BIN = fileURLToPath(new URL('../../bin/riskgate.js', import.meta.url));
const DEFAULT_REPOS = ['apache/activemq', 'openstack/swift', 'apache/ant-ivy'];

const args = process.argv.slice(2);
const cold = args.includes('--cold');
const withSample = args.includes('--sample');
const repos = args.filter((a) => !a.startsWith('--'));

const scratch = mkdtempSync(join(tmpdir(), 'riskgate-eval-routing-'));
const reporter = join(scratch, 'report-usage.cjs');
writeFileSync(
  reporter,
  "process.on('exit', () => { const u = process.resourceUsage(); process.stderr.write(`usage maxRssMb=${u.maxRSS / 1024} cpuMs=${(u.userCPUTime + u.systemCPUTime) / 1000}\\n`); });\n",
);

interface Run {
  stdout: string;
  stderr: string;
  ms: number;
  maxRssMb: number;
  cpuMs: number;
  code: number | null;
}

function runRouting(cwd: string, until: string): Promise<Run> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(process.execPath, [`--require=${reporter}`, BIN, 'eval', 'routing', '--until', until], { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => {
      const usage = /usage maxRssMb=([\d.]+) cpuMs=([\d.]+)/.exec(stderr);
      resolve({ stdout, stderr: stderr.replace(/usage maxRssMb=.*\n/, ''), ms: performance.now() - started, maxRssMb: Number(usage?.[1]), cpuMs: Number(usage?.[2]), code });
    });
  });
}

const summary: string[] = [];
for (const repo of repos.length > 0 ? repos : DEFAULT_REPOS) {
  const clone = evaluationClone(repo);
  const until = execFileSync('git', ['-C', clone, 'log', '-1', '--format=%cs', 'HEAD'], { encoding: 'utf8' }).trim();
  if (cold) rmSync(join(clone, '.git', 'riskgate'), { recursive: true, force: true });
  const run = await runRouting(clone, until);
  console.log(`## ${repo} (riskgate eval routing --until ${until}${cold ? ', no SZZ cache' : ''})\n`);
  console.log(run.stdout.trimEnd());
  if (run.code !== 0) console.log(run.stderr);
  const line = `| ${repo} | ${until} | ${(run.ms / 1000).toFixed(1)} s | ${(run.cpuMs / 1000).toFixed(1)} s | ${run.maxRssMb.toFixed(0)} MB |`;
  summary.push(line);
  console.log(`\n${line}\n`);

  if (withSample) {
    const config = defaultConfig();
    const classify = createFileClassifier(config.paths.kinds);
    const isTracedPath = (path: string) => classify(path).kind === 'source';
    const untilDate = new Date(Date.parse(`${until}T00:00:00Z`) + 86_400_000);
    const history = await mineHistory(clone, {
      until: untilDate,
      rules: compileFixRules(config.calibrate),
      maxCommitFiles: config.calibrate.max_commit_files,
      maxCommitLines: config.calibrate.max_commit_lines,
      isTracedPath,
    });
    const started = performance.now();
    const sample = await sampleEvalCommits(history, labelledWindow(untilDate, config.calibrate.label_horizon_days), {
      commits: 25,
      seed: 1,
      isReviewable: createReviewableFilter(config, classify),
      isTracedPath,
    });
    const day = (s: number | undefined) => (s === undefined ? '-' : new Date(s * 1000).toISOString().slice(0, 10));
    const targets = sample.introducers.map((i) => Object.values(i.targetLines).reduce((n, l) => n + l.length, 0)).sort((a, b) => a - b);
    console.log(
      `sample (25 + 25, seed 1): ${sample.introducers.length} introducers and ${sample.clean.length} clean commits from ${day(sample.window.poolFrom)} to ${day(sample.window.poolTo)} ` +
        `in ${((performance.now() - started) / 1000).toFixed(1)} s; median target lines ${targets[Math.floor(targets.length / 2)] ?? '-'}; ${JSON.stringify(sample.stats)}\n`,
    );
  }
}
console.log(['| repository | --until | wall | CPU (riskgate) | peak memory (riskgate) |', '|---|---|---:|---:|---:|', ...summary].join('\n'));
rmSync(scratch, { recursive: true, force: true });
