import { plural } from '../report/format-amounts.js';
import { UNSEEN_REASONS } from '../risk/factors/unseen-content.js';
import type { Plan } from '../plan/plan-tier.js';
import { formatTokens, formatUsd } from '../report/format-amounts.js';
import type { Evidence, RiskFactor } from '../risk/risk-factor.js';
import type { ScoreResult } from '../run/score-change.js';
import { escapeLine, hanging, paint, paintTier, PLAIN_TERMINAL, table, type Terminal } from './terminal.js';

// Human output: the score, why, and what was not seen. --json carries everything.
// A calibrated model has up to 15 features besides the factors on top: all of them are shown.
const SHOWN_FACTORS = 24;
const SHOWN_EVIDENCE = 2;
const SHOWN_UNSEEN = 10;

export function planTokens(plan: Plan): number {
  return plan.agents.reduce((sum, a) => sum + a.estimate.input + a.estimate.cacheWrite + a.estimate.cacheRead + a.estimate.output, 0);
}

export function formatPlanLine(plan: Plan): string {
  const agents = plan.agents.map((a) => `${a.agent} (${a.model})`).join(', ') || 'no agents';
  return `${agents}; about ${formatTokens(planTokens(plan))} tokens, ${formatUsd(plan.estimatedUsd)}`;
}

/** `path:line  excerpt`, author text escaped. */
export function evidenceText(e: Evidence): string {
  const where = escapeLine(e.line !== undefined ? `${e.path}:${e.line}` : e.path);
  return `${where}${e.excerpt ? `  ${escapeLine(e.excerpt)}` : ''}`;
}

/** The evidence a factor shows, and "and N more" for what it leaves out (its total when the factor kept count). */
export function shownEvidence(factor: Pick<RiskFactor, 'evidence' | 'evidenceTotal'>, shown = SHOWN_EVIDENCE): { lines: string[]; more: number } {
  const total = Math.max(factor.evidenceTotal ?? 0, factor.evidence.length);
  return { lines: factor.evidence.slice(0, shown).map(evidenceText), more: total - Math.min(shown, factor.evidence.length) };
}

const POINTS_WIDTH = 6;
const FACTOR_WIDTH = 30;

export function formatScore(result: ScoreResult, context: { label: string; configSource: string; modelSource?: string }, term: Terminal = PLAIN_TERMINAL): string {
  const out: string[] = [];
  const wrap = (text: string, indent: number, hang = indent) => out.push(...hanging(text, term.width, indent, hang));
  out.push(`riskgate: score ${result.score}/100, tier ${paintTier(term, result.tier)}`);
  wrap(`${escapeLine(context.label)}: ${plural(result.files.length, 'file')}, +${result.additions} -${result.deletions}; config: ${escapeLine(context.configSource)}`, 2, 4);
  if (result.model) {
    const inputs = result.model.inputs === 'history' ? 'diff and history features' : 'diff features only (no local history)';
    wrap(`model: ${escapeLine(context.modelSource ?? result.model.path)}, calibrated on ${result.model.trainingCommits} commits, ${inputs}; security and sensitivity factors add on top`, 2, 4);
  }
  if (result.plan.reasons.length > 1) wrap(`tier: ${escapeLine(result.plan.reasons.join('; '))}`, 2, 4);
  out.push('');
  if (result.factors.length === 0) {
    out.push('  no risk factors');
  } else {
    const floorOf = new Map(result.floors.map((f) => [f.factor, f.tier]));
    // The factor column gives way on a narrow terminal, so the reason keeps 20 columns at least.
    const factorWidth = Math.max(12, Math.min(FACTOR_WIDTH, term.width - 2 - POINTS_WIDTH - 2 - 2 - 20));
    const columns = [{ width: POINTS_WIDTH, align: 'right' as const }, { width: factorWidth }, {}];
    out.push(...table(columns, [['points', 'factor', 'reason']], term.width));
    const evidenceIndent = 2 + POINTS_WIDTH + 2 + factorWidth + 2;
    for (const factor of result.factors.slice(0, SHOWN_FACTORS)) {
      const points = factor.points > 0 ? `+${factor.points}` : String(factor.points);
      const floor = floorOf.get(factor.id);
      const reason = `${escapeLine(factor.reason)}${floor ? ` [tier floor: ${floor}]` : ''}`;
      out.push(...table(columns, [[points, factor.id, reason]], term.width));
      const { lines, more } = shownEvidence(factor);
      for (const line of lines) wrap(line, evidenceIndent, evidenceIndent + 2);
      if (more > 0) out.push(`${' '.repeat(evidenceIndent)}${paint(term, 'dim', `and ${more} more`)}`);
    }
    if (result.factors.length > SHOWN_FACTORS) out.push(`  and ${result.factors.length - SHOWN_FACTORS} more factor(s) (--json lists all)`);
  }
  if (result.unseen.length > 0) {
    out.push('', `  not analysed (${result.unseen.length}):`);
    for (const u of result.unseen.slice(0, SHOWN_UNSEEN)) wrap(`${escapeLine(u.path)}: ${UNSEEN_REASONS[u.reason]}`, 4, 6);
    if (result.unseen.length > SHOWN_UNSEEN) out.push(`    and ${result.unseen.length - SHOWN_UNSEEN} more (--json lists all)`);
  }
  for (const warning of result.warnings) wrap(`${paint(term, 'yellow', 'warning')}: ${escapeLine(warning)}`, 2, 4);
  out.push('');
  wrap(`plan: ${formatPlanLine(result.plan)}`, 2, 8);
  return out.join('\n');
}
