import { budgetReport, type BudgetStatus } from '../budget/budget-status.js';
import { hasAnyLimit, type BudgetLimits } from '../budget/budget-limits.js';
import { formatDollars } from '../report/format-amounts.js';
import { secretRedactor } from '../security/redact-secrets.js';
import type { CommandReplyStore } from '../store/command-replies.js';
import type { Ledger } from '../store/ledger.js';

/** The shares of a cap that are announced: the seeds' 70%, 85% and 100%. */
export const BUDGET_ALERT_THRESHOLDS = [0.7, 0.85, 1] as const;
export const ALERT_WEBHOOK_VARIABLE = 'RISKGATE_ALERT_WEBHOOK_URL';
// Spend moves with each call; a few minutes late is soon enough for a budget.
const CHECK_INTERVAL_MS = 5 * 60 * 1000;
const POST_TIMEOUT_MS = 10_000;
const POST_ATTEMPTS = 3;
const RETRY_DELAY_MS = 2_000;

export interface BudgetAlertOptions {
  /** Where to post; a secret (a Slack incoming-webhook URL carries its token in the path). */
  url: string;
  limits: BudgetLimits;
  ledger: Pick<Ledger, 'spend'>;
  /** What was sent, kept in the store so a restart or a second process does not repeat it. */
  sent: Pick<CommandReplyStore, 'claimReply'>;
  /** Where delivery trouble is told; the URL never appears in it. */
  warn: (message: string) => void;
  now?: () => number;
  /** Between attempts; tests make it instant. */
  retryDelayMs?: number;
}

/** The store key of one announcement: one per cap, installation or repository, period and threshold. */
export function alertKey(cap: BudgetStatus, threshold: number): string {
  return `budget-alert/${cap.scope}/${cap.name}/${cap.window}/${new Date(cap.from).toISOString().slice(0, 10)}/${Math.round(threshold * 100)}`;
}

function describe(cap: BudgetStatus, threshold: number): string {
  const whose = cap.scope === 'installation' ? `installation ${cap.name}'s` : `${cap.name}'s`;
  const period = cap.window === 'day' ? 'daily' : 'monthly';
  const used = Number.isFinite(cap.usedRatio) ? `${Math.round(cap.usedRatio * 100)}%` : 'over its limit';
  const end = cap.window === 'day' ? 'the day' : 'the month';
  const reached = threshold >= 1 ? 'is spent' : `passed ${Math.round(threshold * 100)}%`;
  return `riskgate: ${whose} ${period} budget ${reached}: ${used} used (${formatDollars(cap.spentUsd)} of ${formatDollars(cap.limitUsd)}, ${formatDollars(cap.leftUsd)} left); at this rate ${formatDollars(cap.projectedUsd)} by the end of ${end}.`;
}

/**
 * One look at the budgets: for each cap past a threshold not yet announced in this period, posts
 * one Slack-compatible message ({"text": ...}) naming the highest threshold passed. Each threshold
 * is claimed in the store before posting, so two processes never both announce it; a post that
 * fails after its retries is told through `warn` and not repeated. Returns the texts sent.
 */
export async function checkBudgetAlerts(options: BudgetAlertOptions): Promise<string[]> {
  const now = (options.now ?? Date.now)();
  const redact = secretRedactor([{ name: ALERT_WEBHOOK_VARIABLE, value: options.url }]);
  const report = await budgetReport(options.limits, options.ledger, now);
  const sent: string[] = [];
  for (const cap of report.caps) {
    let highest: number | undefined;
    for (const threshold of BUDGET_ALERT_THRESHOLDS) {
      if (cap.usedRatio < threshold) break;
      if (await options.sent.claimReply(alertKey(cap, threshold), now)) highest = threshold;
    }
    if (highest === undefined) continue;
    const text = describe(cap, highest);
    try {
      await post(options.url, text, options.retryDelayMs ?? RETRY_DELAY_MS);
      sent.push(text);
    } catch (error) {
      options.warn(redact(`riskgate: the budget alert could not be posted to ${ALERT_WEBHOOK_VARIABLE} (${error instanceof Error ? error.message : String(error)}); it is not repeated: ${text}`));
    }
  }
  return sent;
}

async function post(url: string, text: string, retryDelayMs: number): Promise<void> {
  let problem = '';
  for (let attempt = 1; attempt <= POST_ATTEMPTS; attempt++) {
    try {
      const response = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ text }),
        signal: AbortSignal.timeout(POST_TIMEOUT_MS),
        redirect: 'error',
      });
      // The body is drained so the connection is freed; its content is not needed.
      await response.arrayBuffer().catch(() => undefined);
      if (response.ok) return;
      problem = `HTTP ${response.status}`;
      // A 4xx other than rate limiting will not get better by asking again.
      if (response.status < 500 && response.status !== 429) break;
    } catch (error) {
      problem = error instanceof Error ? error.message : String(error);
    }
    if (attempt < POST_ATTEMPTS) await new Promise((resolve) => setTimeout(resolve, retryDelayMs * attempt));
  }
  throw new Error(problem);
}

/** The webhook URL from the environment: absent is off; anything but an http(s) URL stops the start (its value is not quoted). */
export function alertWebhookFromEnv(env: NodeJS.ProcessEnv): string | undefined {
  const raw = env[ALERT_WEBHOOK_VARIABLE]?.trim();
  if (!raw) return undefined;
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new Error(`${ALERT_WEBHOOK_VARIABLE} must be an http(s) URL (its value is a secret and is not shown)`);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new Error(`${ALERT_WEBHOOK_VARIABLE} must be an http(s) URL, not ${url.protocol} (its value is a secret and is not shown)`);
  return raw;
}

/**
 * The App's budget alerts: with RISKGATE_ALERT_WEBHOOK_URL and at least one cap, looks every five
 * minutes (and at once). Returns how to stop it, or undefined when there is nothing to watch.
 */
export function startBudgetAlerts(env: NodeJS.ProcessEnv, limits: BudgetLimits, store: BudgetAlertOptions['ledger'] & BudgetAlertOptions['sent'], warn: (message: string) => void): (() => void) | undefined {
  const url = alertWebhookFromEnv(env);
  if (!url || !hasAnyLimit(limits)) return undefined;
  const redact = secretRedactor([{ name: ALERT_WEBHOOK_VARIABLE, value: url }]);
  const check = () =>
    void checkBudgetAlerts({ url, limits, ledger: store, sent: store, warn }).catch((error: unknown) =>
      warn(redact(`riskgate: the budget alerts could not be checked: ${error instanceof Error ? error.message : String(error)}`)),
    );
  check();
  const timer = setInterval(check, CHECK_INTERVAL_MS);
  timer.unref();
  return () => clearInterval(timer);
}
