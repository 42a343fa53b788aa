import { UNSEEN_REASONS } from '../risk/factors/unseen-content.js';
import type { Plan } from '../plan/plan-tier.js';
import { formatTokens, formatUsd } from '../report/format-amounts.js';
import type { ScoreResult } from '../run/score-change.js';

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

export function formatScore(result: ScoreResult, context: { label: string; configSource: string; modelSource?: string }): string {
  const out: string[] = [];
  out.push(`riskgate: score ${result.score}/100, tier ${result.tier}`);
  out.push(`  ${context.label}: ${result.files.length} file(s), +${result.additions} -${result.deletions}; config: ${context.configSource}`);
  if (result.model) {
    const inputs = result.model.inputs === 'history' ? 'diff and history features' : 'diff features only (no local history)';
    out.push(`  model: ${context.modelSource ?? result.model.path}, calibrated on ${result.model.trainingCommits} commits, ${inputs}; security and sensitivity factors add on top`);
  }
  if (result.plan.reasons.length > 1) out.push(`  tier: ${result.plan.reasons.join('; ')}`);
  out.push('');
  if (result.factors.length === 0) {
    out.push('  no risk factors');
  } else {
    out.push('  points  factor                          reason');
    const floorOf = new Map(result.floors.map((f) => [f.factor, f.tier]));
    for (const factor of result.factors.slice(0, SHOWN_FACTORS)) {
      const points = (factor.points > 0 ? `+${factor.points}` : String(factor.points)).padStart(6);
      const floor = floorOf.get(factor.id);
      out.push(`  ${points}  ${factor.id.padEnd(30)}  ${factor.reason}${floor ? ` [tier floor: ${floor}]` : ''}`);
      for (const e of factor.evidence.slice(0, SHOWN_EVIDENCE)) {
        const where = e.line !== undefined ? `${e.path}:${e.line}` : e.path;
        out.push(`${' '.repeat(42)}${where}${e.excerpt ? `  ${e.excerpt}` : ''}`);
      }
    }
    if (result.factors.length > SHOWN_FACTORS) out.push(`  ... ${result.factors.length - SHOWN_FACTORS} more factor(s) (--json lists all)`);
  }
  if (result.unseen.length > 0) {
    out.push('', `  not analysed (${result.unseen.length}):`);
    for (const u of result.unseen.slice(0, SHOWN_UNSEEN)) out.push(`    ${u.path}: ${UNSEEN_REASONS[u.reason]}`);
    if (result.unseen.length > SHOWN_UNSEEN) out.push(`    ... ${result.unseen.length - SHOWN_UNSEEN} more (--json lists all)`);
  }
  for (const warning of result.warnings) out.push(`  warning: ${warning}`);
  out.push('', `  plan: ${formatPlanLine(result.plan)}`);
  return out.join('\n');
}
