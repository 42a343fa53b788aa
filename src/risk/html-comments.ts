// HTML comments: Markdown renders them as nothing, so in PR text and docs they are text a human
// reviewer does not see and a model reads. Found with indexOf, not a regular expression: a lazy
// `<!--[\s\S]*?-->` is quadratic on a text of many `<!--` and no `-->`.

const OPEN = '<!--';
const CLOSE = '-->';

export interface HtmlComment {
  start: number;
  /** Just past `-->`, or the end of the text for a comment that is never closed. */
  end: number;
}

/** HTML comments in order; an unclosed one runs to the end, so nothing hides after it. */
export function* htmlComments(text: string): Generator<HtmlComment> {
  let from = 0;
  for (let start = text.indexOf(OPEN, from); start !== -1; start = text.indexOf(OPEN, from)) {
    const close = text.indexOf(CLOSE, start + OPEN.length);
    const end = close === -1 ? text.length : close + CLOSE.length;
    yield { start, end };
    from = end;
  }
}

/** The text without its HTML comments, and how many there were. */
export function removeHtmlComments(text: string): { text: string; removed: number } {
  let out = '';
  let from = 0;
  let removed = 0;
  for (const comment of htmlComments(text)) {
    out += text.slice(from, comment.start);
    from = comment.end;
    removed++;
  }
  return { text: removed === 0 ? text : out + text.slice(from), removed };
}
