import { TIERS } from '../../plan/tier.js';
import { createChangeScorer } from '../../run/score-change.js';
import { writeLine, type CliIo } from '../cli-io.js';
import { formatPlanLine, planTokens } from '../format-score.js';
import { readChangeInput, type ChangeInputOptions } from '../read-change-input.js';

export interface PlanOptions extends ChangeInputOptions {
  json?: boolean;
}

/** What each tier would run on this change, with estimated tokens and dollars. */
export async function planCommand(io: CliIo, options: PlanOptions): Promise<number> {
  const input = await readChangeInput(io, options);
  const scorer = createChangeScorer(input.resolved.config);
  const diff = scorer.parse(input.diffText);
  const chosen = scorer.scoreDiff(diff, input.text);
  const byTier = TIERS.map((tier) => ({ tier, plan: scorer.planAt(diff, tier) }));
  if (options.json) {
    await writeLine(
      io.stdout,
      JSON.stringify({ score: chosen.score, tier: chosen.tier, source: input.label, config: input.resolved.source, tiers: byTier.map((t) => t.plan) }, null, 2),
    );
    return 0;
  }
  const lines = [
    `riskgate plan: score ${chosen.score}/100 selects ${chosen.tier} (${input.label}; config: ${input.resolved.source})`,
    '',
    ...byTier.map(({ tier, plan }) => `${tier === chosen.tier ? '>' : ' '} ${tier.padEnd(9)} ${formatPlanLine(plan)}`),
    '',
    `  tokens and dollars are estimates (${formatPlanLine(chosen.plan).split('; ')[1]} at the selected tier, ${planTokens(chosen.plan)} tokens); prices: riskgate's table or the config's prices`,
  ];
  await writeLine(io.stdout, lines.join('\n'));
  return 0;
}
