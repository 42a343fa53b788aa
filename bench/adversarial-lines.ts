// Lines built to make a backtracking regular-expression engine take quadratic (or worse) time on a
// pattern: the beginnings of strings the pattern matches, repeated, or followed by a long run of
// one character. A prefix that fails late makes a backtracking engine rescan from every start
// (`curl curl curl ...` against `\bcurl\b[^\n]*\s-k`); a prefix followed by blanks makes adjacent
// quantifiers over the same characters try every split (`ai reviewers` + 100,000 spaces against
// `\s*[:,]?\s*`). The regex benchmark and the linear-time test use them for every rule.
import { RegExpParser, type AST } from '@eslint-community/regexpp';

const parser = new RegExpParser({ ecmaVersion: 2025 });

/** A short string the node matches, taking alternative `pick` where there is a choice. */
function sampleOf(node: AST.Node, pick: number): string {
  switch (node.type) {
    case 'Pattern':
    case 'Group':
    case 'CapturingGroup':
      return sampleOf(node.alternatives[pick % node.alternatives.length]!, pick);
    case 'Alternative':
      return node.elements.map((e) => sampleOf(e, pick)).join('');
    case 'Quantifier':
      return node.max === 0 ? '' : sampleOf(node.element, pick).repeat(Math.max(1, Math.min(node.min, 40)));
    case 'Character':
      return String.fromCodePoint(node.value);
    case 'CharacterSet':
      if (node.kind === 'space') return node.negate ? 'a' : ' ';
      if (node.kind === 'digit') return node.negate ? 'a' : '0';
      if (node.kind === 'word') return node.negate ? ' ' : 'a';
      return 'a';
    case 'CharacterClass': {
      if (node.negate) return 'a';
      const element = node.elements[pick % Math.max(1, node.elements.length)];
      if (!element) return 'a';
      return element.type === 'CharacterClassRange' ? String.fromCodePoint(element.min.value) : sampleOf(element, 0);
    }
    default:
      return '';
  }
}

/** Distinct short strings a pattern matches (or nearly: assertions are ignored). */
export function samplesOf(pattern: RegExp, picks = 6): string[] {
  const ast = parser.parsePattern(pattern.source, 0, pattern.source.length, { unicode: pattern.flags.includes('u') });
  return [...new Set(Array.from({ length: picks }, (_, pick) => sampleOf(ast, pick)))].filter((s) => s.length > 0);
}

/** Prefixes where the sample changes from one kind of character to another (`ai`, `ai `, `ai reviewers` ...). */
function boundaryPrefixes(sample: string): string[] {
  const kind = (c: string) => (/\w/.test(c) ? 'w' : /\s/.test(c) ? 's' : c);
  const out: string[] = [];
  for (let i = 1; i <= Math.min(sample.length, 60); i++) {
    if (i === sample.length || kind(sample[i]!) !== kind(sample[i - 1]!)) out.push(sample.slice(0, i));
  }
  return out;
}

const repeatTo = (unit: string, length: number) => unit.repeat(Math.ceil(length / unit.length)).slice(0, length);

export interface AdversarialLine {
  /** What the line is made of, for the benchmark's table. */
  label: string;
  text: string;
}

/**
 * Adversarial lines of `length` characters for a set of patterns: for each pattern's sample
 * prefixes, the prefix repeated (with and without a blank between), and the prefix followed by a
 * run of blanks or letters. `limit` caps how many lines one pattern contributes.
 */
export function adversarialLines(patterns: readonly RegExp[], length: number, limit = 24): AdversarialLine[] {
  const lines = new Map<string, AdversarialLine>();
  const add = (label: string, make: () => string) => {
    if (!lines.has(label)) lines.set(label, { label, text: make() });
  };
  for (const pattern of patterns) {
    const all = [...new Set(samplesOf(pattern).flatMap(boundaryPrefixes))];
    // Evenly spread over short and long prefixes: either can be the one a backtracking engine
    // chokes on (`ai reviewers` + blanks, not `ai reviewers must` + blanks).
    const keep = Math.min(all.length, Math.ceil(limit / 4));
    const prefixes = Array.from({ length: keep }, (_, i) => all[Math.floor((i * all.length) / keep)]!);
    for (const prefix of prefixes) {
      add(`${JSON.stringify(prefix)} repeated`, () => repeatTo(prefix, length));
      add(`${JSON.stringify(`${prefix} `)} repeated`, () => repeatTo(`${prefix} `, length));
      add(`${JSON.stringify(prefix)} + blanks`, () => prefix + ' '.repeat(length - prefix.length));
      add(`${JSON.stringify(prefix)} + letters`, () => prefix + 'a'.repeat(length - prefix.length));
    }
  }
  for (const unit of [' ', '\t', 'a', '<!--', '"', "'"]) add(`${JSON.stringify(unit)} repeated`, () => repeatTo(unit, length));
  return [...lines.values()];
}
