// Every check riskgate runs over author-written text, paired with the adversarial inputs that would
// make a backtracking engine stall on it. Shared by the regex benchmark (`npm run bench`) and the
// linear-time test (test/risk/linear-time.test.ts).
import type { Diff, FileKind } from '../src/diff/diff-file.js';
import { PATTERN_RULES, type PatternRule } from '../src/risk/pattern-rules.js';
import { INSTRUCTION_OVERRIDES } from '../src/risk/injection-markers.js';
import { adversarialLines, type AdversarialLine } from './adversarial-lines.js';

/** A diff of one file with one added line: what a PR author controls completely. */
export function diffWithLine(path: string, kind: FileKind, line: string): Diff {
  return {
    files: [
      {
        path,
        status: 'modified',
        binary: false,
        additions: 1,
        deletions: 0,
        kind,
        hunks: [{ oldStart: 1, oldLines: 0, newStart: 1, newLines: 1, lines: [{ type: 'add', text: line, newLine: 1 }] }],
      },
    ],
    additions: 1,
    deletions: 0,
    warnings: [],
  };
}

/** Where a rule looks: a CI workflow for CI rules, a source file otherwise. */
export function fileFor(rule: PatternRule): { path: string; kind: FileKind } {
  return rule.scope === 'ci' ? { path: '.github/workflows/ci.yml', kind: 'ci' } : { path: 'src/app.ts', kind: 'source' };
}

const repeatTo = (unit: string, length: number) => unit.repeat(Math.ceil(length / unit.length)).slice(0, length);

// Rules found by the table of invisible characters have no pattern to take prefixes from: runs of
// the characters and of their legitimate neighbours (emoji, variation selectors, joiners, flags).
function characterLines(length: number): AdversarialLine[] {
  const tag = (c: string) => String.fromCodePoint(0xe0000 + c.charCodeAt(0));
  return [
    ['zero-width spaces', '\u200B'],
    ['variation selectors', '\uFE0F'],
    ['emoji + variation selector', '\u2764\uFE0F'],
    ['emoji + ZWJ', '\u{1F469}\u200D'],
    ['tag characters', tag('a')],
    ['black flag + tags', `\u{1F3F4}${tag('g')}${tag('b')}`],
    ['bidi overrides', '\u202E'],
  ].map(([label, unit]) => ({ label: `${label!} repeated`, text: repeatTo(unit!, length) }));
}

/** Adversarial lines for a rule: from its own patterns, or runs of hidden characters. */
export function adversarialLinesFor(rule: PatternRule, length: number, limit?: number): AdversarialLine[] {
  const patterns = rule.patterns.flatMap((p) => (p instanceof RegExp ? [p] : [p.pattern, p.unlessLater]));
  return rule.characters !== undefined ? [...characterLines(length), ...adversarialLines([], length)] : adversarialLines(patterns, length, limit);
}

/** Adversarial PR text: from the instruction-override phrases, HTML comments and hidden characters. */
export function adversarialText(length: number, limit?: number): AdversarialLine[] {
  return [...adversarialLines(INSTRUCTION_OVERRIDES, length, limit), ...characterLines(length)];
}

export { PATTERN_RULES };
