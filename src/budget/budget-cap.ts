/** Whose money a cap protects. */
export type BudgetScope =
  | { kind: 'installation'; installationId: number }
  | { kind: 'repository'; repository: string }
  /** An author without write access, across the installation: the denial-of-wallet cap. */
  | { kind: 'author'; installationId: number; author: string };

export type BudgetWindow = 'day' | 'month';

/** One limit: dollars per UTC day or calendar month for one scope. */
export interface BudgetCap {
  scope: BudgetScope;
  window: BudgetWindow;
  limitUsd: number;
}

/** The start (epoch ms, UTC) of the window containing `now`. */
export function windowStart(window: BudgetWindow, now: number): number {
  const d = new Date(now);
  return window === 'day' ? Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate()) : Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), 1);
}

export function describeCap(cap: BudgetCap): string {
  const per = cap.window === 'day' ? 'daily' : 'monthly';
  switch (cap.scope.kind) {
    case 'installation':
      return `the installation's ${per} budget ($${cap.limitUsd})`;
    case 'repository':
      return `${cap.scope.repository}'s ${per} budget ($${cap.limitUsd})`;
    case 'author':
      return `the ${per} cap for ${cap.scope.author}, who has no write access ($${cap.limitUsd})`;
  }
}
