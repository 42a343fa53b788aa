import { RE2JS } from 're2js';

// Regular expressions over author-written text run on RE2 (re2js, a pure-JS port): time linear in
// the text whatever the pattern, where V8's backtracking engine can take seconds on one crafted
// line (issue 14: one 100 KB line held the event loop for 4.3 s). RE2 has no lookaround and no
// backreferences; a pattern that uses them fails to compile, at module load.
//
// Patterns are written as JavaScript literals and keep JavaScript's meaning: `\s` is JavaScript's
// whitespace (RE2's own `\s` lacks \v, U+00A0, U+2000-U+200A and the like, which would let
// `ai\u00A0reviewers` slip past), `.` stops at \r, U+2028 and U+2029 too, and `\uXXXX` is
// RE2's `\x{XXXX}`.

const JS_SPACE = '\\t\\n\\x{0B}\\f\\r \\x{A0}\\x{1680}\\x{2000}-\\x{200A}\\x{2028}\\x{2029}\\x{202F}\\x{205F}\\x{3000}\\x{FEFF}';
const JS_DOT = '[^\\n\\r\\x{2028}\\x{2029}]';

/** RE2 source with JavaScript's meaning of `\s`, `\S`, `.` and `\uXXXX`. */
export function re2Source(source: string): string {
  let out = '';
  let inClass = false;
  for (let i = 0; i < source.length; i++) {
    const ch = source[i]!;
    if (ch === '\\') {
      const next = source[i + 1] ?? '';
      i++;
      if (next === 's') out += inClass ? JS_SPACE : `[${JS_SPACE}]`;
      else if (next === 'S') {
        if (inClass) throw new Error(`\\S inside a character class has no RE2 equivalent: /${source}/`);
        out += `[^${JS_SPACE}]`;
      } else if (next === 'u' && /^[0-9A-Fa-f]{4}$/.test(source.slice(i + 1, i + 5))) {
        out += `\\x{${source.slice(i + 1, i + 5)}}`;
        i += 4;
      } else if (next === 'u' && source[i + 1] === '{') {
        const close = source.indexOf('}', i);
        out += `\\x${source.slice(i + 1, close + 1)}`;
        i = close;
      } else out += `\\${next}`;
    } else if (inClass) {
      // A `[` inside a class is a literal in JavaScript; RE2 would read `[:` as a POSIX class.
      if (ch === ']') inClass = false;
      out += ch === '[' ? '\\[' : ch;
    } else if (ch === '[') {
      inClass = true;
      out += ch;
      // A leading `]` or `^]` is a literal in RE2 but closes an empty class in JavaScript.
      if (source[i + 1] === '^') out += source[++i];
      if (source[i + 1] === ']') throw new Error(`an empty character class cannot be translated: /${source}/`);
    } else out += ch === '.' ? JS_DOT : ch;
  }
  return out;
}

export interface Match {
  start: number;
  end: number;
}

/** A compiled pattern with linear-time matching. */
export interface LinearPattern {
  readonly source: string;
  test(text: string): boolean;
  /** The first match starting at or after `from`. */
  find(text: string, from?: number): Match | undefined;
  /** Start of the last match (matches taken left to right without overlap), or -1. */
  lastStart(text: string): number;
}

function flagsOf(pattern: RegExp): number {
  const unsupported = pattern.flags.replace(/[gimsuy]/g, '');
  if (unsupported) throw new Error(`flag ${unsupported} has no RE2 equivalent: ${String(pattern)}`);
  return (
    (pattern.flags.includes('i') ? RE2JS.CASE_INSENSITIVE : 0) |
    (pattern.flags.includes('m') ? RE2JS.MULTILINE : 0) |
    (pattern.flags.includes('s') ? RE2JS.DOTALL : 0)
  );
}

function wrap(source: string, compiled: RE2JS): LinearPattern {
  return {
    source,
    test: (text) => compiled.test(text),
    // Positions take re2js's NFA, many times slower than the DFA behind test(): ask test() first.
    find(text, from = 0) {
      if (!compiled.test(from > 0 ? text.slice(from) : text)) return undefined;
      const matcher = compiled.matcher(text);
      return matcher.find(from) ? { start: matcher.start(), end: matcher.end() } : undefined;
    },
    lastStart(text) {
      if (!compiled.test(text)) return -1;
      const matcher = compiled.matcher(text);
      let last = -1;
      let from = 0;
      while (from <= text.length && matcher.find(from)) {
        last = matcher.start();
        // An empty match would find itself again.
        from = Math.max(matcher.end(), last + 1);
      }
      return last;
    },
  };
}

/** Compiles a JavaScript regular expression literal for RE2; throws where RE2 cannot run it. */
export function linearPattern(pattern: RegExp): LinearPattern {
  return wrap(pattern.source, RE2JS.compile(re2Source(pattern.source), flagsOf(pattern)));
}

/** One pattern matching where any of `patterns` matches: one pass over the text for all. */
export function linearAlternation(patterns: readonly RegExp[]): LinearPattern {
  if (patterns.length === 0) throw new Error('an alternation needs at least one pattern');
  const parts = patterns.map((p) => {
    flagsOf(p);
    // Inline flags keep each member's own case sensitivity in the shared pattern.
    const inline = ['i', 'm', 's'].filter((f) => p.flags.includes(f)).join('');
    return inline ? `(?${inline}:${re2Source(p.source)})` : `(?:${re2Source(p.source)})`;
  });
  return wrap(patterns.map((p) => String(p)).join(' | '), RE2JS.compile(parts.join('|')));
}
