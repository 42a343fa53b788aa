import { plural } from '../../report/format-amounts.js';
import { isAuthored, type DiffFile, type FileKind } from '../../diff/diff-file.js';
import type { FamilyFactory, RiskFactor } from '../risk-factor.js';
import { MAX_EVIDENCE } from '../risk-factor.js';
import { compileGlobs } from '../match-paths.js';

function evidenceOf(files: readonly DiffFile[]) {
  return files.slice(0, MAX_EVIDENCE).map((f) => ({ path: f.path }));
}

/**
 * What kind of files changed. Docs-only and tests-only changes lower the score, unless a
 * dangerous-pattern rule matched their added lines (a test runs in CI, beside its secrets); CI,
 * infrastructure, permission files and dependency manifests raise it; lines in files the models
 * are not shown (lockfiles, files the base marks vendored or generated) add a little.
 */
export const changeKindFamily: FamilyFactory = ({ weights, permissionPaths }) => {
  const isPermissionPath = compileGlobs(permissionPaths);
  const w = weights.changeKind;
  return {
    family: 'kind',
    mayLower: true,
    evaluate({ diff, patternPaths }): RiskFactor[] {
      const files = diff.files;
      if (files.length === 0) return [];
      const ofKind = (kind: FileKind) => files.filter((f) => f.kind === kind);
      const factors: RiskFactor[] = [];
      const only = (kinds: readonly FileKind[]) => files.every((f) => kinds.includes(f.kind));

      const flagged = files.filter((f) => patternPaths?.has(f.path));
      if (flagged.length === 0 && only(['docs'])) {
        factors.push({ id: 'kind.docs-only', points: w.docsOnly, reason: 'only documentation changed', evidence: evidenceOf(files) });
      } else if (flagged.length === 0 && only(['test', 'docs'])) {
        factors.push({ id: 'kind.tests-only', points: w.testsOnly, reason: 'only tests (and docs) changed', evidence: evidenceOf(files) });
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
        if (matched.length > 0) factors.push({ id, points, reason: `${reason}: ${plural(matched.length, 'file')}`, evidence: evidenceOf(matched) });
      }

      const notShown = files.filter((f) => !isAuthored(f.kind));
      const added = notShown.reduce((n, f) => n + f.additions, 0);
      const deleted = notShown.reduce((n, f) => n + f.deletions, 0);
      const points = w.notShownPerDoubling * Math.log2(1 + added + weights.size.deletedLineWeight * deleted);
      if (points > 0) {
        const largest = [...notShown].sort((a, b) => b.additions + b.deletions - (a.additions + a.deletions));
        factors.push({
          id: 'kind.not-shown',
          points,
          reason: `${added} lines added and ${deleted} deleted in ${notShown.length} lockfiles or files the base marks vendored or generated: counted here, not in size, and not shown to the models`,
          evidence: largest.slice(0, MAX_EVIDENCE).map((f) => ({ path: f.path, excerpt: `${f.kind} +${f.additions} -${f.deletions}` })),
        });
      }
      return factors;
    },
  };
};
