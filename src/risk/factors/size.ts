import { isAuthored } from '../../diff/diff-file.js';
import type { FamilyFactory, RiskFactor } from '../risk-factor.js';
import { MAX_EVIDENCE } from '../risk-factor.js';

/** Size, log-scaled: each doubling of authored changed lines adds the same points. */
export const sizeFamily: FamilyFactory = ({ weights }) => ({
  family: 'size',
  mayLower: false,
  evaluate({ diff }): RiskFactor[] {
    const w = weights.size;
    let weighted = 0;
    let added = 0;
    let deleted = 0;
    const authored = diff.files.filter((f) => isAuthored(f.kind));
    for (const file of authored) {
      const share = file.kind === 'test' ? w.testLineWeight : 1;
      weighted += share * (file.additions + w.deletedLineWeight * file.deletions);
      added += file.additions;
      deleted += file.deletions;
    }
    const points = w.perDoubling * Math.log2(1 + weighted);
    if (points <= 0) return [];
    const largest = [...authored]
      .sort((a, b) => b.additions + b.deletions - (a.additions + a.deletions))
      .slice(0, MAX_EVIDENCE)
      .map((f) => ({ path: f.path, excerpt: `+${f.additions} -${f.deletions}` }));
    return [
      {
        id: 'size.changed-lines',
        points,
        reason: `${added} lines added and ${deleted} deleted in ${authored.length} authored file(s) (a deleted line counts a tenth)`,
        evidence: largest,
      },
    ];
  },
});
