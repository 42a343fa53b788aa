import { describe, expect, it } from 'vitest';
import { RunBudget } from '../../src/run/run-budget.js';

describe('a run budget inside an outer one', () => {
  it('reserves every call in both: the outer cap refuses what the run alone would allow, and says whose cap it is', () => {
    const outer = new RunBudget({ maxUsd: 1, maxTokens: Infinity, owner: "eval's --max-usd" });
    const first = new RunBudget({ maxUsd: 3, maxTokens: 1_000_000 }, outer);
    const second = new RunBudget({ maxUsd: 3, maxTokens: 1_000_000 }, outer);
    expect(first.reserve(0.6, 100)).toEqual({ usd: 0.6, tokens: 100 });
    const refused = second.reserve(0.6, 100);
    expect(refused).toEqual({ refused: expect.stringMatching(/would pass the eval's --max-usd cap of \$1 \(\$0\.6000 spent or reserved\)/) });
    expect(second.limited).toBe(true);
    expect(outer.limited).toBe(true);
    expect(first.limited).toBe(false);
  });

  it('settles in both: what a call really cost frees the rest of its reservation for the next run', () => {
    const outer = new RunBudget({ maxUsd: 1, maxTokens: Infinity });
    const first = new RunBudget({ maxUsd: 3, maxTokens: 1_000_000 }, outer);
    const held = first.reserve(0.9, 100);
    if ('refused' in held) throw new Error(held.refused);
    first.settle(held, 0.1, 50);
    expect(outer.spent).toEqual({ usd: 0.1, tokens: 50 });
    const second = new RunBudget({ maxUsd: 3, maxTokens: 1_000_000 }, outer);
    expect(second.reserve(0.85, 100)).toEqual({ usd: 0.85, tokens: 100 });
    expect(second.reserve(0.1, 100)).toHaveProperty('refused');
  });

  it('refuses in the run first, without reserving in the outer one', () => {
    const outer = new RunBudget({ maxUsd: 10, maxTokens: Infinity });
    const run = new RunBudget({ maxUsd: 0.5, maxTokens: 1_000_000 }, outer);
    expect(run.reserve(0.6, 10)).toEqual({ refused: expect.stringMatching(/the run's cap of \$0\.5/) });
    expect(outer.limited).toBe(false);
    expect(outer.reserve(10, 10)).toEqual({ usd: 10, tokens: 10 });
  });
});
