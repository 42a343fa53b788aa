import { defaultConfig } from '../src/config/load-config.js';
import type { PullFileRow } from '../src/diff/from-pull-files.js';
import { carryOverBlockers, recordOpenBlockers } from '../src/findings/carry-over-blockers.js';
import type { Finding } from '../src/findings/finding.js';
import { decideGate } from '../src/report/decide-gate.js';
import { renderChecks } from '../src/report/render-checks.js';
import { createReviewer } from '../src/run/review-change.js';

// The gate's own work on a pull request, between GitHub's answers and the model calls: listFiles
// rows to the diff, score, plan, packing, riskgate's own checks, carried blockers, the decision and
// the rendered check runs. Median of several runs, in-process.

function rows(files: number, linesPerFile: number): PullFileRow[] {
  return Array.from({ length: files }, (_, i) => {
    const added = Array.from({ length: linesPerFile }, (_, j) => `+export const value${i}_${j} = compute(${j}, "item-${i}");`);
    return { filename: `src/module-${i % 40}/file-${i}.ts`, status: 'modified', additions: linesPerFile, deletions: 0, changes: linesPerFile, patch: `@@ -1,0 +1,${linesPerFile} @@\n${added.join('\n')}` };
  });
}

function medianMs(runs: number, work: () => void): number {
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const started = performance.now();
    work();
    times.push(performance.now() - started);
  }
  return times.sort((a, b) => a - b)[Math.floor(runs / 2)]!;
}

export function benchGateReport(): string[] {
  const reviewer = createReviewer(defaultConfig());
  const out: string[] = [];
  for (const [files, lines] of [[20, 30], [300, 30], [3_000, 10]] as const) {
    const listed = rows(files, lines);
    const sha = 'a'.repeat(40);
    const findings: Finding[] = listed.slice(0, 8).map((r) => ({ agent: 'security', severity: 'blocker', confidence: 0.9, path: r.filename, startLine: 1, endLine: 1, title: 'Blocker', explanation: 'Why.' }));
    let summaryChars = 0;
    const ms = medianMs(9, () => {
      const diff = reviewer.fromPullFiles(listed, files);
      const report = reviewer.assess({ diff, text: { title: 'Change', body: 'A change.' } }, 'bench');
      const withFindings = { ...report, findings };
      const previous = recordOpenBlockers(findings, diff, 'blocker', sha);
      const { carried, resolved } = carryOverBlockers(previous, diff, []);
      const decision = decideGate(withFindings, carried, { failOn: 'blocker', onError: 'by-tier' });
      const rendered = renderChecks(withFindings, decision, { headSha: sha, configSource: 'bench', resolvedBlockers: resolved, offerFullRun: true, state: { v: 1, headSha: sha, tier: report.tier, openBlockers: previous } });
      summaryChars = rendered.umbrella.summary.length;
    });
    out.push(`| gate without models: ${files} listFiles rows of ${lines} lines -> diff, score, plan, packing, own checks, carried blockers, decision, 4 rendered checks (umbrella ${summaryChars.toLocaleString('en-US')} chars; median of 9) | ${ms.toFixed(1)} ms | |`);
    console.log(out.at(-1));
  }
  return out;
}
