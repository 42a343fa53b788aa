import { TIERS } from '../../plan/tier.js';
import { writeLine, type CliIo } from '../cli-io.js';
import { CHARS_PER_TOKEN } from '../../plan/estimate-cost.js';
import { formatPlanLine } from '../format-score.js';
import { readChangeInput, type ChangeInputOptions } from '../read-change-input.js';
import { scoreChangeInput } from '../score-change-input.js';

export interface PlanOptions extends ChangeInputOptions {
  json?: boolean;
}

/** What each tier would run on this change, with estimated tokens and dollars. */
export async function planCommand(io: CliIo, options: PlanOptions): Promise<number> {
  const input = await readChangeInput(io, options);
  const { result: chosen, scorer, diff } = await scoreChangeInput(input);
  const byTier = TIERS.map((tier) => ({ tier, plan: scorer.planAt(diff, tier) }));
  if (options.json) {
    await writeLine(
      io.stdout,
      JSON.stringify(
        { score: chosen.score, tier: chosen.tier, reasons: chosen.plan.reasons, floors: chosen.floors, source: input.label, config: input.resolved.source, tiers: byTier.map((t) => t.plan) },
        null,
        2,
      ),
    );
    return 0;
  }
  const lines = [
    `riskgate plan: score ${chosen.score}/100 selects ${chosen.tier} (${input.label}; config: ${input.resolved.source})`,
    ...(chosen.plan.reasons.length > 1 ? [`  why: ${chosen.plan.reasons.join('; ')}`] : []),
    '',
    ...byTier.map(({ tier, plan }) => `${tier === chosen.tier ? '>' : ' '} ${tier.padEnd(9)} ${formatPlanLine(plan)}`),
    '',
    `  estimates: prompt tokens from the diff's size (${CHARS_PER_TOKEN} characters a token, capped at each tier's budget), dollars from the price table`,
  ];
  await writeLine(io.stdout, lines.join('\n'));
  return 0;
}
