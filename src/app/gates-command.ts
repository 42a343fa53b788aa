import MarkdownIt, { type Token } from 'markdown-it';

// `/gates` commands in pull request comments. A command counts only where GitHub shows it as a
// line of its own in a top-level paragraph: the comment is parsed as CommonMark, as GitHub renders
// it, so a command in a code block (fenced with ``` or ~~~, or indented), a quote, a list, an HTML
// comment or an inline code span is someone talking about the command, or hiding it, and not run.

export type GatesCommand = { kind: 'full' } | { kind: 'rerun' } | { kind: 'help' } | { kind: 'unknown'; word: string };

const COMMAND_LINE = /^\/gates(?:[ \t]+(\S+))?[ \t]*$/;

// HTML on, as GitHub's renderer has it: a comment is HTML (hidden), not text. Emphasis and
// strikethrough never hide a line, and are the costliest rules on hostile text: off. Parsing a
// hostile comment of GitHub's maximum 65,536 characters then takes at most a few hundred ms (see
// the notes); ordinary comments, without "/gates", are not parsed at all.
const markdown = new MarkdownIt('commonmark', { html: true }).disable(['emphasis', 'strikethrough']);

/** The lines of a top-level paragraph as GitHub shows them; a line holding any markup is left out. */
function paragraphLines(inline: Token): string[] {
  const lines: string[] = [];
  let line = '';
  let marked = false;
  const end = () => {
    if (!marked) lines.push(line.trim());
    line = '';
    marked = false;
  };
  for (const child of inline.children ?? []) {
    if (child.type === 'text') line += child.content;
    else if (child.type === 'softbreak' || child.type === 'hardbreak') end();
    // Code spans, HTML (comments included), links, emphasis: not a bare command line.
    else marked = true;
  }
  end();
  return lines;
}

export function parseGatesCommand(body: string): GatesCommand | undefined {
  // Most comments never mention the command: they skip the parser.
  if (!body.includes('/gates')) return undefined;
  const tokens = markdown.parse(body, {});
  for (let i = 1; i < tokens.length; i++) {
    const token = tokens[i]!;
    const opener = tokens[i - 1]!;
    if (token.type !== 'inline' || opener.type !== 'paragraph_open' || opener.level !== 0) continue;
    for (const line of paragraphLines(token)) {
      const match = COMMAND_LINE.exec(line);
      if (!match) continue;
      const word = (match[1] ?? 'help').toLowerCase();
      if (word === 'full' || word === 'rerun' || word === 'help') return { kind: word };
      return { kind: 'unknown', word: match[1]! };
    }
  }
  return undefined;
}

export const GATES_HELP = [
  '**riskgate commands** (users with write, maintain or admin access):',
  '',
  '- `/gates full`: run every agent on the strong model for the current head, whatever the risk score.',
  '- `/gates rerun`: run the gate again on the current head (a tier forced on it stays forced).',
  '- `/gates help`: this list.',
].join('\n');
