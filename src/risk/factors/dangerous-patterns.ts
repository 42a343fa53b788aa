import type { DiffFile, DiffLine, FileKind } from '../../diff/diff-file.js';
import { PATTERN_RULES, type PatternRule, type PatternScope } from '../pattern-rules.js';
import type { Evidence, FamilyFactory, RiskFactor } from '../risk-factor.js';
import { MAX_EVIDENCE } from '../risk-factor.js';
import { hiddenCharacters, invisibleCharacterPattern, mayHoldInvisible, stripInvisible } from '../invisible-characters.js';
import { linearAlternation, linearPattern, type LinearPattern } from '../linear-pattern.js';
import { excerptAround, visibleExcerpt } from '../evidence-excerpt.js';
import { lineAt } from '../line-at-offset.js';

// Kept here for the modules that imported it from this file.
export { visibleExcerpt };

const IN_SCOPE: Record<PatternScope, (kind: FileKind) => boolean> = {
  // Tests run in CI with its secrets, and generated, vendored and lockfile content is whatever the
  // author committed: code rules read all of them. Docs are not run.
  code: (kind) => kind !== 'docs',
  all: () => true,
  ci: (kind) => kind === 'ci',
};

// Lines up to this long are searched whole for the evidence excerpt's position; in longer ones the
// search looks near the rule's keywords only (a full search with positions costs far more than the
// yes/no test that decides a hit).
const LOCATE_WHOLE_LINE_CHARS = 4_096;
const LOCATE_WINDOW_BEFORE = 256;
const LOCATE_WINDOW_AFTER = 1_024;
/** Keyword positions remembered per line and rule, for locating the excerpt. */
const MAX_KEYWORD_POSITIONS = 16;

interface CompiledRule {
  rule: PatternRule;
  /** The rule's unguarded patterns as one alternation. */
  plain?: LinearPattern;
  guarded: Array<{ pattern: LinearPattern; unlessLater: LinearPattern }>;
}

function compile(rule: PatternRule): CompiledRule {
  const plain = rule.patterns.filter((p): p is RegExp => p instanceof RegExp);
  return {
    rule,
    ...(plain.length > 0 ? { plain: linearAlternation(plain) } : {}),
    guarded: rule.patterns.flatMap((p) => (p instanceof RegExp ? [] : [{ pattern: linearPattern(p.pattern), unlessLater: linearPattern(p.unlessLater) }])),
  };
}

const COMPILED = new Map(PATTERN_RULES.map((rule) => [rule, compile(rule)]));

/** Whether a rule's patterns match a line: one linear pass per pattern. */
function matches(compiled: CompiledRule, text: string): boolean {
  if (compiled.plain?.test(text)) return true;
  return compiled.guarded.some(({ pattern, unlessLater }) => {
    if (!pattern.test(text)) return false;
    // A match counts when no guard starts at or after it: look after the last guard only.
    const last = unlessLater.lastStart(text);
    return pattern.test(last < 0 ? text : text.slice(last + 1));
  });
}

/** Start of the first match in a (short) text, or -1. */
function firstMatch(compiled: CompiledRule, text: string): number {
  const starts = [compiled.plain?.find(text)?.start ?? -1];
  for (const { pattern, unlessLater } of compiled.guarded) {
    const last = unlessLater.lastStart(text);
    const found = pattern.find(text, last + 1);
    if (found) starts.push(found.start);
  }
  const valid = starts.filter((s) => s >= 0);
  return valid.length > 0 ? Math.min(...valid) : -1;
}

/** Where to centre the excerpt of a hit: the match, or near the keyword where the match is. */
function locate(compiled: CompiledRule, text: string, keywordAt: readonly number[]): number {
  if (text.length <= LOCATE_WHOLE_LINE_CHARS) return Math.max(0, firstMatch(compiled, text));
  for (const at of keywordAt) {
    const from = Math.max(0, at - LOCATE_WINDOW_BEFORE);
    const found = firstMatch(compiled, text.slice(from, at + LOCATE_WINDOW_AFTER));
    if (found >= 0) return from + found;
  }
  return keywordAt[0] ?? 0;
}

interface RuleHits {
  rule: PatternRule;
  count: number;
  /** The most telling hits so far: by the rank of the pattern that matched, then in diff order. */
  evidence: Array<Evidence & { rank: number }>;
  files: Set<string>;
}

// Each pattern of a rule alone, for ranking evidence: a rule's patterns run from the most
// dangerous (DROP TABLE before DROP COLUMN before an UPDATE without WHERE).
const SINGLE_PATTERNS = new Map(
  PATTERN_RULES.map((rule) => [rule, rule.patterns.map((p) => compile({ ...rule, patterns: [p] }))]),
);

/** The index of the first pattern of the rule that matches `text`, testing no further than `below` (exclusive). */
function rankOf(rule: PatternRule, text: string, below: number): number {
  const singles = SINGLE_PATTERNS.get(rule)!;
  if (singles.length <= 1 || rule.characters !== undefined) return 0;
  const limit = Math.min(below, singles.length);
  for (let i = 0; i < limit; i++) if (matches(singles[i]!, text)) return i;
  return limit;
}

/** Keeps the MAX_EVIDENCE most telling hits: a lower rank wins, then the earlier hit. */
function keepEvidence(entry: RuleHits, make: () => Evidence, text: string): void {
  const full = entry.evidence.length >= MAX_EVIDENCE;
  const worst = full ? Math.max(...entry.evidence.map((e) => e.rank)) : Infinity;
  // Only patterns ranked above the worst kept hit can displace it: most lines test none.
  const rank = rankOf(entry.rule, text, full ? worst : Infinity);
  if (full && rank >= worst) return;
  const evidence = { ...make(), rank };
  if (full) entry.evidence.splice(entry.evidence.findLastIndex((e) => e.rank === worst), 1);
  const at = entry.evidence.findIndex((e) => e.rank > rank);
  entry.evidence.splice(at < 0 ? entry.evidence.length : at, 0, evidence);
}

const escape = (literal: string) => literal.replace(/[.*+?^${}()|[\]\\/-]/g, '\\$&');

// Keyword -> the rules that name it, and one regular expression that finds any keyword (literals
// only: linear in V8).
const RULES_BY_KEYWORD = new Map<string, PatternRule[]>();
for (const rule of PATTERN_RULES) {
  for (const keyword of rule.keywords) RULES_BY_KEYWORD.set(keyword, [...(RULES_BY_KEYWORD.get(keyword) ?? []), rule]);
}
const ANY_KEYWORD = new RegExp([...RULES_BY_KEYWORD.keys()].map(escape).join('|'), 'gi');
const IGNORES_INVISIBLE = PATTERN_RULES.filter((rule) => rule.ignoresInvisible);

interface AddedText {
  lines: DiffLine[];
  /** Offset of each line in `text`, for finding the line of a match. */
  starts: number[];
  text: string;
}

function addedTextOf(file: DiffFile): AddedText {
  const lines: DiffLine[] = [];
  const starts: number[] = [];
  const texts: string[] = [];
  let offset = 0;
  for (const hunk of file.hunks) {
    for (const line of hunk.lines) {
      if (line.type !== 'add') continue;
      lines.push(line);
      texts.push(line.text);
      starts.push(offset);
      offset += line.text.length + 1;
    }
  }
  return { lines, starts, text: texts.join('\n') };
}

/** Per line, the rules to test there and where their keywords (or hidden characters) sit in it. */
type Candidates = Map<number, Map<PatternRule, number[]>>;

function candidatesOf(added: AddedText, applicable: ReadonlySet<PatternRule>): Candidates {
  const candidates: Candidates = new Map();
  const add = (index: number, rule: PatternRule, at: number) => {
    let rules = candidates.get(index);
    if (!rules) candidates.set(index, (rules = new Map()));
    const positions = rules.get(rule);
    if (!positions) rules.set(rule, [at]);
    else if (positions.length < MAX_KEYWORD_POSITIONS) positions.push(at);
  };
  ANY_KEYWORD.lastIndex = 0;
  for (let m = ANY_KEYWORD.exec(added.text); m; m = ANY_KEYWORD.exec(added.text)) {
    // Step one character, not the whole match, so overlapping keywords are all seen.
    ANY_KEYWORD.lastIndex = m.index + 1;
    const line = lineAt(added.starts, m.index);
    for (const rule of RULES_BY_KEYWORD.get(m[0].toLowerCase()) ?? []) if (applicable.has(rule)) add(line, rule, m.index - added.starts[line]!);
  }
  const byCharacters = PATTERN_RULES.filter((rule) => rule.characters !== undefined && applicable.has(rule));
  for (const found of byCharacters.length > 0 ? hiddenCharacters(added.text) : []) {
    const line = lineAt(added.starts, found.index);
    const at = found.index - added.starts[line]!;
    // A byte-order mark opening a file is an encoding marker, not hidden text.
    if (found.codePoint === 0xfeff && at === 0 && added.lines[line]!.newLine === 1) continue;
    for (const rule of byCharacters) if (rule.characters === found.kind) add(line, rule, at);
  }
  // Invisible characters can split a phrase's keywords: such lines are candidates too.
  const ignoring = IGNORES_INVISIBLE.filter((rule) => applicable.has(rule));
  if (ignoring.length > 0 && mayHoldInvisible(added.text)) {
    const invisible = invisibleCharacterPattern();
    for (let m = invisible.exec(added.text); m; m = invisible.exec(added.text)) {
      const line = lineAt(added.starts, m.index);
      for (const rule of ignoring) add(line, rule, m.index - added.starts[line]!);
    }
  }
  return new Map([...candidates.entries()].sort((a, b) => a[0] - b[0]));
}

/** Where in the line a candidate rule hits, or -1. */
function hitIn(rule: PatternRule, text: string, positions: readonly number[]): { text: string; at: number } | undefined {
  if (rule.characters !== undefined) return { text, at: positions[0]! };
  const compiled = COMPILED.get(rule)!;
  if (rule.ignoresInvisible) {
    const visible = stripInvisible(text).text;
    if (!matches(compiled, visible)) return undefined;
    // Keyword positions refer to the line as written; search the visible text whole.
    return { text: visible, at: Math.max(0, visible.length <= LOCATE_WHOLE_LINE_CHARS ? firstMatch(compiled, visible) : 0) };
  }
  return matches(compiled, text) ? { text, at: locate(compiled, text, positions) } : undefined;
}

function scanFile(file: DiffFile, hits: Map<string, RuleHits>): void {
  const applicable = new Set(PATTERN_RULES.filter((rule) => IN_SCOPE[rule.scope](file.kind)));
  if (applicable.size === 0 || file.hunks.length === 0) return;
  const added = addedTextOf(file);
  for (const [index, rules] of candidatesOf(added, applicable)) {
    const line = added.lines[index]!;
    // Rule order is severity order; evidence follows it.
    for (const rule of PATTERN_RULES) {
      const positions = rules.get(rule);
      if (!positions) continue;
      const hit = hitIn(rule, line.text, positions);
      if (!hit) continue;
      let entry = hits.get(rule.id);
      if (!entry) hits.set(rule.id, (entry = { rule, count: 0, evidence: [], files: new Set() }));
      entry.count++;
      entry.files.add(file.path);
      keepEvidence(
        entry,
        () => {
          const evidence: Evidence = { path: file.path };
          if (line.newLine !== undefined) evidence.line = line.newLine;
          if (!rule.redact) evidence.excerpt = excerptAround(hit.text, hit.at);
          return evidence;
        },
        hit.text,
      );
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
        evidence: entry.evidence.map(({ rank: _rank, ...evidence }) => evidence),
        ...(entry.count > entry.evidence.length ? { evidenceTotal: entry.count } : {}),
        files: [...entry.files],
      });
    }
    return factors;
  },
});
