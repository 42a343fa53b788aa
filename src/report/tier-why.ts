import type { Tier } from '../plan/tier.js';
import type { RiskFactor } from '../risk/risk-factor.js';
import { codeSpan, escapeMarkdown } from './escape-markdown.js';

// How many factors the sentence names: the ones that decide; the table under <details> has all.
const TOP_DRIVERS = 3;
// An excerpt is the matched text ("eval", "DROP TABLE"): kept short, the table has the rest.
const MAX_EXCERPT_CHARS = 32;

// The planner's first reason; the score says it already.
const BAND = /^score \d+ is in the \w+ band$/;

const clip = (text: string) => (text.length <= MAX_EXCERPT_CHARS ? text : `${text.slice(0, MAX_EXCERPT_CHARS - 1)}…`);

/** One driver: what matched, where, and its points (`\`eval\` at \`src/a.py:16\` (+12)`). */
function driver(factor: RiskFactor): string {
  const first = factor.evidence[0];
  const where = first ? ` at ${codeSpan(first.line !== undefined ? `${first.path}:${first.line}` : first.path)}` : '';
  // A pattern's excerpt is the code that matched; other factors' excerpts are figures, named by id.
  const what = first?.excerpt && /^(pattern|text)\./.test(factor.id) ? codeSpan(clip(first.excerpt.trim())) : codeSpan(factor.id);
  return `${what}${where} (${factor.points > 0 ? '+' : ''}${factor.points})`;
}

/** The decision's inputs: the score's factors and the plan's reasons. */
export interface TierDecisionView {
  score: number;
  tier: Tier;
  factors: readonly RiskFactor[];
  /** The plan's reasons: the band, then what raised or lowered the tier (floors, always_full, forced, budget). */
  reasons: readonly string[];
}

/**
 * One sentence of why this tier: its top drivers with their evidence, then whatever moved the tier
 * off the score's band (a floor, always_full, a forced tier, an injection, the budget). Untrusted
 * parts (paths, excerpts, reasons) are escaped.
 */
export function tierWhy(view: TierDecisionView): string {
  const top = [...view.factors].filter((f) => f.points > 0).sort((a, b) => b.points - a.points).slice(0, TOP_DRIVERS);
  const drivers = top.length > 0 ? top.map(driver).join(', ') : 'no risk factors';
  const moved = view.reasons.filter((r) => !BAND.test(r)).map(escapeMarkdown);
  return `**Why ${view.tier}:** ${drivers} (score ${view.score}/100)${moved.length > 0 ? `; ${moved.join('; ')}` : ''}.`;
}
