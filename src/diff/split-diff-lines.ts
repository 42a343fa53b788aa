/**
 * Splits diff text into lines the way git does: on "\n" only. U+2028, U+2029, U+0085 and a lone
 * "\r" are characters inside a line; a reader that broke lines on them (a JavaScript RegExp with
 * the m flag does, for `^`, `$` and `.`) would let line content pose as a file header. CRLF line
 * ends read as LF, so a diff saved on Windows reads the same. A final "\n" ends the last line
 * rather than opening an empty one.
 */
export function splitDiffLines(text: string): string[] {
  const normalised = text.includes('\r\n') ? text.replaceAll('\r\n', '\n') : text;
  const lines = normalised.split('\n');
  if (lines.length > 0 && lines[lines.length - 1] === '') lines.pop();
  return lines;
}
