import type { DiffFile, FileKind } from '../../diff/diff-file.js';
import { PATTERN_RULES, type PatternRule, type PatternScope } from '../pattern-rules.js';
import type { Evidence, FamilyFactory, RiskFactor } from '../risk-factor.js';
import { MAX_EVIDENCE } from '../risk-factor.js';

const SCOPES: Record<PatternScope, ReadonlySet<FileKind>> = {
  code: new Set(['source', 'config', 'ci', 'infrastructure', 'dependency-manifest']),
  all: new Set(['source', 'config', 'ci', 'infrastructure', 'dependency-manifest', 'test', 'docs', 'generated', 'vendored']),
};

// Minified or data lines can be megabytes long; patterns look at the start of each line only.
const MAX_SCANNED_LINE_CHARS = 4_000;
const EXCERPT_CHARS = 100;

// Control characters, soft hyphen, combining grapheme joiner, bidi and zero-width marks, and
// Unicode tag characters: everything that changes what a reader sees without being seen.
// eslint-disable-next-line no-control-regex, no-misleading-character-class -- matching these is the point
const HIDDEN = /[\u0000-\u0008\u000B-\u001F\u007F-\u009F\u00AD\u034F\u061C\u180E\u200B-\u200F\u202A-\u202E\u2060-\u2064\u2066-\u2069\uFEFF]|\uDB40[\uDC00-\uDC7F]/g;

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

function scanFile(file: DiffFile, rules: readonly PatternRule[], hits: Map<string, RuleHits>): void {
  const applicable = rules.filter((rule) => SCOPES[rule.scope].has(file.kind));
  if (applicable.length === 0) return;
  for (const hunk of file.hunks) {
    for (const line of hunk.lines) {
      if (line.type !== 'add') continue;
      const text = line.text.length > MAX_SCANNED_LINE_CHARS ? line.text.slice(0, MAX_SCANNED_LINE_CHARS) : line.text;
      for (const rule of applicable) {
        if (!rule.patterns.some((p) => p.test(text))) continue;
        // A byte-order mark opening a file is not hidden text.
        if (rule.id === 'hidden-unicode' && line.newLine === 1 && /^\uFEFF[^\u200B-\u200F\u202A-\u202E\u2060-\u2069]*$/.test(text)) continue;
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
}

/** Dangerous patterns in added lines: each rule adds its points once, the family is capped. */
export const dangerousPatternsFamily: FamilyFactory = ({ weights }) => ({
  family: 'pattern',
  mayLower: false,
  evaluate({ diff }): RiskFactor[] {
    const hits = new Map<string, RuleHits>();
    for (const file of diff.files) scanFile(file, PATTERN_RULES, hits);
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
