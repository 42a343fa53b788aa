import { plural } from '../../report/format-amounts.js';
import { isAuthored } from '../../diff/diff-file.js';
import { hasGeneratorHeader } from '../../diff/generator-header.js';
import type { FamilyFactory, RiskFactor } from '../risk-factor.js';
import { MAX_EVIDENCE } from '../risk-factor.js';

/**
 * Size, log-scaled: each doubling of authored changed lines adds the same points. Files the base
 * branch marks vendored or generated, and lockfiles, count in `kind.not-shown` instead; a file
 * whose first lines carry a generator header counts here, at a lower share.
 */
export const sizeFamily: FamilyFactory = ({ weights }) => ({
  family: 'size',
  mayLower: false,
  evaluate({ diff }): RiskFactor[] {
    const w = weights.size;
    let weighted = 0;
    let added = 0;
    let deleted = 0;
    let headed = 0;
    const authored = diff.files.filter((f) => isAuthored(f.kind));
    for (const file of authored) {
      const header = hasGeneratorHeader(file);
      if (header) headed++;
      const share = header ? w.generatorHeaderLineWeight : file.kind === 'test' ? w.testLineWeight : 1;
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
    const headers = headed > 0 ? `; ${plural(headed, 'file')} with a generator header count ${w.generatorHeaderLineWeight} of a line` : '';
    return [
      {
        id: 'size.changed-lines',
        points,
        reason: `${added} lines added and ${deleted} deleted in ${plural(authored.length, 'authored file')} (a deleted line counts a tenth${headers})`,
        evidence: largest,
      },
    ];
  },
});
