import type { RoutingEvaluation } from '../../evaluation/evaluate-routing.js';
import type { RoutingReport } from '../../evaluation/route-history.js';
import { formatUsd } from '../../report/format-amounts.js';

/** How the model's routing was measured, for the heading and the caveat. */
export interface ModelNote {
  source: string;
  /** The newest author time the model was trained on. */
  trainedThrough: number;
  /** Scored commits inside the model's training window: there its routing is in-sample. */
  inSample: number;
}

const count = (n: number) => n.toLocaleString('en-US');
const percent = (share: number) => `${(100 * share).toFixed(1)}%`;
const day = (seconds: number) => new Date(seconds * 1000).toISOString().slice(0, 10);
// The lines-added router splits ties by expectation: whole numbers print without decimals.
const fractional = (n: number) => (Number.isInteger(n) ? count(n) : n.toFixed(1));

function routerTable(report: RoutingReport, commits: number, buggy: number): string[] {
  const rows = [
    ['tier', 'commits', 'share', 'later fixed', 'fixed rate', 'share of all fixed', 'lines added: fixed', 'share of all fixed', 'plan estimate'],
    ...report.tiers.map((t) => [
      t.tier,
      count(t.commits),
      percent(t.share),
      count(t.buggy),
      t.commits === 0 ? '-' : percent(t.buggy / t.commits),
      percent(t.buggyShare),
      fractional(t.laBuggy),
      percent(t.laBuggyShare),
      formatUsd(t.estimatedUsd),
    ]),
  ];
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  const lines = rows.map((r) => `  ${r.map((cell, i) => (i === 0 ? cell.padEnd(widths[i]!) : cell.padStart(widths[i]!))).join('  ')}`);
  const high = report.tiers.filter((t) => t.tier === 'thorough' || t.tier === 'full');
  const highCommits = high.reduce((n, t) => n + t.commits, 0);
  const highBuggy = high.reduce((n, t) => n + t.buggy, 0);
  const highLa = high.reduce((n, t) => n + t.laBuggy, 0);
  lines.push(
    `  thorough and full received ${percent(highCommits / Math.max(1, commits))} of the commits and ${percent(highBuggy / Math.max(1, buggy))} of those later fixed;` +
      ` sending them the same number by lines added would have caught ${percent(highLa / Math.max(1, buggy))}.`,
  );
  const f = report.floors;
  lines.push(
    '',
    `  tier floors raised ${count(f.raised)} commit(s) (${percent(f.raised / Math.max(1, commits))}), ${count(f.buggy)} of them later fixed` +
      (f.raised > 0 ? ` (${percent(f.buggy / f.raised)}; ${percent(buggy / Math.max(1, commits))} of all commits were)` : ''),
  );
  const floorRows = [['floor', 'tier', 'held on', 'raised', 'later fixed'], ...f.factors.map((r) => [r.factor, r.tier, count(r.holds), count(r.raised), count(r.buggy)])];
  const floorWidths = floorRows[0]!.map((_, i) => Math.max(...floorRows.map((r) => r[i]!.length)));
  for (const r of floorRows) lines.push(`    ${r.map((cell, i) => (i < 2 ? cell.padEnd(floorWidths[i]!) : cell.padStart(floorWidths[i]!))).join('  ')}`);
  return lines;
}

/** What `riskgate eval routing` prints without --json. */
export function formatRoutingEvaluation(evaluation: RoutingEvaluation, context: { configSource: string; model?: ModelNote; seconds: number }): string {
  const e = evaluation;
  const w = e.window;
  const out = [
    `riskgate eval routing: ${count(e.commits)} commits authored ${e.first !== undefined ? day(e.first) : '-'} to ${e.last !== undefined ? day(e.last) : '-'}` +
      `${w.since !== undefined ? ` (from --since ${day(w.since)})` : ''}, ${count(e.buggy)} of them later fixed (${percent(e.buggy / Math.max(1, e.commits))}, SZZ on the fixes up to ${day(w.until - 1)})`,
    `  the last ${w.labelHorizonDays} days (after ${day(w.labelledUntil)}) are left out: their bugs are not found yet (calibrate.label_horizon_days)`,
    `  left out as calibrate does: ${count(e.leftOut.merges)} merge(s) and ${count(e.leftOut.bulk)} bulk commit(s) (calibrate.max_commit_files, max_commit_lines)` +
      (e.leftOut.unreadable > 0 ? `; ${count(e.leftOut.unreadable)} commit(s) whose diff could not be read` : ''),
    `  config: ${context.configSource}; ${context.seconds.toFixed(1)} s`,
    '',
    'default score (each commit scored as `riskgate score <commit>` without a model; its message is the PR text):',
    ...routerTable(e.defaultScore, e.commits, e.buggy),
  ];
  if (e.model && context.model) {
    const m = context.model;
    out.push(
      '',
      `calibrated model (${m.source}), diff-only variant as the gate uses it:`,
      ...routerTable(e.model, e.commits, e.buggy),
    );
    if (m.inSample > 0) {
      out.push(`  caution: the model was trained on ${count(m.inSample)} of these commits (up to ${day(m.trainedThrough)}): on them its routing is measured in-sample and flatters it`);
    }
  } else {
    out.push('', 'no calibrated model (.github/riskgate-model.json at HEAD, or --model FILE): only the default score is shown');
  }
  out.push(
    '',
    '"later fixed": a later fix changed lines this commit wrote (SZZ; labels are noisy). "lines added": a router that sends each tier',
    'as many commits as the score did, the fewest lines added to minimal. "plan estimate": the plans\' dollar estimates, not a bill.',
  );
  return out.join('\n');
}
