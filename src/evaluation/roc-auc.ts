/**
 * Area under the ROC curve: the probability that a random positive scores above a random
 * negative, ties counting half (Mann-Whitney U). O(n log n).
 */
export function rocAuc(scores: readonly number[], labels: readonly boolean[]): number {
  if (scores.length !== labels.length) throw new Error('scores and labels differ in length');
  const order = scores.map((s, i) => [s, labels[i]!] as const).sort((a, b) => a[0] - b[0]);
  let positives = 0;
  let negatives = 0;
  let rankSumPositives = 0;
  for (let i = 0; i < order.length; ) {
    let j = i;
    while (j < order.length && order[j]![0] === order[i]![0]) j++;
    const averageRank = (i + 1 + j) / 2; // ranks are 1-based; ties share the mean rank
    for (let k = i; k < j; k++) {
      if (order[k]![1]) {
        positives++;
        rankSumPositives += averageRank;
      } else {
        negatives++;
      }
    }
    i = j;
  }
  if (positives === 0 || negatives === 0) return Number.NaN;
  return (rankSumPositives - (positives * (positives + 1)) / 2) / (positives * negatives);
}
