import { describe, expect, it } from 'vitest';
import type { BudgetCap } from '../../src/budget/budget-cap.js';
import { budgetLimitsFromEnv, capsFor } from '../../src/budget/budget-limits.js';
import { chooseWithinBudget } from '../../src/budget/choose-within-budget.js';
import type { WorstCase } from '../../src/run/review-change.js';

const WORST: WorstCase = {
  wanted: 'thorough',
  byTier: [
    { tier: 'thorough', usd: 1.2 },
    { tier: 'standard', usd: 0.3 },
    { tier: 'minimal', usd: 0.05 },
  ],
};
const repoDay: BudgetCap = { scope: { kind: 'repository', repository: 'acme/api' }, window: 'day', limitUsd: 5 };
const installationMonth: BudgetCap = { scope: { kind: 'installation', installationId: 7 }, window: 'month', limitUsd: 100 };

describe('chooseWithinBudget', () => {
  it('runs the tier the change calls for while every cap has room, holding its worst case', () => {
    expect(chooseWithinBudget([repoDay, installationMonth], [1, 10], WORST, 3)).toMatchObject({ tier: 'thorough', holdUsd: 1.2, remainingUsd: 4 });
  });

  it('lowers the tier to what the tightest cap has left, and says which cap and why', () => {
    const choice = chooseWithinBudget([repoDay, installationMonth], [1, 99.5], WORST, 3);
    expect(choice).toMatchObject({ tier: 'standard', holdUsd: 0.3, remainingUsd: 0.5, binding: installationMonth });
    expect(choice.reason).toBe("the installation's monthly budget ($100) has $0.50 left, and a thorough run may cost up to $1.20");
  });

  it('runs no agent when not even the lowest tier fits: never a silent pass', () => {
    const choice = chooseWithinBudget([repoDay], [4.99], WORST, 3);
    expect(choice).toMatchObject({ tier: 'none', holdUsd: 0 });
    expect(choice.reason).toMatch(/acme\/api's daily budget \(\$5\) has \$0.01 left, and even a minimal run may cost up to \$0.05; no agent ran/);
  });

  it("never holds more than the run's own cap, and a spent-over cap counts as nothing left", () => {
    expect(chooseWithinBudget([repoDay], [0], { ...WORST, byTier: [{ tier: 'thorough', usd: 9 }] }, 3)).toMatchObject({ tier: 'thorough', holdUsd: 3 });
    expect(chooseWithinBudget([repoDay], [7], WORST, 3)).toMatchObject({ tier: 'none', remainingUsd: 0 });
  });

  it('without caps, the tier stands and nothing is held', () => {
    expect(chooseWithinBudget([], [], WORST, 3)).toEqual({ tier: 'thorough', holdUsd: 0, remainingUsd: Infinity });
  });
});

describe('budget limits', () => {
  it('reads each limit from its variable and names a bad one with what it allows', () => {
    const limits = budgetLimitsFromEnv({ RISKGATE_BUDGET_REPOSITORY_DAY_USD: '5', RISKGATE_BUDGET_OUTSIDE_AUTHOR_DAY_USD: '0.50', RISKGATE_BUDGET_INSTALLATION_MONTH_USD: ' ' });
    expect(limits).toEqual({ installation: {}, repository: { day: 5 }, outsideAuthor: { day: 0.5 } });
    expect(() => budgetLimitsFromEnv({ RISKGATE_BUDGET_INSTALLATION_MONTH_USD: 'lots' })).toThrow('RISKGATE_BUDGET_INSTALLATION_MONTH_USD must be a number of US dollars, 0 or more (for example 25 or 2.50), not "lots"');
    expect(() => budgetLimitsFromEnv({ RISKGATE_BUDGET_REPOSITORY_DAY_USD: '-1' })).toThrow(/RISKGATE_BUDGET_REPOSITORY_DAY_USD/);
  });

  it('applies the author cap only to authors without write access', () => {
    const limits = budgetLimitsFromEnv({ RISKGATE_BUDGET_REPOSITORY_DAY_USD: '5', RISKGATE_BUDGET_OUTSIDE_AUTHOR_DAY_USD: '1' });
    const run = { installationId: 7, repository: 'acme/api', author: 'stranger' };
    expect(capsFor(limits, run, false).map((c) => c.scope.kind)).toEqual(['repository', 'author']);
    expect(capsFor(limits, run, true).map((c) => c.scope.kind)).toEqual(['repository']);
    expect(capsFor(limits, run, false)[1]).toEqual({ scope: { kind: 'author', installationId: 7, author: 'stranger' }, window: 'day', limitUsd: 1 });
  });
});
