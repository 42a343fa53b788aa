import type { Evidence, FamilyFactory, RiskFactor, UntrustedText } from '../risk-factor.js';
import { firstHiddenCharacter, hiddenCharacters, stripInvisible } from '../invisible-characters.js';
import { excerptAround } from '../evidence-excerpt.js';
import { findInstructionOverrideAt } from '../injection-markers.js';
import { htmlComments } from '../html-comments.js';

const BUG_FIX = /\b(?:fix(?:e[sd]|ing)?|bug(?:s|fix)?|defects?|hotfix|regressions?|crash(?:es|ed)?|broken|npe|leak)\b/i;

type Field = 'title' | 'body';

function fieldsOf(text: UntrustedText): Array<[Field, string]> {
  return (['title', 'body'] as const).flatMap((key) => (text[key] ? [[key, text[key]!] as [Field, string]] : []));
}

const where = (field: Field) => `(pull request ${field})`;
/** "title addresses", "body addresses" or "title and body address". */
const named = (keys: readonly Field[], plural: string, singular: string) => (keys.length > 1 ? `title and body ${plural}` : `${keys[0]} ${singular}`);

/** Text that speaks to a model: an instruction-override phrase, or text hidden in tag characters. */
function addressedToModel(field: Field, value: string): Evidence | undefined {
  const phrase = findInstructionOverrideAt(value);
  if (phrase) return { path: where(field), excerpt: excerptAround(stripInvisible(value).text, phrase.index) };
  // Tag characters (outside the three subdivision flags) have no use in PR text but hiding words.
  const tag = firstHiddenCharacter(value, 'tag');
  if (tag) return { path: where(field), excerpt: excerptAround(value, tag.index) };
  return undefined;
}

/** Markup a human does not see: HTML comments (PR templates are full of them), invisible characters. */
function hiddenMarkup(field: Field, value: string): Evidence | undefined {
  const comment = htmlComments(value).next();
  if (!comment.done) return { path: where(field), excerpt: excerptAround(value, comment.value.start) };
  const hidden = hiddenCharacters(value).next();
  if (!hidden.done) return { path: where(field), excerpt: excerptAround(value, hidden.value.index) };
  return undefined;
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
    const addressed = fields.flatMap(([key, value]) => {
      const evidence = addressedToModel(key, value);
      return evidence ? [{ key, evidence }] : [];
    });
    if (addressed.length > 0) {
      factors.push({
        id: 'text.addressed-to-model',
        points: weights.text.addressedToModel,
        reason: `the ${named(addressed.map((a) => a.key), 'address', 'addresses')} a model (instructions aimed at an AI reviewer, or text hidden in tag characters)`,
        evidence: addressed.map((a) => a.evidence),
      });
    }
    const hidden = fields.flatMap(([key, value]) => {
      const evidence = hiddenMarkup(key, value);
      return evidence ? [{ key, evidence }] : [];
    });
    if (hidden.length > 0) {
      factors.push({
        id: 'text.hidden-markup',
        points: weights.text.hiddenMarkup,
        reason: `the ${named(hidden.map((h) => h.key), 'hold', 'holds')} markup a reader does not see (HTML comments or invisible characters); models are shown the text without it`,
        evidence: hidden.map((h) => h.evidence),
      });
    }
    return factors;
  },
});
