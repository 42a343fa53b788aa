import { plural } from '../../report/format-amounts.js';
import type { FamilyFactory, RiskFactor } from '../risk-factor.js';
import { MAX_EVIDENCE } from '../risk-factor.js';
import { compileGlobs } from '../match-paths.js';

/** Sensitive areas (auth, crypto, payment, migrations, secrets, or a config's own categories). */
export const sensitivePathsFamily: FamilyFactory = ({ weights, sensitivePaths }) => {
  const categories = Object.entries(sensitivePaths)
    .filter(([, globs]) => globs.length > 0)
    .map(([category, globs]) => ({ category, matches: compileGlobs(globs) }));
  const w = weights.sensitivePath;
  return {
    family: 'sensitive',
    mayLower: false,
    evaluate({ diff }): RiskFactor[] {
      const factors: RiskFactor[] = [];
      let budget = w.max;
      for (const { category, matches } of categories) {
        const hits = diff.files.filter((f) => matches(f.path) || (f.previousPath !== undefined && matches(f.previousPath)));
        if (hits.length === 0) continue;
        const points = Math.min(w.perCategory, budget);
        budget -= points;
        factors.push({
          id: `sensitive.${category}`,
          points,
          reason: `${plural(hits.length, 'file')} in a sensitive area: ${category}${points < w.perCategory ? ' (family cap reached)' : ''}`,
          evidence: hits.slice(0, MAX_EVIDENCE).map((f) => ({ path: f.path })),
        });
      }
      return factors;
    },
  };
};
