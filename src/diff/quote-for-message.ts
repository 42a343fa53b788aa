/**
 * Untrusted text from a diff (a path, a line) inside an error or warning: quoted, with line
 * breaks and control characters escaped (U+0085, U+2028 and U+2029 too, which JSON leaves
 * alone), so it cannot open a line of its own in the output. Long text is cut.
 */
export function quoteForMessage(text: string, max = 200): string {
  const cut = text.length > max ? `${text.slice(0, max)}…` : text;
  return JSON.stringify(cut).replace(/[\u0085\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}
