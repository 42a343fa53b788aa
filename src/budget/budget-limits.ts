import { z } from 'zod';
import type { RunIdentity } from '../store/ledger.js';
import type { BudgetCap } from './budget-cap.js';

/** The operator's limits, in dollars; an absent one is no limit. Set on the App, never by a repository. */
export interface BudgetLimits {
  installation: { day?: number; month?: number };
  repository: { day?: number; month?: number };
  /** Per author without write access, across the installation: anyone can open a PR (denial of wallet). */
  outsideAuthor: { day?: number; month?: number };
}

export const NO_BUDGET_LIMITS: BudgetLimits = { installation: {}, repository: {}, outsideAuthor: {} };

// The variable for each limit: RISKGATE_BUDGET_<SCOPE>_<WINDOW>_USD.
const VARIABLES = {
  RISKGATE_BUDGET_INSTALLATION_DAY_USD: ['installation', 'day'],
  RISKGATE_BUDGET_INSTALLATION_MONTH_USD: ['installation', 'month'],
  RISKGATE_BUDGET_REPOSITORY_DAY_USD: ['repository', 'day'],
  RISKGATE_BUDGET_REPOSITORY_MONTH_USD: ['repository', 'month'],
  RISKGATE_BUDGET_OUTSIDE_AUTHOR_DAY_USD: ['outsideAuthor', 'day'],
  RISKGATE_BUDGET_OUTSIDE_AUTHOR_MONTH_USD: ['outsideAuthor', 'month'],
} as const;

const dollars = z.coerce.number().finite().nonnegative();

/** Reads the limits; a value that is not a number of dollars stops the start, naming the variable. */
export function budgetLimitsFromEnv(env: NodeJS.ProcessEnv): BudgetLimits {
  const limits: BudgetLimits = { installation: {}, repository: {}, outsideAuthor: {} };
  for (const [name, [scope, window]] of Object.entries(VARIABLES)) {
    const raw = env[name];
    if (raw === undefined || raw.trim() === '') continue;
    const parsed = dollars.safeParse(raw.trim());
    if (!parsed.success) throw new Error(`${name} must be a number of US dollars, 0 or more (for example 25 or 2.50), not "${raw}"`);
    limits[scope][window] = parsed.data;
  }
  return limits;
}

export function hasAnyLimit(limits: BudgetLimits): boolean {
  return Object.values(limits).some((windows) => Object.keys(windows).length > 0);
}

/** The caps one run draws on; the author's only when they may not write to the repository. */
export function capsFor(limits: BudgetLimits, run: Pick<RunIdentity, 'installationId' | 'repository' | 'author'>, authorMayWrite: boolean): BudgetCap[] {
  const caps: BudgetCap[] = [];
  for (const window of ['day', 'month'] as const) {
    const installation = limits.installation[window];
    if (installation !== undefined) caps.push({ scope: { kind: 'installation', installationId: run.installationId }, window, limitUsd: installation });
    const repository = limits.repository[window];
    if (repository !== undefined) caps.push({ scope: { kind: 'repository', repository: run.repository }, window, limitUsd: repository });
    const author = limits.outsideAuthor[window];
    if (author !== undefined && !authorMayWrite) caps.push({ scope: { kind: 'author', installationId: run.installationId, author: run.author }, window, limitUsd: author });
  }
  return caps;
}
