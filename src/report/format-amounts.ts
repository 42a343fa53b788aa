// Dollars and tokens as every report shows them: cents below a cent would read as $0.00.

export function formatUsd(usd: number): string {
  return usd < 0.01 ? `$${usd.toFixed(4)}` : `$${usd.toFixed(2)}`;
}

export function formatTokens(tokens: number): string {
  return tokens >= 10_000 ? `${Math.round(tokens / 1000)}k` : tokens >= 1000 ? `${(tokens / 1000).toFixed(1)}k` : String(tokens);
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
