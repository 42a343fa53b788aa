import { fileURLToPath } from 'node:url';
import { performance } from 'node:perf_hooks';
import { workerPreparer } from '../src/app/prepare-in-worker.js';
import { defaultConfig } from '../src/config/load-config.js';
import type { PullFileRow } from '../src/diff/from-pull-files.js';
import { prepareChangeNow, type PreparationRequest } from '../src/run/change-preparer.js';

// What scoring on a worker thread costs the App: the same preparation (listFiles rows -> diff,
// score, riskgate's own checks, packing per tier) in-process and on a warm pooled worker, and the
// event-loop time the worker path still takes on the main thread (sending the rows, receiving the
// prepared change). Medians of several runs.

function rows(files: number, linesPerFile: number): PullFileRow[] {
  return Array.from({ length: files }, (_, i) => {
    const added = Array.from({ length: linesPerFile }, (_, j) => `+export const value${i}_${j} = compute(${j}, "item-${i}");`);
    return { filename: `src/module-${i % 40}/file-${i}.ts`, status: 'modified', additions: linesPerFile, deletions: 0, changes: linesPerFile, patch: `@@ -1,0 +1,${linesPerFile} @@\n${added.join('\n')}` };
  });
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

export async function benchScoreWorker(runs = 9): Promise<string[]> {
  const out: string[] = [];
  const prepare = workerPreparer({ deadlineMs: 120_000, workers: 1 });
  const config = defaultConfig();
  // The first call starts the worker: loading riskgate's modules and compiling the config.
  const coldStarted = performance.now();
  await prepare({ config, rows: rows(20, 30), text: { title: 'Change', body: 'A change.' } });
  const coldMs = performance.now() - coldStarted;
  for (const [files, lines] of [[20, 30], [300, 30], [3_000, 10]] as const) {
    const request: PreparationRequest = { config, rows: rows(files, lines), changedFiles: files, text: { title: 'Change', body: 'A change.' } };
    const inProcess: number[] = [];
    const onWorker: number[] = [];
    const onLoop: number[] = [];
    for (let i = 0; i < runs; i++) {
      let started = performance.now();
      prepareChangeNow(request);
      inProcess.push(performance.now() - started);
      const before = performance.eventLoopUtilization();
      started = performance.now();
      await prepare(request);
      onWorker.push(performance.now() - started);
      onLoop.push(performance.eventLoopUtilization(before).active);
    }
    out.push(
      `| scoring on a worker thread: ${files} listFiles rows of ${lines} lines, in-process vs warm worker (main thread busy meanwhile; median of ${runs}) | ${median(inProcess).toFixed(1)} ms vs ${median(onWorker).toFixed(1)} ms (${median(onLoop).toFixed(1)} ms) | |`,
    );
    console.log(out.at(-1));
  }
  out.push(`| scoring worker start-up (first change a worker prepares, 20 rows) | ${coldMs.toFixed(0)} ms | |`);
  console.log(out.at(-1));
  return out;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) await benchScoreWorker();
