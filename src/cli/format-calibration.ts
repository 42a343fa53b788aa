import { plural } from '../report/format-amounts.js';
import type { RiskModel, ValidationRow } from '../calibrate/risk-model-file.js';
import type { MiningStats } from '../history/mine-history.js';
import { DEFAULT_WIDTH, wrapText } from './terminal.js';

const day = (iso: string) => iso.slice(0, 10);
const f3 = (n: number | null) => (n === null ? '  -  ' : n.toFixed(3));
const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

/** The weights, as many to a line as the width holds. */
function weightLines(weights: ReadonlyArray<{ id: string; weight: number }>, width: number): string[] {
  const cells = weights.map((w) => `${w.id} ${w.weight >= 0 ? '+' : ''}${w.weight.toFixed(2)}`);
  return wrapText(cells.join('  ').replace(/ ([+-]\d)/g, '\u00a0$1'), width - 2).map((l) => `  ${l.replace(/\u00a0/g, ' ')}`);
}

const variantName = (row: Pick<ValidationRow, 'inputs'>) => (row.inputs === 'history' ? 'model (history)' : 'model (diff only)');

/** Why a model is not written: which variants rank the newer commits no better than lines added. */
export function formatWeaker(rows: readonly ValidationRow[]): string {
  const figures = rows.map((r) => `${variantName(r)} ${f3(r.model.auc).trim()} against lines added ${f3(r.linesAdded.auc).trim()}`);
  return `the calibrated model ranks the newer commits no better than lines added alone (AUC ${figures.join('; ')})`;
}

/**
 * What `riskgate calibrate` prints: what was mined, the validation table, the weights, and where
 * the model went (`written` null: nowhere, the command says why).
 */
export function formatCalibration(model: RiskModel, stats: MiningStats, written: string | null, width = DEFAULT_WIDTH): string {
  const v = model.validation;
  const out = [
    `riskgate calibrate: ${model.counts.commits} commits (${model.counts.merges} merges and ${model.counts.largeCommits} bulk commits not labelled), ${model.counts.fixes} fixes`,
    `  mined in ${seconds(stats.logMs + stats.replayMs + stats.blameMs)}: log ${seconds(stats.logMs)}, SZZ replay ${seconds(stats.replayMs)}, git blame of ${plural(stats.blamedFiles, 'file')} ${seconds(stats.blameMs)}; ${stats.cachedFixes} of ${stats.fixes} fixes from the cache`,
    `  window: ${model.window.since ? day(model.window.since) : 'the first commit'} to ${day(model.window.until)}, less the last ${model.window.labelHorizonDays} days (their bugs are not found yet): ` +
      `${model.counts.trainingCommits} commits, ${model.counts.trainingBuggy} traced as bug-introducing`,
    '',
    `validation: trained on ${v.trainCommits} commits (${v.trainBuggy} buggy) before ${day(v.trainUntil)}, tested on ${v.testCommits} (${v.testBuggy} buggy) from ${day(v.testFrom)}; ${v.gapDays}-day gap`,
    '                        AUC    Popt   recall@20%',
  ];
  for (const row of v.rows) {
    out.push(`  ${variantName(row).padEnd(20)}${f3(row.model.auc)}  ${f3(row.model.popt)}  ${f3(row.model.recallAt20)}`);
  }
  const baseline = v.rows[0];
  if (baseline) {
    out.push(`  ${'lines added'.padEnd(20)}${f3(baseline.linesAdded.auc)}  ${f3(baseline.linesAdded.popt)}  ${f3(baseline.linesAdded.recallAt20)}`);
    out.push(`  ${'smallest first'.padEnd(20)}${'  -  '}  ${f3(baseline.smallestFirst.popt)}  ${f3(baseline.smallestFirst.recallAt20)}`);
  }
  out.push('  (AUC ranks by the score; Popt and recall at 20% of the changed lines rank by risk per line)');
  const variant = model.variants.history;
  const weights = [...variant.features].sort((a, b) => Math.abs(b.weight) - Math.abs(a.weight));
  out.push(
    '',
    `weights (history variant, log-odds per standard deviation; ${variant.points.perLogit.toFixed(1)} points each, baseline ${variant.points.base.toFixed(1)}):`,
    ...weightLines(weights, width),
    '  (+ raises the risk, - lowers it; each is the change in log-odds of a commit being bug-introducing when',
    `   the feature is one standard deviation higher: +0.50 is about ${(Math.exp(0.5)).toFixed(2)}x the odds; sorted by size)`,
    '',
    written === null ? 'model not written' : `wrote ${written}: riskgate score and the gate use it once it is on the base branch`,
  );
  return out.join('\n');
}
