// git C-quotes paths with non-ASCII bytes, quotes, backslashes or control characters
// (core.quotePath): "t\303\251st.txt" stands for the UTF-8 bytes of "tést.txt".

const SIMPLE_ESCAPES: Record<string, number> = {
  a: 0x07, b: 0x08, t: 0x09, n: 0x0a, v: 0x0b, f: 0x0c, r: 0x0d, '"': 0x22, '\\': 0x5c,
};

/** Decodes one git path token; tokens without surrounding quotes are returned as they are. */
export function unquoteGitPath(token: string): string {
  if (token.length < 2 || !token.startsWith('"') || !token.endsWith('"')) return token;
  const body = token.slice(1, -1);
  const bytes: number[] = [];
  for (let i = 0; i < body.length; i++) {
    const ch = body[i]!;
    if (ch !== '\\') {
      for (const b of Buffer.from(ch, 'utf8')) bytes.push(b);
      continue;
    }
    const next = body[i + 1] ?? '';
    if (/[0-7]/.test(next)) {
      const octal = body.slice(i + 1, i + 4);
      bytes.push(parseInt(octal, 8));
      i += octal.length;
    } else if (next in SIMPLE_ESCAPES) {
      bytes.push(SIMPLE_ESCAPES[next]!);
      i += 1;
    } else {
      bytes.push(0x5c);
    }
  }
  return Buffer.from(bytes).toString('utf8');
}

/**
 * Splits the start of `s` into one path token (quoted or not) and the rest. An unquoted token
 * runs to the end of the string: callers decide where it ends.
 */
export function readQuotedToken(s: string): { token: string; rest: string } | undefined {
  if (!s.startsWith('"')) return undefined;
  for (let i = 1; i < s.length; i++) {
    if (s[i] === '\\') {
      i++;
      continue;
    }
    if (s[i] === '"') return { token: s.slice(0, i + 1), rest: s.slice(i + 1) };
  }
  return undefined;
}
