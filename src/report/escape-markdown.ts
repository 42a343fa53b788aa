import { showInvisible } from '../risk/invisible-characters.js';

// Text from models, paths and PR authors is untrusted: in a check run's Markdown it must not open
// links or images (tracking pixels, phishing), start HTML (a forged riskgate state comment), end a
// table row, or reorder what the reader sees.

// CommonMark ends a line at LF, CR or CRLF: a lone CR in a file name ends a table row, and what
// follows it is Markdown of the author's choosing. U+2028/2029 and NEL go too, for other renderers.
const LINE_ENDING = /\r\n|[\r\n\u0085\u2028\u2029]/g;
// Backslash-escaped: everything that starts emphasis, code, links, images, headings, tables or
// strikethrough. HTML's own characters become entities, so no tag or comment can begin.
const SPECIAL = /[\\`*_{}[\]()#!|~<>&]/g;
const ENTITY: Record<string, string> = { '<': '&lt;', '>': '&gt;', '&': '&amp;' };
// Text that starts with these would start a list item or underline a heading.
const BLOCK_START = /^([-+=]|\d+(?=[.)]))([.)]?)/;
// GitHub turns bare `scheme://` URLs, `www.` addresses, e-mail addresses, @mentions and #numbers in
// text into links. A word joiner (U+2060: invisible, no line break) after the `:`, before the `.`,
// after the `@` or `#` leaves the text as it reads while no autolinker matches across it.
const AUTOLINK = /:(?=\/\/)|(?<=www)\.|@|#(?=\d)/gi;
const WORD_JOINER = '\u2060';

/** Hidden and control characters shown as their code points (`[U+202E]`), so they cannot reorder or hide text. */
export function showHidden(text: string): string {
  return showInvisible(text, (c) => `[U+${c.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}]`);
}

/** Untrusted text shown as plain text on one line of Markdown: no HTML, no link, no line break. */
export function escapeMarkdown(text: string): string {
  return showHidden(text.replace(LINE_ENDING, ' ').replace(/\t/g, ' '))
    .replace(SPECIAL, (c) => ENTITY[c] ?? `\\${c}`)
    .replace(BLOCK_START, (_m, start: string, dot: string) => (dot ? `${start}\\${dot}` : `\\${start}`))
    .replace(AUTOLINK, (c) => (c === '.' ? `${WORD_JOINER}.` : `${c}${WORD_JOINER}`));
}

// What a backtick code span shows as it is: no line ending (a table row would end), no pipe (a
// table cell would end), no backtick (the span would), no HTML character, nothing hidden.
const PLAIN_CODE = /^[^\r\n\u0085\u2028\u2029|`<>&]+$/;

/**
 * Untrusted text (a path, an identifier) in code font. Ordinary text becomes a code span, where
 * nothing is a link; anything else becomes `<code>` around the escaped text, so the raw Markdown
 * never holds a `<`, a line ending or a backtick from the author.
 */
export function codeSpan(text: string): string {
  if (PLAIN_CODE.test(text) && showHidden(text) === text) return `\`${text}\``;
  return `<code>${escapeMarkdown(text)}</code>`;
}
