import type { OpenBlocker } from '../findings/carry-over-blockers.js';
import { tokensForChars } from '../plan/estimate-cost.js';
import type { ContextBlock } from '../run/pack-context.js';

/** After the guidelines: a model that knows what is reported does not report it again. */
export const OPEN_BLOCKERS_PRIORITY = 90;

/**
 * The blockers carried from earlier heads of the pull request, as one block under "Already
 * reported": riskgate keeps them in the verdict anyway, so a model need not find them again.
 */
export function openBlockersContext(blockers: readonly OpenBlocker[]): ContextBlock | undefined {
  if (blockers.length === 0) return undefined;
  const text = blockers
    .map((b) => `- ${b.severity} (${b.agent}) in ${b.path}, first reported on ${b.since.slice(0, 7)}: ${b.title}\n  ${b.explanation.replace(/\s+/g, ' ')}`)
    .join('\n');
  return { kind: 'open-blockers', label: `${blockers.length} blocker(s) from earlier commits`, text, tokens: tokensForChars(text.length), priority: OPEN_BLOCKERS_PRIORITY };
}
