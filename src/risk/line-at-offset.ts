/**
 * Which line of joined text holds an offset: `starts` are the lines' start offsets, ascending.
 * The pattern rules and riskgate's own injection check scan a file's added lines as one text.
 */
export function lineAt(starts: readonly number[], offset: number): number {
  let lo = 0;
  let hi = starts.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (starts[mid]! <= offset) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}
