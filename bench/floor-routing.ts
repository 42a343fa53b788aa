// How a config's tier floors route a set of labelled changes: per floor, the changes it holds on
// and those it raises above the tier their score calls for; the tier shares with and without
// floors, and what the plans would cost. Routing share is cost: a floor that fires on a tenth of
// all changes moves a tenth of them to the strong model.
import type { RiskgateConfig } from '../src/config/config-schema.js';
import type { Diff } from '../src/diff/diff-file.js';
import { TIERS, tierRank, type Tier } from '../src/plan/tier.js';
import type { UntrustedText } from '../src/risk/risk-factor.js';
import { createChangeScorer } from '../src/run/score-change.js';

export interface RoutedChange {
  diff: Diff;
  text: UntrustedText;
  buggy: boolean;
}

interface FloorCount {
  tier: string;
  holds: number;
  raised: number;
  buggyRaised: number;
  from: Map<Tier, number>;
}

const percent = (n: number, of: number) => `${((100 * n) / Math.max(1, of)).toFixed(1)}%`;
const shares = (counts: Map<Tier, number>, of: number) => TIERS.map((t) => `${t} ${counts.get(t) ?? 0} (${percent(counts.get(t) ?? 0, of)})`).join(', ');

/** A Markdown table and summary lines. */
export function floorRouting(config: RiskgateConfig, changes: readonly RoutedChange[]): string {
  const floored = createChangeScorer(config);
  const unfloored = createChangeScorer({ ...config, tiers: { ...config.tiers, floors: {} } });
  const counts = new Map<string, FloorCount>();
  for (const [id, setting] of Object.entries(config.tiers.floors)) {
    if (setting !== 'none') counts.set(id, { tier: setting.tier, holds: 0, raised: 0, buggyRaised: 0, from: new Map() });
  }
  const before = new Map<Tier, number>();
  const after = new Map<Tier, number>();
  let raisedChanges = 0;
  let buggyRaisedChanges = 0;
  let usdBefore = 0;
  let usdAfter = 0;
  for (const change of changes) {
    const withFloors = floored.scoreDiff(change.diff, change.text);
    const without = unfloored.scoreDiff(change.diff, change.text);
    before.set(without.tier, (before.get(without.tier) ?? 0) + 1);
    after.set(withFloors.tier, (after.get(withFloors.tier) ?? 0) + 1);
    usdBefore += without.plan.estimatedUsd;
    usdAfter += withFloors.plan.estimatedUsd;
    if (withFloors.tier !== without.tier) {
      raisedChanges++;
      if (change.buggy) buggyRaisedChanges++;
    }
    for (const floor of withFloors.floors) {
      const count = counts.get(floor.factor)!;
      count.holds++;
      if (tierRank(floor.tier) > tierRank(without.tier)) {
        count.raised++;
        if (change.buggy) count.buggyRaised++;
        count.from.set(without.tier, (count.from.get(without.tier) ?? 0) + 1);
      }
    }
  }
  const n = changes.length;
  const buggy = changes.filter((c) => c.buggy).length;
  const rows = [...counts.entries()].map(([id, c]) => {
    const from = TIERS.filter((t) => c.from.has(t)).map((t) => `${c.from.get(t)} from ${t}`).join(', ');
    return `| \`${id}\` | ${c.tier} | ${c.holds} | ${c.raised}${from ? ` (${from})` : ''} | ${c.raised > 0 ? percent(c.buggyRaised, c.raised) : '–'} |`;
  });
  return [
    `| floor | tier | changes it holds on | changes it raises | bug-inducing among those raised |`,
    '|---|---|---:|---:|---:|',
    ...rows,
    '',
    `${n} changes (${percent(buggy, n)} bug-inducing); the floors raise ${raisedChanges} (${percent(raisedChanges, n)}), of which ${percent(buggyRaisedChanges, raisedChanges)} bug-inducing.`,
    `Tiers without floors: ${shares(before, n)}.`,
    `Tiers with floors:    ${shares(after, n)}.`,
    `Plan estimate for all ${n}: $${usdBefore.toFixed(2)} without floors, $${usdAfter.toFixed(2)} with (${usdBefore > 0 ? `+${percent(usdAfter - usdBefore, usdBefore)}` : '–'}).`,
  ].join('\n');
}
