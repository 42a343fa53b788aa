import { plural } from '../../report/format-amounts.js';
import type { FamilyFactory, RiskFactor } from '../risk-factor.js';
import { MAX_EVIDENCE } from '../risk-factor.js';
import { isAuthored } from '../../diff/diff-file.js';
import { directoryOf } from '../../diff/path-parts.js';

/** Spread: a change across many directories and files is harder to hold in one's head. */
export const spreadFamily: FamilyFactory = ({ weights }) => ({
  family: 'spread',
  mayLower: false,
  evaluate({ diff }): RiskFactor[] {
    const authored = diff.files.filter((f) => isAuthored(f.kind));
    const directories = new Map<string, number>();
    for (const file of authored) {
      const directory = directoryOf(file.path);
      directories.set(directory, (directories.get(directory) ?? 0) + 1);
    }
    const factors: RiskFactor[] = [];
    if (directories.size > 1) {
      factors.push({
        id: 'spread.directories',
        points: weights.spread.perDirectoryDoubling * Math.log2(directories.size),
        reason: `${directories.size} directories touched`,
        evidence: [...directories.entries()]
          .sort((a, b) => b[1] - a[1])
          .slice(0, MAX_EVIDENCE)
          .map(([path, count]) => ({ path, excerpt: plural(count, 'file') })),
      });
    }
    if (authored.length > 1) {
      factors.push({
        id: 'spread.files',
        points: weights.spread.perFileDoubling * Math.log2(authored.length),
        reason: `${authored.length} authored files touched`,
        evidence: [],
      });
    }
    return factors;
  },
});
