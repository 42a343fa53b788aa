import type { DiffFile, FileKind } from '../../diff/diff-file.js';
import type { FamilyFactory, RiskFactor } from '../risk-factor.js';
import { MAX_EVIDENCE } from '../risk-factor.js';
import { compileGlobs } from '../match-paths.js';

function evidenceOf(files: readonly DiffFile[]) {
  return files.slice(0, MAX_EVIDENCE).map((f) => ({ path: f.path }));
}

/**
 * What kind of files changed. Docs-only, tests-only and lockfile-only changes lower the score;
 * CI, infrastructure, permission files and dependency manifests raise it.
 */
export const changeKindFamily: FamilyFactory = ({ weights, permissionPaths }) => {
  const isPermissionPath = compileGlobs(permissionPaths);
  const w = weights.changeKind;
  return {
    family: 'kind',
    mayLower: true,
    evaluate({ diff }): RiskFactor[] {
      const files = diff.files;
      if (files.length === 0) return [];
      const ofKind = (kind: FileKind) => files.filter((f) => f.kind === kind);
      const factors: RiskFactor[] = [];
      const only = (kinds: readonly FileKind[]) => files.every((f) => kinds.includes(f.kind));

      if (only(['docs'])) {
        factors.push({ id: 'kind.docs-only', points: w.docsOnly, reason: 'only documentation changed', evidence: evidenceOf(files) });
      } else if (only(['test', 'docs'])) {
        factors.push({ id: 'kind.tests-only', points: w.testsOnly, reason: 'only tests (and docs) changed', evidence: evidenceOf(files) });
      } else if (only(['lockfile'])) {
        factors.push({ id: 'kind.lockfile-only', points: w.lockfileOnly, reason: 'only lockfiles changed', evidence: evidenceOf(files) });
      }

      const raising: Array<[string, number, string, DiffFile[]]> = [
        ['kind.ci', w.ci, 'CI workflow or pipeline changed', ofKind('ci')],
        ['kind.infrastructure', w.infrastructure, 'infrastructure or deployment files changed', ofKind('infrastructure')],
        [
          'kind.permissions',
          w.permissions,
          'repository permission or settings files changed (CODEOWNERS, .github/, registry config)',
          files.filter((f) => f.kind !== 'ci' && (isPermissionPath(f.path) || (f.previousPath !== undefined && isPermissionPath(f.previousPath)))),
        ],
        ['kind.dependencies', w.dependencyManifest, 'dependency manifest changed', ofKind('dependency-manifest')],
      ];
      for (const [id, points, reason, matched] of raising) {
        if (matched.length > 0) factors.push({ id, points, reason: `${reason}: ${matched.length} file(s)`, evidence: evidenceOf(matched) });
      }
      return factors;
    },
  };
};
