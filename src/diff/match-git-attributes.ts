import { Minimatch } from 'minimatch';
import { unquoteCStyle } from './unquote-git-path.js';

// `.gitattributes` as git reads it (gitattributes(5), git's attr.c): one pattern per line, then
// attributes; the last line that matches a path decides each attribute. Patterns follow
// .gitignore's rules except that negative patterns are refused and a pattern ending in `/` never
// matches a file. npm's parsers were no fit: `git-attributes` 1.0.0 (minimatch 3, unmaintained)
// leaves matching to the caller, `@humanwhocodes/gitignore-to-minimatch` guesses directories by
// the absence of a file extension. minimatch 11 with the options below matches as git's wildmatch
// does; test/diff/match-git-attributes.test.ts checks it against `git check-attr`.

/** Where riskgate reads attributes: the repository's root file only (see the README). */
export const GITATTRIBUTES_PATH = '.gitattributes';

/** An attribute's state on a path: set (`attr`), unset (`-attr`), a value (`attr=v`), or unspecified (`!attr`). */
export type AttributeState = true | false | string | null;

/** One line that matters: its pattern and, in order, what it says about each wanted attribute. */
export interface AttributeLine {
  pattern: string;
  states: Array<[name: string, state: AttributeState]>;
}

/** The lines of one `.gitattributes` file that speak about the wanted attributes (plain JSON). */
export interface GitAttributes {
  lines: AttributeLine[];
}

export type AttributeLookup = (path: string) => Map<string, AttributeState>;

// git ignores longer lines ("warning: ignoring overly long attributes line", since 2.39.1).
const MAX_LINE_LENGTH = 2048;
const BLANK = /[ \t\r\n]+/;
const ATTRIBUTE_NAME = /^[-._0-9a-zA-Z]+$/;
// git's built-in macro.
const BUILT_IN_MACROS: ReadonlyMap<string, Array<[string, AttributeState]>> = new Map([
  ['binary', [['diff', false], ['merge', false], ['text', false]]],
]);

function parseState(token: string): [string, AttributeState] | undefined {
  let name = token;
  let state: AttributeState = true;
  if (token.startsWith('-') || token.startsWith('!')) {
    name = token.slice(1);
    state = token.startsWith('-') ? false : null;
  } else {
    const eq = token.indexOf('=');
    if (eq >= 0) {
      name = token.slice(0, eq);
      state = token.slice(eq + 1);
    }
  }
  // git refuses the whole line for an invalid or reserved name.
  if (!ATTRIBUTE_NAME.test(name) || name.startsWith('-') || name.startsWith('builtin_')) return undefined;
  return [name, state];
}

function splitLine(raw: string): { pattern: string; states: Array<[string, AttributeState]> } | undefined {
  if (raw.length > MAX_LINE_LENGTH) return undefined;
  const line = raw.replace(/^[ \t\r\n]+/, '');
  if (line === '' || line.startsWith('#')) return undefined;
  let pattern: string;
  let rest: string;
  // As git's attr.c: a pattern that opens with a quote is C-unquoted when it reads as one.
  const quoted = unquoteCStyle(line);
  if (quoted) {
    pattern = quoted.name;
    rest = line.slice(quoted.end);
  } else {
    const end = line.search(BLANK);
    pattern = end < 0 ? line : line.slice(0, end);
    rest = end < 0 ? '' : line.slice(end);
  }
  const states: Array<[string, AttributeState]> = [];
  for (const token of rest.split(BLANK)) {
    if (token === '') continue;
    const state = parseState(token);
    if (!state) return undefined;
    states.push(state);
  }
  return { pattern, states };
}

/**
 * Reads a `.gitattributes` text and keeps the lines that say something about `wanted` attributes,
 * macros (`[attr]name ...`, and git's `binary`) expanded where they are set.
 */
export function parseGitAttributes(text: string, wanted: readonly string[]): GitAttributes {
  // git skips a byte-order mark at the start of the file.
  const parsed = text.replace(/^\uFEFF/, '').split('\n').flatMap((raw) => splitLine(raw) ?? []);
  const macros = new Map(BUILT_IN_MACROS);
  for (const line of parsed) {
    if (line.pattern.startsWith('[attr]')) macros.set(line.pattern.slice('[attr]'.length), line.states);
  }
  const want = new Set(wanted);
  // A set macro stands for itself and then its own states: what follows it on the line still wins.
  const expand = (states: ReadonlyArray<[string, AttributeState]>, seen: ReadonlySet<string>): Array<[string, AttributeState]> =>
    states.flatMap(([name, state]): Array<[string, AttributeState]> => {
      const macro = macros.get(name);
      if (state !== true || !macro || seen.has(name)) return [[name, state]];
      return [[name, state], ...expand(macro, new Set([...seen, name]))];
    });
  const lines: AttributeLine[] = [];
  for (const line of parsed) {
    // Macro definitions set nothing themselves; negative patterns are refused by git.
    if (line.pattern.startsWith('[attr]') || line.pattern.startsWith('!') || line.pattern === '') continue;
    const states = expand(line.states, new Set()).filter(([name]) => want.has(name));
    if (states.length > 0) lines.push({ pattern: line.pattern, states });
  }
  return { lines };
}

interface CompiledLine {
  matches: (path: string) => boolean;
  states: Array<[string, AttributeState]>;
}

const GLOB_OPTIONS = { dot: true, nobrace: true, noext: true, nonegate: true, nocomment: true, platform: 'linux' as const };

// Text without glob syntax or escapes: compared as it is.
const LITERAL = /^[^*?[\\]+$/;
const basenameOf = (path: string) => path.slice(path.lastIndexOf('/') + 1);

/**
 * The shapes most lines have (`dir/**`, `*.ext`, a plain name) matched without a glob: a
 * Minimatch per line costs about 1 µs a path, 150 ms over 3,000 paths and 50 lines.
 */
function plainMatcher(pattern: string, basename: boolean): ((path: string) => boolean) | undefined {
  if (LITERAL.test(pattern)) return basename ? (path) => basenameOf(path) === pattern : (path) => path === pattern;
  if (!basename && pattern.endsWith('/**') && LITERAL.test(pattern.slice(0, -3))) {
    const prefix = pattern.slice(0, -2);
    return (path) => path.length > prefix.length && path.startsWith(prefix);
  }
  if (basename && pattern.startsWith('*') && LITERAL.test(pattern.slice(1))) {
    const suffix = pattern.slice(1);
    return (path) => basenameOf(path).endsWith(suffix);
  }
  return undefined;
}

function compileLine(line: AttributeLine): CompiledLine | undefined {
  // `dir/` names a directory: attributes of a file never come from it.
  if (line.pattern.endsWith('/')) return undefined;
  const states = line.states;
  const basename = !line.pattern.includes('/');
  const pattern = basename ? line.pattern : line.pattern.replace(/^\//, '');
  const plain = plainMatcher(pattern, basename);
  if (plain) return { matches: plain, states };
  const glob = new Minimatch(pattern, GLOB_OPTIONS);
  return { matches: basename ? (path) => glob.match(basenameOf(path)) : (path) => glob.match(path), states };
}

/**
 * Looks attributes up for repository paths (`dir/file`, no leading slash): for each attribute,
 * the state given by the last matching line, as git decides it. Attributes no line speaks of are absent.
 */
export function createAttributeLookup(attributes: GitAttributes): AttributeLookup {
  const compiled = attributes.lines.flatMap((line) => compileLine(line) ?? []);
  return (path) => {
    const found = new Map<string, AttributeState>();
    for (let i = compiled.length - 1; i >= 0; i--) {
      const line = compiled[i]!;
      if (!line.matches(path)) continue;
      for (let j = line.states.length - 1; j >= 0; j--) {
        const [name, state] = line.states[j]!;
        if (!found.has(name)) found.set(name, state);
      }
    }
    return found;
  };
}
