// git C-quotes paths with non-ASCII bytes, quotes, backslashes or control characters
// (core.quotePath): "t\303\251st.txt" stands for the UTF-8 bytes of "tést.txt". The rules are
// those of git's unquote_c_style (quote.c), so a name reads the same here as in `git apply`.

const SIMPLE_ESCAPES: Readonly<Record<string, number>> = {
  a: 0x07, b: 0x08, f: 0x0c, n: 0x0a, r: 0x0d, t: 0x09, v: 0x0b, '"': 0x22, '\\': 0x5c,
};

export interface UnquotedName {
  name: string;
  /** Index just past the closing quote. */
  end: number;
}

/**
 * Reads the C-quoted name that opens at `s[at]` (a `"`). Returns undefined where git's
 * unquote_c_style fails: no closing quote, or an escape git does not know (then git reads the
 * text as an unquoted name).
 */
export function unquoteCStyle(s: string, at = 0): UnquotedName | undefined {
  if (s[at] !== '"') return undefined;
  // Each UTF-16 unit takes at most 3 bytes of UTF-8, and an escape gives 1 byte for 2+ units.
  const bytes = Buffer.allocUnsafe(3 * (s.length - at));
  let size = 0;
  let run = at + 1;
  for (let i = at + 1; i < s.length; i++) {
    const ch = s[i];
    if (ch !== '"' && ch !== '\\') continue;
    if (i > run) size += bytes.write(s.slice(run, i), size, 'utf8');
    if (ch === '"') return { name: bytes.toString('utf8', 0, size), end: i + 1 };
    const escape = s[i + 1] ?? '';
    if (escape in SIMPLE_ESCAPES) {
      bytes[size++] = SIMPLE_ESCAPES[escape]!;
      i += 1;
    } else if (escape >= '0' && escape <= '3' && isOctal(s[i + 2]) && isOctal(s[i + 3])) {
      bytes[size++] = parseInt(s.slice(i + 1, i + 4), 8);
      i += 3;
    } else {
      return undefined;
    }
    run = i + 1;
  }
  return undefined;
}

function isOctal(ch: string | undefined): boolean {
  return ch !== undefined && ch >= '0' && ch <= '7';
}

/** Decodes one whole git path token; a token that is not one quoted name is returned as it is. */
export function unquoteGitPath(token: string): string {
  const unquoted = unquoteCStyle(token);
  return unquoted && unquoted.end === token.length ? unquoted.name : token;
}
