// Text from models, paths and PR authors is untrusted: in a check run's Markdown it must not open
// links or images (tracking pixels), start HTML (a forged riskgate state comment), or break a table.

const MARKDOWN_SPECIAL = /[\\`*_{}[\]()<>#!|~]/g;

/** Untrusted text shown as plain text on one line. */
export function escapeMarkdown(text: string): string {
  return text.replace(/\r?\n/g, ' ').replace(MARKDOWN_SPECIAL, (c) => (c === '<' ? '&lt;' : c === '>' ? '&gt;' : `\\${c}`));
}

/** Untrusted text as inline code: a fence longer than any backtick run inside it. */
export function codeSpan(text: string): string {
  const oneLine = text.replace(/\r?\n/g, ' ').replace(/\|/g, '¦');
  const longest = Math.max(0, ...(oneLine.match(/`+/g) ?? []).map((run) => run.length));
  const fence = '`'.repeat(longest + 1);
  const pad = oneLine.startsWith('`') || oneLine.endsWith('`') ? ' ' : '';
  return `${fence}${pad}${oneLine}${pad}${fence}`;
}
