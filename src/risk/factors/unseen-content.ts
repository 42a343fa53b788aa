import { plural } from '../../report/format-amounts.js';
import { isAuthored, type DiffFile, type UnseenReason } from '../../diff/diff-file.js';
import type { Evidence, FamilyFactory, RiskFactor } from '../risk-factor.js';
import { MAX_EVIDENCE } from '../risk-factor.js';
import { isLongLine, SHOWN_LINE_CHARS } from '../line-shown-to-models.js';

export const UNSEEN_REASONS: Record<UnseenReason, string> = {
  binary: 'binary file, content not readable',
  'missing-patch': 'no patch available (GitHub omits it for large or binary files)',
  'truncated-patch': 'patch cut off before its end',
  oversized: 'too many changed lines to read line by line',
  'combined-merge-diff': 'combined merge diff, not analysable',
};

const count = (n: number) => n.toLocaleString('en-US');

/**
 * Added lines longer than the models are shown, in files the models read (generated, vendored and
 * lockfile content is not shown to them at all). The pattern rules still read these lines whole.
 */
function longLinesFactor(files: readonly DiffFile[], points: number): RiskFactor | undefined {
  let lines = 0;
  const paths = new Set<string>();
  const evidence: Evidence[] = [];
  for (const file of files) {
    if (!isAuthored(file.kind)) continue;
    for (const hunk of file.hunks) {
      for (const line of hunk.lines) {
        if (line.type !== 'add' || !isLongLine(line.text)) continue;
        lines++;
        paths.add(file.path);
        if (evidence.length < MAX_EVIDENCE) {
          evidence.push({
            path: file.path,
            ...(line.newLine !== undefined ? { line: line.newLine } : {}),
            excerpt: `${count(line.text.length)} characters`,
          });
        }
      }
    }
  }
  if (lines === 0) return undefined;
  return {
    id: 'unseen.long-line',
    points,
    reason: `${lines} added line(s) longer than the ${count(SHOWN_LINE_CHARS)} characters models are shown of a line (the pattern rules read them whole)`,
    evidence,
    files: [...paths],
  };
}

/** Content riskgate could not see raises risk: what is not read cannot be vouched for. */
export const unseenContentFamily: FamilyFactory = ({ weights }) => ({
  family: 'unseen',
  mayLower: false,
  evaluate({ diff }): RiskFactor[] {
    const factors: RiskFactor[] = [];
    const unseen = diff.files.filter((f) => f.unseen !== undefined);
    const unlisted = diff.unlistedFiles ?? 0;
    if (unseen.length > 0 || unlisted > 0) {
      const points = Math.min(weights.unseen.perFile * (unseen.length + unlisted), weights.unseen.max);
      const reasons = [
        ...(unseen.length > 0 ? [`${plural(unseen.length, 'file')} could not be fully read`] : []),
        ...(unlisted > 0 ? [`${plural(unlisted, 'file')} ${unlisted === 1 ? 'was' : 'were'} not listed at all (GitHub lists at most 3,000 files of a pull request)`] : []),
      ];
      factors.push({
        id: 'unseen.files',
        points,
        reason: reasons.join('; '),
        evidence: unseen.slice(0, MAX_EVIDENCE).map((f) => ({ path: f.path, excerpt: UNSEEN_REASONS[f.unseen!] })),
      });
    }
    const longLines = longLinesFactor(diff.files, weights.unseen.longLine);
    if (longLines) factors.push(longLines);
    return factors;
  },
});
