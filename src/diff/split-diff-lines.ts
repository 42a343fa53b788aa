/**
 * The lines of diff text, split the way git splits them: on "\n" only. U+2028, U+2029, U+0085 and
 * a lone "\r" are characters inside a line; a reader that broke lines on them (a JavaScript RegExp
 * with the m flag does, for `^`, `$` and `.`) would let line content pose as a file header. A CR
 * before the "\n" is dropped, so a diff saved with CRLF line ends reads the same. A final "\n"
 * ends the last line rather than opening an empty one.
 *
 * Only the line offsets are kept (4 bytes a line); each line is cut from the text when asked for,
 * so a 50 MB diff does not hold a million strings at once.
 */
export class DiffLines {
  readonly length: number;
  /** starts[i] is where line i begins; starts[length] is one past the end of the last line's "\n". */
  private readonly starts: Int32Array;

  constructor(private readonly text: string) {
    let count = 0;
    for (let at = text.indexOf('\n'); at !== -1; at = text.indexOf('\n', at + 1)) count++;
    const unterminated = text.length > 0 && !text.endsWith('\n');
    this.length = count + (unterminated ? 1 : 0);
    this.starts = new Int32Array(this.length + 1);
    let line = 1;
    for (let at = text.indexOf('\n'); at !== -1; at = text.indexOf('\n', at + 1)) this.starts[line++] = at + 1;
    // An unterminated last line ends at the text's end, as if a "\n" followed it.
    if (unterminated) this.starts[this.length] = text.length + 1;
  }

  line(index: number): string {
    const start = this.starts[index]!;
    let end = this.starts[index + 1]! - 1;
    if (end > start && end < this.text.length && this.text.charCodeAt(end - 1) === 0x0d) end--;
    return this.text.slice(start, end);
  }

  /** The first `count` lines (a diff cut short of its broken tail). */
  head(count: number): DiffLines {
    return new DiffLines(this.text.slice(0, this.starts[count]!));
  }
}
