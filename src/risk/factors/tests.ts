import { plural } from '../../report/format-amounts.js';
import type { FamilyFactory, RiskFactor } from '../risk-factor.js';
import { MAX_EVIDENCE } from '../risk-factor.js';

/** Tests: source changed with no test changed, and tests deleted or cut down. */
export const testsFamily: FamilyFactory = ({ weights }) => ({
  family: 'tests',
  mayLower: false,
  evaluate({ diff }): RiskFactor[] {
    const w = weights.tests;
    const source = diff.files.filter((f) => f.kind === 'source' && (f.additions > 0 || f.deletions > 0 || f.status === 'added'));
    const tests = diff.files.filter((f) => f.kind === 'test');
    const factors: RiskFactor[] = [];
    if (source.length > 0 && tests.length === 0) {
      factors.push({
        id: 'tests.missing',
        points: w.sourceWithoutTests,
        reason: `${plural(source.length, 'source file')} changed and no test changed`,
        evidence: source.slice(0, MAX_EVIDENCE).map((f) => ({ path: f.path })),
      });
    }
    const deletedFiles = tests.filter((f) => f.status === 'deleted');
    const netDeleted = tests.reduce((sum, f) => sum + f.deletions - f.additions, 0);
    if (deletedFiles.length > 0 || netDeleted >= w.netDeletedTestLines) {
      const shrunk = [...tests].sort((a, b) => b.deletions - b.additions - (a.deletions - a.additions));
      factors.push({
        id: 'tests.deleted',
        points: w.testsDeleted,
        reason:
          deletedFiles.length > 0
            ? `${plural(deletedFiles.length, 'test file')} deleted`
            : `${netDeleted} more test lines deleted than added`,
        evidence: (deletedFiles.length > 0 ? deletedFiles : shrunk).slice(0, MAX_EVIDENCE).map((f) => ({ path: f.path, excerpt: `+${f.additions} -${f.deletions}` })),
      });
    }
    return factors;
  },
});
