import type { UnseenReason } from '../../diff/diff-file.js';
import type { FamilyFactory, RiskFactor } from '../risk-factor.js';
import { MAX_EVIDENCE } from '../risk-factor.js';

export const UNSEEN_REASONS: Record<UnseenReason, string> = {
  binary: 'binary file, content not readable',
  'missing-patch': 'no patch available (GitHub omits it for large or binary files)',
  'truncated-patch': 'patch cut off before its end',
  oversized: 'too many changed lines to read line by line',
  'combined-merge-diff': 'combined merge diff, not analysable',
};

/** Content riskgate could not see raises risk: what is not read cannot be vouched for. */
export const unseenContentFamily: FamilyFactory = ({ weights }) => ({
  family: 'unseen',
  mayLower: false,
  evaluate({ diff }): RiskFactor[] {
    const unseen = diff.files.filter((f) => f.unseen !== undefined);
    const unlisted = diff.unlistedFiles ?? 0;
    if (unseen.length === 0 && unlisted === 0) return [];
    const points = Math.min(weights.unseen.perFile * (unseen.length + unlisted), weights.unseen.max);
    const reasons = [
      ...(unseen.length > 0 ? [`${unseen.length} file(s) could not be fully read`] : []),
      ...(unlisted > 0 ? [`${unlisted} file(s) were not listed at all (GitHub lists at most 3,000 files of a pull request)`] : []),
    ];
    return [
      {
        id: 'unseen.files',
        points,
        reason: reasons.join('; '),
        evidence: unseen.slice(0, MAX_EVIDENCE).map((f) => ({ path: f.path, excerpt: UNSEEN_REASONS[f.unseen!] })),
      },
    ];
  },
});
