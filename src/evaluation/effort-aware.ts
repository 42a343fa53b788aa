/**
 * Effort-aware ranking measures for just-in-time defect prediction: how much of the buggy changes
 * a reviewer finds per unit of effort (e.g. lines changed) when inspecting in the model's order.
 */

/** Kamei et al. (2013) Popt: 1 - (Area(optimal) - Area(model)) / (Area(optimal) - Area(worst)); x = cumulative share of effort, y = cumulative share of buggy changes found. */
export function popt(scores: readonly number[], labels: readonly boolean[], efforts: readonly number[]): number {
  const totals = checkInputs(scores, labels, efforts);
  if (totals.buggy === 0 || totals.buggy === labels.length || totals.effort === 0) return Number.NaN;
  const indices = labels.map((_, i) => i);
  const byEffort = (subset: number[]) => subset.sort((a, b) => efforts[a]! - efforts[b]!);
  const buggy = byEffort(indices.filter((i) => labels[i]));
  const clean = byEffort(indices.filter((i) => !labels[i]));
  // Buggy changes all find bugs at 1/effort and clean ones at none, so these two bound every order.
  const optimal = [...buggy, ...clean];
  const worst = [...clean.toReversed(), ...buggy.toReversed()];
  const areaOptimal = area(optimal, labels, efforts, totals);
  const areaWorst = area(worst, labels, efforts, totals);
  // Possible when, e.g., all clean changes cost nothing and all buggy ones cost the same: every order ties.
  if (areaOptimal === areaWorst) return Number.NaN;
  const areaModel = area(modelOrder(scores, efforts), labels, efforts, totals);
  return 1 - (areaOptimal - areaModel) / (areaOptimal - areaWorst);
}

/**
 * Share of buggy changes found when inspecting changes in score order (highest first) until
 * `effortShare` of the total effort is spent. Inspection stops at the first change that does not
 * fit completely in the remaining budget (cumulative effort <= share * total): a reviewer works
 * down the list and does not skip ahead to smaller changes. NaN without buggy changes or effort;
 * unlike Popt, a set with no clean change still has a recall.
 */
export function recallAtEffort(
  scores: readonly number[],
  labels: readonly boolean[],
  efforts: readonly number[],
  effortShare = 0.2,
): number {
  const totals = checkInputs(scores, labels, efforts);
  if (!(effortShare >= 0 && effortShare <= 1)) throw new Error(`effortShare must be in [0, 1], got ${effortShare}`);
  if (totals.buggy === 0 || totals.effort === 0) return Number.NaN;
  // The slack keeps a change that fills the budget exactly from being lost to rounding in the sum.
  const budget = effortShare * totals.effort + 1e-12 * totals.effort;
  let spent = 0;
  let found = 0;
  for (const i of modelOrder(scores, efforts)) {
    spent += efforts[i]!;
    if (spent > budget) break;
    if (labels[i]) found++;
  }
  return found / totals.buggy;
}

interface Totals {
  buggy: number;
  effort: number;
}

function checkInputs(scores: readonly number[], labels: readonly boolean[], efforts: readonly number[]): Totals {
  if (scores.length !== labels.length || efforts.length !== labels.length) {
    throw new Error(`scores (${scores.length}), labels (${labels.length}) and efforts (${efforts.length}) differ in length`);
  }
  let buggy = 0;
  let effort = 0;
  scores.forEach((s, i) => {
    if (Number.isNaN(s)) throw new Error(`score ${i} is NaN`);
  });
  efforts.forEach((e, i) => {
    if (!(e >= 0) || !Number.isFinite(e)) throw new Error(`effort ${i} is ${e}; efforts must be finite and >= 0`);
    effort += e;
    if (labels[i]) buggy++;
  });
  return { buggy, effort };
}

/** Score descending; ties go to the cheaper change, then to the earlier index. */
function modelOrder(scores: readonly number[], efforts: readonly number[]): number[] {
  return scores
    .map((_, i) => i)
    .sort((a, b) => scores[b]! - scores[a]! || efforts[a]! - efforts[b]! || a - b);
}

/**
 * Trapezoids under the curve from (0,0) through each change's (cumulative effort share,
 * cumulative buggy share). A zero-effort change is a vertical step that adds no area.
 */
function area(order: readonly number[], labels: readonly boolean[], efforts: readonly number[], totals: Totals): number {
  let effort = 0;
  let buggy = 0;
  let sum = 0;
  for (const i of order) {
    const x0 = effort / totals.effort;
    const y0 = buggy / totals.buggy;
    effort += efforts[i]!;
    if (labels[i]) buggy++;
    sum += ((effort / totals.effort - x0) * (y0 + buggy / totals.buggy)) / 2;
  }
  return sum;
}
