import { describe, expect, it } from 'vitest';
import { formatDollars } from '../../src/report/format-amounts.js';

describe('formatDollars', () => {
  it('shows nothing spent as $0, crumbs as <$0.001, under a cent with three decimals and the rest with cents', () => {
    expect(formatDollars(0)).toBe('$0');
    expect(formatDollars(0.0004)).toBe('<$0.001');
    expect(formatDollars(0.009)).toBe('$0.009');
    expect(formatDollars(0.0125)).toBe('$0.01');
    expect(formatDollars(0.03)).toBe('$0.03');
    expect(formatDollars(1.244)).toBe('$1.24');
    expect(formatDollars(1240.5)).toBe('$1,240.50');
    expect(formatDollars(-0.136)).toBe('-$0.14');
    expect(formatDollars(Number.NaN)).toBe('-');
  });

  it('is self-contained, so the dashboard can serve its source to the browser', () => {
    const copy = new Function(`return (${formatDollars.toString()})`)() as (usd: number) => string;
    for (const usd of [0, 0.0004, 0.009, 0.03, 1.244, 1240.5]) expect(copy(usd)).toBe(formatDollars(usd));
  });
});
