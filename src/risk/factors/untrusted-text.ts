import type { FamilyFactory, RiskFactor, UntrustedText } from '../risk-factor.js';
import { invisibleCharacters } from '../invisible-characters.js';
import { visibleExcerpt } from './dangerous-patterns.js';
import { INSTRUCTION_OVERRIDES } from '../injection-markers.js';

const BUG_FIX = /\b(?:fix(?:e[sd]|ing)?|bug(?:s|fix)?|defects?|hotfix|regressions?|crash(?:es|ed)?|broken|npe|leak)\b/i;

// Text meant for a model rather than a human reviewer: hidden markup, invisible characters and
// the usual instruction-override phrases. Finding one never clears anything; it adds points.
const INJECTION_MARKERS: RegExp[] = [/<!--[\s\S]*?-->/, invisibleCharacters(), ...INSTRUCTION_OVERRIDES];

function fieldsOf(text: UntrustedText): Array<[string, string]> {
  return (['title', 'body'] as const).flatMap((key) => (text[key] ? [[key, text[key]!] as [string, string]] : []));
}

/** PR title and body, written by the author: they may add points, never remove them. */
export const untrustedTextFamily: FamilyFactory = ({ weights }) => ({
  family: 'text',
  mayLower: false,
  evaluate({ text }): RiskFactor[] {
    if (!text) return [];
    const fields = fieldsOf(text);
    const factors: RiskFactor[] = [];
    const fix = fields.map(([key, value]) => [key, BUG_FIX.exec(value)] as const).find(([, m]) => m);
    if (fix) {
      factors.push({
        id: 'text.bug-fix',
        points: weights.text.bugFix,
        reason: `the ${fix[0]} describes a bug fix ("${fix[1]![0]}"); fixes are more often defect-inducing`,
        evidence: [],
      });
    }
    const injection = fields.flatMap(([key, value]) => INJECTION_MARKERS.map((p) => [key, p.exec(value)] as const)).find(([, m]) => m);
    if (injection) {
      factors.push({
        id: 'text.injection-markers',
        points: weights.text.injectionMarkers,
        reason: `the ${injection[0]} holds hidden markup or instructions aimed at a model`,
        evidence: [{ path: `(pull request ${injection[0]})`, excerpt: visibleExcerpt(injection[1]![0]) }],
      });
    }
    return factors;
  },
});
