import type { ReviewReport } from '../run/review-change.js';
import { plural } from './format-amounts.js';

/**
 * The verification in one line, for the check and the CLI: "verified 5: 4 confirmed, 1 rejected",
 * with the findings the verifier gave no verdict on, and those it could not be asked about, said apart.
 */
export function verificationLine(verification: ReviewReport['verification']): string | undefined {
  const { checked, confirmed, rejected, unjudged, unverified, run } = verification;
  if (checked === 0) return undefined;
  if (unverified > 0) return `verification of ${plural(checked, 'finding')} could not run${run?.reason ? ` (${run.reason})` : ''}: shown as reported, unverified`;
  return `verified ${checked}: ${confirmed} confirmed, ${rejected} rejected${unjudged > 0 ? `, ${unjudged} not judged (the verifier gave no verdict on them; shown as reported)` : ''}`;
}
