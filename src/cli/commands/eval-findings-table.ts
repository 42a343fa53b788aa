import type { ByWindow } from '../../evaluation/score-findings.js';
import { formatTokens, formatUsd } from '../../report/format-amounts.js';
import type { EvalSampleJson, FindingsEvalJson, FindingsPriceJson } from './eval-findings-command.js';

// What `riskgate eval findings` prints: the table (text), and the same as a Markdown report with
// what each figure means (`--out`).

const percent = (share: number | null) => (share === null ? '-' : `${(100 * share).toFixed(0)}%`);
const signed = (share: number) => `${share >= 0 ? '+' : '−'}${Math.abs(100 * share).toFixed(0)}%`;
const windows = (w: ByWindow) => `${percent(w.k0)} / ${percent(w.k3)} / ${percent(w.k10)}`;
const day = (iso: string | null) => (iso === null ? '-' : iso.slice(0, 10));
const fixed = (n: number | null, digits: number) => (n === null ? '-' : n.toFixed(digits));
const pValue = (p: number) => (p < 0.001 ? '< 0.001' : p.toFixed(3));

function heading(report: EvalSampleJson): string {
  const s = report.sample;
  return (
    `${s.introducers.length} bug-introducing and ${s.clean.length} clean commit(s) of ${report.repository}, seed ${report.seed}, ` +
    `authored ${day(report.window.poolFrom)} to ${day(report.window.poolTo)} (labelled window up to ${day(report.window.labelledUntil)}; SZZ on the fixes up to ${day(report.window.fixesUntil)}); config: ${report.config}`
  );
}

function table(rows: string[][]): string[] {
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  return rows.map((r) => `  ${r.map((cell, i) => (i === 0 ? cell.padEnd(widths[i]!) : cell.padStart(widths[i]!))).join('  ')}`);
}

function armRows(report: FindingsEvalJson): string[][] {
  return [
    ['arm', 'commits', 'recall k0/k3/k10', 'random k0/k3/k10', 'blockers k3', 'hit share', 'findings/clean', 'clean w/ blocker', '$/commit', 'tokens/commit', 'cache hit', 'failed', 'limited'],
    ...report.arms.map((a) => [
      a.name,
      `${a.commits}/${a.sampled}`,
      windows(a.recall),
      windows(a.randomRecall),
      percent(a.blockerRecall.k3),
      percent(a.hitShare),
      fixed(a.findingsPerCleanCommit, 2),
      percent(a.cleanWithBlocker),
      a.usdPerCommit === null ? '-' : formatUsd(a.usdPerCommit),
      a.tokensPerCommit === null ? '-' : formatTokens(Math.round(a.tokensPerCommit)),
      percent(a.cacheHitRatio),
      String(a.agentsFailed),
      a.budgetLimited ? `yes (${a.partial + a.notRun})` : 'no',
    ]),
  ];
}

function pairLines(report: FindingsEvalJson): string[] {
  return report.pairs.map((p) =>
    p.introducers === 0
      ? `  ${p.a} vs ${p.b}: no introducer reviewed by both`
      : `  ${p.a} vs ${p.b} on ${p.introducers} introducer(s), k = ${p.k}: recall ${percent(p.recallA)} vs ${percent(p.recallB)}, difference ${signed(p.difference!)} ` +
        `(95% bootstrap interval ${signed(p.interval95![0])} to ${signed(p.interval95![1])}); hit by ${p.a} only ${p.onlyA}, by ${p.b} only ${p.onlyB}, exact McNemar p = ${pValue(p.mcnemarP)}`,
  );
}

/** What `riskgate eval findings` prints without --json. */
export function formatFindingsEval(report: FindingsEvalJson): string {
  const out = [`riskgate eval findings: ${heading(report)}`, '', ...table(armRows(report)), ''];
  out.push('  recall: share of introducers with a finding whose lines, widened by k, reach a line the later fix changed; random: as many findings on random added lines of the same commits');
  if (report.pairs.length > 0) out.push('', 'paired, on the introducers both arms reviewed:', ...pairLines(report));
  out.push('', 'caveats:', ...report.caveats.map((c) => `  - ${c}`), '');
  const reused = report.arms.reduce((n, a) => n + a.reusedAnswers, 0);
  out.push(`spent ${formatUsd(report.spentUsd)} this run (--max-usd $${report.maxUsd.toFixed(2)}); ${reused} answer(s) came from the store at no cost; ${report.seconds.toFixed(1)} s`);
  if (report.stoppedBy) out.push(`stopped by --max-usd: the arms marked "limited" left commits unreviewed; their figures cover the commits they reviewed in full`);
  return out.join('\n');
}

/** What `--dry-run` prints without --json. */
export function formatFindingsPrice(report: FindingsPriceJson): string {
  const rows = [
    ['arm', 'commits', 'estimated', 'worst case', 'per commit', 'prefix tokens/commit', 'code context tokens/commit', 'tiers (minimal/standard/thorough/full)'],
    ...report.arms.map((a) => [
      a.name,
      String(a.commits),
      formatUsd(a.estimatedUsd),
      formatUsd(a.worstCaseUsd),
      a.usdPerCommit === null ? '-' : formatUsd(a.usdPerCommit),
      a.prefixTokensPerCommit === null ? '-' : formatTokens(Math.round(a.prefixTokensPerCommit)),
      a.contextTokensPerCommit === null ? '-' : formatTokens(Math.round(a.contextTokensPerCommit)),
      `${a.tiers.minimal}/${a.tiers.standard}/${a.tiers.thorough}/${a.tiers.full}`,
    ]),
  ];
  const fits = report.worstCaseUsd <= report.maxUsd ? 'fits within' : report.estimatedUsd <= report.maxUsd ? 'may pass' : 'is over';
  return [
    `riskgate eval findings --dry-run: ${heading(report)}`,
    '',
    ...table(rows),
    '',
    `  total: estimated ${formatUsd(report.estimatedUsd)}, worst case ${formatUsd(report.worstCaseUsd)}: ${fits} --max-usd $${report.maxUsd.toFixed(2)}`,
    '  estimated: each call at half its output cap, from the prompt that would be sent (as `riskgate review --dry-run`); worst case: every call at its output cap and the strong model verifying the findings, as the budget reserves',
    'No model was called.',
  ].join('\n');
}

const md = (cells: readonly string[]) => `| ${cells.map((c) => c.replaceAll('|', '\\|')).join(' | ')} |`;
function mdTable(rows: string[][]): string[] {
  return [md(rows[0]!), md(rows[0]!.map((_, i) => (i === 0 ? '---' : '---:'))), ...rows.slice(1).map(md)];
}

/** `--out report.md`: the tables, the paired comparisons and what each figure means. */
export function formatFindingsEvalMarkdown(report: FindingsEvalJson): string {
  const out = [
    `# riskgate eval findings: ${report.repository}`,
    '',
    heading(report),
    '',
    '## Arms',
    '',
    ...report.arms.map((a) => `- **${a.name}**: ${a.summary}`),
    '',
    '## Findings against the lines the fixes changed',
    '',
    ...mdTable([
      ['arm', 'commits', 'recall k0', 'k3', 'k10', 'random k0', 'k3', 'k10', 'blockers k3', 'random blockers k3', 'hit share'],
      ...report.arms.map((a) => [
        a.name,
        `${a.commits}/${a.sampled}`,
        percent(a.recall.k0),
        percent(a.recall.k3),
        percent(a.recall.k10),
        percent(a.randomRecall.k0),
        percent(a.randomRecall.k3),
        percent(a.randomRecall.k10),
        percent(a.blockerRecall.k3),
        percent(a.randomBlockerRecall.k3),
        percent(a.hitShare),
      ]),
    ]),
    '',
    '## Noise and cost',
    '',
    ...mdTable([
      ['arm', 'findings per clean commit', 'clean commits with a blocker', 'dollars', 'per commit', 'tokens per commit', 'cache hit', 'agents failed', 'budget-limited'],
      ...report.arms.map((a) => [
        a.name,
        fixed(a.findingsPerCleanCommit, 2),
        percent(a.cleanWithBlocker),
        formatUsd(a.costUsd),
        a.usdPerCommit === null ? '-' : formatUsd(a.usdPerCommit),
        a.tokensPerCommit === null ? '-' : formatTokens(Math.round(a.tokensPerCommit)),
        percent(a.cacheHitRatio),
        String(a.agentsFailed),
        a.budgetLimited ? `yes: ${a.partial} partial, ${a.notRun} not run` : 'no',
      ]),
    ]),
    '',
  ];
  if (report.pairs.length > 0) out.push('## Arms compared on the same introducers', '', ...pairLines(report).map((l) => `- ${l.trim()}`), '');
  out.push(
    '## What each figure means',
    '',
    '- **commits**: sampled commits the arm reviewed in full, of those drawn (half bug-introducing, half clean). A review a budget cut short is left out of the figures.',
    '- **recall at k**: the share of bug-introducing commits with at least one finding whose line range, widened by k lines on each side, overlaps a target line: a line of that commit that a later fix changed (SZZ, located in the commit with `git blame`). k = 0 asks for the exact line; k = 3 and 10 accept findings near it.',
    '- **blockers**: the same, counting only findings the arm reported as blockers (what fails a gate).',
    '- **random**: what as many findings as the arm reported on each commit would score if placed on random added lines of that commit (each keeps its length), computed exactly as an expectation. An arm near its random figure finds bugs no better than chance.',
    '- **hit share**: of the findings on bug-introducing commits, the share that hit a target line at k = 3. The rest may still be real problems the fixes did not touch.',
    '- **findings per clean commit**, **clean commits with a blocker**: noise, on commits no later fix traced a line to.',
    '- **dollars, per commit, tokens per commit, cache hit**: what the answers of the full reviews cost and used, whenever paid (an answer kept from an earlier run counts at what it cost then); cache hit is the prompt-cache share of the prompt tokens.',
    '- **agents failed**: calls that ended without a usable answer (outage, timeout, refusal, cut off). **budget-limited**: commits a budget left partial or unreviewed.',
    '- **paired**: two arms on the introducers both reviewed, hit or not at k = 3. McNemar\'s exact test asks whether the introducers only one arm hit split more unevenly than chance; the interval resamples the introducers (2,000 times, seeded).',
    '',
    '## Caveats',
    '',
    ...report.caveats.map((c) => `- ${c}`),
    '',
    `Spent ${formatUsd(report.spentUsd)} in this run (--max-usd $${report.maxUsd.toFixed(2)})${report.stoppedBy ? '; stopped by --max-usd before every review was done' : ''}. Generated ${report.generatedAt}.`,
    '',
  );
  return out.join('\n');
}
