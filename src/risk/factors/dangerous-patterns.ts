import type { DiffFile, DiffLine, FileKind } from '../../diff/diff-file.js';
import { PATTERN_RULES, type PatternRule, type PatternScope } from '../pattern-rules.js';
import type { Evidence, FamilyFactory, RiskFactor } from '../risk-factor.js';
import { MAX_EVIDENCE } from '../risk-factor.js';
import { invisibleCharacters, invisibleOrControlCharacters } from '../invisible-characters.js';

const SCOPES: Record<PatternScope, ReadonlySet<FileKind>> = {
  code: new Set(['source', 'config', 'ci', 'infrastructure', 'dependency-manifest']),
  all: new Set(['source', 'config', 'ci', 'infrastructure', 'dependency-manifest', 'test', 'docs', 'generated', 'vendored']),
};

// Minified or data lines can be megabytes long; patterns look at the start of each line only.
const MAX_SCANNED_LINE_CHARS = 4_000;
const EXCERPT_CHARS = 100;

const HIDDEN = invisibleOrControlCharacters('g');
const INVISIBLE = invisibleCharacters();

/** Makes hidden and control characters visible, so evidence cannot hide what it shows. */
export function visibleExcerpt(text: string): string {
  const trimmed = text.trim();
  const cut = trimmed.length > EXCERPT_CHARS ? `${trimmed.slice(0, EXCERPT_CHARS)}...` : trimmed;
  return cut.replace(HIDDEN, (ch) =>
    `<U+${(ch.codePointAt(0) ?? 0).toString(16).toUpperCase().padStart(4, '0')}>`,
  );
}

interface RuleHits {
  rule: PatternRule;
  count: number;
  evidence: Evidence[];
}

const escape = (literal: string) => literal.replace(/[.*+?^${}()|[\]\\/-]/g, '\\$&');

// Keyword -> the rules that name it, and one regular expression that finds any keyword.
const RULES_BY_KEYWORD = new Map<string, PatternRule[]>();
for (const rule of PATTERN_RULES) {
  for (const keyword of rule.keywords) RULES_BY_KEYWORD.set(keyword, [...(RULES_BY_KEYWORD.get(keyword) ?? []), rule]);
}
const ANY_KEYWORD = new RegExp([...RULES_BY_KEYWORD.keys()].map(escape).join('|'), 'gi');
// Rules without keywords scan the whole text with their own patterns (a character class).
const UNANCHORED = PATTERN_RULES.filter((rule) => rule.keywords.length === 0).map((rule) => ({
  rule,
  scan: rule.patterns.map((p) => new RegExp(p.source, `${p.flags.replace('g', '')}g`)),
}));

interface AddedText {
  lines: DiffLine[];
  texts: string[];
  /** Offset of each line in `text`, for finding the line of a match. */
  starts: number[];
  text: string;
}

function addedTextOf(file: DiffFile): AddedText {
  const lines: DiffLine[] = [];
  const texts: string[] = [];
  const starts: number[] = [];
  let offset = 0;
  for (const hunk of file.hunks) {
    for (const line of hunk.lines) {
      if (line.type !== 'add') continue;
      const text = line.text.length > MAX_SCANNED_LINE_CHARS ? line.text.slice(0, MAX_SCANNED_LINE_CHARS) : line.text;
      lines.push(line);
      texts.push(text);
      starts.push(offset);
      offset += text.length + 1;
    }
  }
  return { lines, texts, starts, text: texts.join('\n') };
}

function lineAt(starts: readonly number[], offset: number): number {
  let lo = 0;
  let hi = starts.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (starts[mid]! <= offset) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

/** Candidate (line, rule) pairs: lines holding one of a rule's keywords, in line order. */
function candidatesOf(added: AddedText, applicable: ReadonlySet<PatternRule>): Map<number, Set<PatternRule>> {
  const candidates = new Map<number, Set<PatternRule>>();
  const add = (index: number, rule: PatternRule) => {
    const set = candidates.get(index);
    if (set) set.add(rule);
    else candidates.set(index, new Set([rule]));
  };
  ANY_KEYWORD.lastIndex = 0;
  for (let m = ANY_KEYWORD.exec(added.text); m; m = ANY_KEYWORD.exec(added.text)) {
    // Step one character, not the whole match, so overlapping keywords are all seen.
    ANY_KEYWORD.lastIndex = m.index + 1;
    const rules = RULES_BY_KEYWORD.get(m[0].toLowerCase()) ?? [];
    for (const rule of rules) if (applicable.has(rule)) add(lineAt(added.starts, m.index), rule);
  }
  for (const { rule, scan } of UNANCHORED) {
    if (!applicable.has(rule)) continue;
    for (const pattern of scan) {
      pattern.lastIndex = 0;
      for (let m = pattern.exec(added.text); m; m = pattern.exec(added.text)) add(lineAt(added.starts, m.index), rule);
    }
  }
  return new Map([...candidates.entries()].sort((a, b) => a[0] - b[0]));
}

function scanFile(file: DiffFile, hits: Map<string, RuleHits>): void {
  const applicable = new Set(PATTERN_RULES.filter((rule) => SCOPES[rule.scope].has(file.kind)));
  if (applicable.size === 0 || file.hunks.length === 0) return;
  const added = addedTextOf(file);
  for (const [index, rules] of candidatesOf(added, applicable)) {
    const line = added.lines[index]!;
    const text = added.texts[index]!;
    // Rule order is severity order; evidence follows it.
    for (const rule of PATTERN_RULES) {
      if (!rules.has(rule) || !rule.patterns.some((p) => p.test(text))) continue;
      // A byte-order mark opening a file is not hidden text.
      if (rule.id === 'hidden-unicode' && line.newLine === 1 && text.startsWith('\uFEFF') && !INVISIBLE.test(text.slice(1))) continue;
      let entry = hits.get(rule.id);
      if (!entry) hits.set(rule.id, (entry = { rule, count: 0, evidence: [] }));
      entry.count++;
      if (entry.evidence.length < MAX_EVIDENCE) {
        const evidence: Evidence = { path: file.path };
        if (line.newLine !== undefined) evidence.line = line.newLine;
        if (!rule.redact) evidence.excerpt = visibleExcerpt(text);
        entry.evidence.push(evidence);
      }
    }
  }
}

/** Dangerous patterns in added lines: each rule adds its points once, the family is capped. */
export const dangerousPatternsFamily: FamilyFactory = ({ weights }) => ({
  family: 'pattern',
  mayLower: false,
  evaluate({ diff }): RiskFactor[] {
    const hits = new Map<string, RuleHits>();
    for (const file of diff.files) scanFile(file, hits);
    let budget = weights.pattern.max;
    const factors: RiskFactor[] = [];
    // Rule order is severity order, so the cap trims the least severe first.
    for (const rule of PATTERN_RULES) {
      const entry = hits.get(rule.id);
      if (!entry) continue;
      const points = Math.min(rule.points, budget);
      budget -= points;
      factors.push({
        id: `pattern.${rule.id}`,
        points,
        reason: `${entry.count} added line(s) ${rule.reason}${points < rule.points ? ' (family cap reached)' : ''}`,
        evidence: entry.evidence,
      });
    }
    return factors;
  },
});
