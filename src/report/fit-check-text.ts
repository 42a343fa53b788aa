// "summary: maximum length 65535" and the same for `text` (the Checks API's request schema): a
// longer output is rejected with 422 and the check run would keep its old, stale output.
export const MAX_CHECK_TEXT_CHARS = 65_535;

/**
 * Cuts Markdown to fit a check run field, at a line boundary, and says so visibly: a reader must
 * know the report is incomplete and where to get the rest.
 */
export function fitCheckText(text: string, limit: number = MAX_CHECK_TEXT_CHARS): string {
  // Length in UTF-16 units is never below GitHub's count of characters, so this errs short.
  if (text.length <= limit) return text;
  const notice = (cut: number) => `\n\n---\n**✂ ${cut.toLocaleString('en-US')} characters were cut here to fit GitHub's ${limit.toLocaleString('en-US')}-character limit.** Every finding is still an annotation on its line; \`riskgate review\` prints the whole report locally.`;
  const room = limit - notice(text.length).length;
  let end = text.lastIndexOf('\n', room);
  if (end <= 0) end = room;
  // Never split a surrogate pair.
  if (/[\uD800-\uDBFF]/.test(text.charAt(end - 1))) end--;
  return text.slice(0, end) + notice(text.length - end);
}
