// Dollars, tokens and counts as every report shows them (check runs, the CLI, the spend summary):
// one format, in one place, so the same amount never reads two ways.

/**
 * `$0` for nothing, `<$0.001` for a trace, three decimals below a dollar at most (`$0.009`,
 * `$0.03`), cents above (`$1.24`). Trailing zeros go: `$0.030` reads as more precise than it is.
 */
export function formatUsd(usd: number): string {
  if (!Number.isFinite(usd) || usd <= 0) return '$0';
  if (usd < 0.001) return '<$0.001';
  const mills = Number(usd.toFixed(3));
  if (mills < 1) return `$${mills.toString()}`;
  return `$${usd.toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 })}`;
}

/** Whole tokens with thousands separators: `12,345`. */
export function formatTokens(tokens: number): string {
  return Math.round(tokens).toLocaleString('en-US');
}

/** `1 finding`, `2 findings`, `0 files`: a count with its noun in the right number. */
export function plural(count: number, singular: string, pluralForm = `${singular}s`): string {
  return `${count.toLocaleString('en-US')} ${count === 1 ? singular : pluralForm}`;
}

/**
 * Dollars for people, one format everywhere it is new: $0, <$0.001, $0.009, $0.03, $1.24, $1,240.50.
 * Self-contained (no imports, no outer names): the dashboard serves its source to the browser.
 */
export function formatDollars(usd: number): string {
  if (!Number.isFinite(usd)) return '-';
  const sign = usd < 0 ? '-' : '';
  const amount = Math.abs(usd);
  if (amount === 0) return '$0';
  if (amount < 0.001) return `${sign}<$0.001`;
  const digits = amount < 0.01 ? 3 : 2;
  return `${sign}$${amount.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits })}`;
}
