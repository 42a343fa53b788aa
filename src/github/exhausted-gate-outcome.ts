import { checkConclusion, type CheckConclusion } from '../report/check-conclusion.js';
import { UNREVIEWABLE_LEAD } from '../report/gate-verdict.js';

/** What the checks of a gate job say when its worker died on every attempt. */
export interface ExhaustedGateOutcome {
  conclusion: CheckConclusion;
  title: string;
  summary: string;
}

/**
 * The one choice for a gate job that ran out of attempts because its process died each time:
 * `failure` at every tier, whatever `gate.on_error` says (the verdict `unreviewable`). An outage
 * stops every job, not one change's, so a change that kills riskgate again and again is taken as
 * the cause, and it must not be able to pass by crashing its gate.
 */
export function exhaustedGateOutcome(deaths: number): ExhaustedGateOutcome {
  const times = deaths === 1 ? 'once' : `${deaths} times`;
  return {
    // The tier and on_error do not matter to this verdict; any would do.
    conclusion: checkConclusion('unreviewable', 'minimal', 'neutral'),
    title: `riskgate failed ${times} on this change`,
    summary:
      `${UNREVIEWABLE_LEAD}: riskgate stopped ${times} while gating it (its process died each time), so it cannot vouch for it. ` +
      'A change that makes riskgate crash again and again cannot pass, whatever its tier or `gate.on_error`.\n\n' +
      "The App's log names the job. Once the cause is fixed, push a commit or comment `/gates rerun`.",
  };
}
