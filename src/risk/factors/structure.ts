import type { FamilyFactory, RiskFactor } from '../risk-factor.js';
import { MAX_EVIDENCE } from '../risk-factor.js';

/**
 * Structure: what the code-structure layer (src/code) found, precomputed by the adapter and passed
 * in, so scoring stays a pure function. Exported symbols removed or with a changed signature can
 * break callers the diff does not show; many new functions are much new behaviour. Absent (no
 * source could be read): no points, as before the layer; it only ever adds.
 */
export const structureFamily: FamilyFactory = ({ weights }) => ({
  family: 'structure',
  mayLower: false,
  evaluate({ structure }): RiskFactor[] {
    if (!structure) return [];
    const factors: RiskFactor[] = [];
    const breaking = structure.breaking;
    if (breaking.length > 0) {
      factors.push({
        id: 'structure.breaking-change',
        points: Math.min(weights.structure.breakingChangeMax, weights.structure.breakingChange * Math.log2(1 + breaking.length)),
        reason: `${breaking.length} exported symbol(s) removed or with a changed signature`,
        evidence: breaking.slice(0, MAX_EVIDENCE).map((b) => ({ path: b.path, excerpt: `${b.change} ${b.kind} ${b.name}`.slice(0, 120) })),
        files: [...new Set(breaking.map((b) => b.path))],
      });
    }
    if (structure.newFunctions > 0 && weights.structure.perNewFunctionDoubling > 0) {
      factors.push({
        id: 'structure.new-functions',
        points: weights.structure.perNewFunctionDoubling * Math.log2(1 + structure.newFunctions),
        reason: `${structure.newFunctions} new function(s)`,
        evidence: [],
      });
    }
    return factors;
  },
});
