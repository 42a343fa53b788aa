import { promptTokens } from '../plan/estimate-cost.js';
import { formatTokens, formatUsd } from '../report/format-amounts.js';
import type { SpendDimension, SpendRow } from '../store/ledger.js';
import type { SpendSummary } from './summarize-spend.js';

const day = (ms: number) => new Date(ms).toISOString().slice(0, 10);
const percent = (part: number, whole: number) => (whole > 0 ? `${((100 * part) / whole).toFixed(1)}%` : '0%');
const promptOf = (row: SpendRow) => promptTokens(row.usage);

/** Dollars, or "local" for a group that only local models answered: $0.00 would read as free Anthropic calls. */
export function formatSpent(row: Pick<SpendRow, 'usd' | 'paidCalls' | 'localCalls'>): string {
  return row.paidCalls > 0 && row.localCalls === row.paidCalls && row.usd === 0 ? 'local' : formatUsd(row.usd);
}

function table(title: string, dimension: SpendDimension, rows: readonly SpendRow[]): string[] {
  if (rows.length === 0) return [];
  const header = [title, 'calls', 'paid', 'cached', 'prompt', 'cache read', 'output', 'spent', 'all-strong', 'cache saved'];
  const body = rows.map((r) => [
    r.group[dimension] ?? '',
    String(r.calls),
    String(r.paidCalls),
    String(r.cachedCalls),
    formatTokens(promptOf(r)),
    formatTokens(r.usage.cacheReadTokens),
    formatTokens(r.usage.outputTokens),
    formatSpent(r),
    formatUsd(r.strongUsd),
    formatUsd(r.savedUsd),
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((row) => row[i]!.length)));
  // The label column reads left-aligned, the figures right-aligned.
  const line = (cells: string[]) => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ');
  return ['', line(header), ...body.map(line)];
}

/** `riskgate spend`: where the money went, and what routing and caching saved. */
export function formatSpend(summary: SpendSummary, where: string): string {
  const t = summary.totals;
  const range = `${summary.since !== undefined ? day(summary.since) : 'the start'} to ${summary.until !== undefined ? day(summary.until - 1) : 'now'}`;
  const lines = [`riskgate spend, ${range}${summary.repository ? ` for ${summary.repository}` : ''} (ledger: ${where})`];
  if (t.calls === 0) return [...lines, '', 'No model calls recorded in this range.'].join('\n');
  lines.push(
    '',
    `spent        ${formatUsd(t.usd)} on ${t.paidCalls} paid call${t.paidCalls === 1 ? '' : 's'} (${formatTokens(promptOf(t))} prompt tokens, ${percent(t.usage.cacheReadTokens, promptOf(t))} read from the prompt cache)${t.localCalls > 0 ? `; ${t.localCalls} of them on local models at $0` : ''}`,
    `all-strong   ${formatUsd(t.strongUsd)} had every call gone to the strong model: routing by risk saved ${formatUsd(summary.savedVsStrongUsd)} (${percent(summary.savedVsStrongUsd, t.strongUsd)})`,
    `result cache ${formatUsd(t.savedUsd)} not spent again: ${t.cachedCalls} answer${t.cachedCalls === 1 ? '' : 's'} reused`,
    ...table('repository', 'repository', summary.byRepository),
    ...table('agent', 'agent', summary.byAgent),
    ...table('provider', 'provider', summary.byProvider),
    ...table('model', 'model', summary.byModel),
    ...table('tier', 'tier', summary.byTier),
  );
  return lines.join('\n');
}
