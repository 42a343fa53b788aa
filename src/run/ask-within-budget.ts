import { randomUUID } from 'node:crypto';
import { CONTENT_FAILURES, ModelError, ZERO_USAGE, type ModelAnswer, type ModelCall, type Usage } from '../model/model-port.js';
import { parseModelRef } from '../model/model-ref.js';
import { callCostUsd, usageCostUsd, usageTokens, type TokenEstimate } from '../plan/estimate-cost.js';
import { forgetSentCall, recordCall, recordSentCall } from './record-call.js';
import type { AgentOutcome, RunDependencies } from './run-agents.js';

export type BudgetedAnswer<T> =
  | { kind: 'answered'; answer: ModelAnswer<T>; usd: number }
  | { kind: 'refused'; reason: string }
  | { kind: 'failed'; outcome: Extract<AgentOutcome, 'timed_out' | 'failed' | 'unreviewable'>; reason: string; usage: Usage; usd: number; retries: number };

type Call<T> = Omit<ModelCall<T>, 'maxOutputTokens' | 'timeoutMs' | 'signal'>;

/**
 * One model call under the run's budget: reserves its worst case (every output token, so an
 * estimate can never let a run overspend), asks through the process-wide limiter, and settles
 * with the real cost, including what a truncated or refused answer was billed. Every call that
 * was sent lands in the spend ledger under `agent`: from the moment it is sent, as `cancelled`
 * with its prompt tokens, so a call that a crash or a newer head cuts off stays on record.
 */
export async function askWithinBudget<T>(
  deps: Pick<RunDependencies, 'model' | 'limiter' | 'budget' | 'prices' | 'timeoutMs' | 'maxOutputTokens' | 'signal' | 'recordCall' | 'strongModel' | 'tier' | 'warnings'>,
  agent: string,
  prompt: Omit<TokenEstimate, 'output'>,
  call: Call<T>,
): Promise<BudgetedAnswer<T>> {
  const price = deps.prices[call.model];
  if (!price) return { kind: 'failed', outcome: 'failed', reason: `no price for model "${call.model}"`, usage: ZERO_USAGE, usd: 0, retries: 0 };
  const worst = { ...prompt, output: deps.maxOutputTokens };
  const reservation = deps.budget.reserve(callCostUsd(price, worst), worst.input + worst.cacheWrite + worst.cacheRead + worst.output);
  if ('refused' in reservation) return { kind: 'refused', reason: reservation.refused };
  const callId = randomUUID();
  // What the call sends, as estimated for the budget: all the ledger can know of a call that never ends.
  const promptSent: Usage = { inputTokens: prompt.input, outputTokens: 0, cacheWrite5mTokens: prompt.cacheWrite, cacheWrite1hTokens: 0, cacheReadTokens: prompt.cacheRead };
  // Who is asked first: a call that never ends is on record under the chain's first entry.
  const asked = { model: call.model, provider: parseModelRef(call.model).provider, ...(price.local ? { local: true } : {}) };
  const cancelledCall = (usage: Usage) => ({ callId, tier: deps.tier, agent, ...asked, outcome: 'cancelled' as const, usage, usd: usageCostUsd(price, usage), savedUsd: 0, latencyMs: 0 });
  let sent = false;
  try {
    const answer = await deps.limiter(async () => {
      // Recorded once the limiter lets it go, just before it leaves; not at all if it is already cancelled.
      if (!deps.signal?.aborted) sent = await recordSentCall(deps, cancelledCall(promptSent));
      return deps.model.ask({ ...call, maxOutputTokens: deps.maxOutputTokens, timeoutMs: deps.timeoutMs, ...(deps.signal ? { signal: deps.signal } : {}) });
    });
    // Priced on the model that answered: a fallback may cost more or less than the class's model.
    const answeredPrice = (answer.route && deps.prices[answer.route.model]) || price;
    const usd = usageCostUsd(answeredPrice, answer.usage);
    deps.budget.settle(reservation, usd, usageTokens(answer.usage));
    const answered = answer.route
      ? { model: answer.route.model, provider: answer.route.provider, ...(answeredPrice.local ? { local: true } : {}) }
      : asked;
    await recordCall(deps, { callId, tier: deps.tier, agent, ...answered, outcome: 'ok', usage: answer.usage, usd, savedUsd: 0, latencyMs: answer.latencyMs });
    return { kind: 'answered', answer, usd };
  } catch (error) {
    if (!(error instanceof ModelError)) throw error;
    const usage = error.usage ?? ZERO_USAGE;
    const usd = usageCostUsd(price, usage);
    deps.budget.settle(reservation, usd, usageTokens(usage));
    // What the content caused (a refusal, a cut or steered answer) is told apart from outages.
    const outcome = CONTENT_FAILURES.has(error.kind) ? 'unreviewable' : error.kind === 'timeout' ? 'timed_out' : 'failed';
    // Cancelled (a newer head, a shutdown): the API may bill the prompt it received.
    if (error.kind === 'cancelled' && sent) await recordCall(deps, cancelledCall(error.usage ?? promptSent));
    // A call that failed before any token was billed (refused at the door) cost nothing to record.
    else if (usd > 0 || error.kind === 'timeout') await recordCall(deps, { callId, tier: deps.tier, agent, ...asked, outcome: outcome === 'timed_out' ? 'timed_out' : 'failed', usage, usd, savedUsd: 0, latencyMs: 0 });
    else if (sent) await forgetSentCall(deps, callId, agent);
    return { kind: 'failed', outcome, reason: `${error.kind}: ${error.message}`, usage, usd, retries: error.retries };
  }
}
