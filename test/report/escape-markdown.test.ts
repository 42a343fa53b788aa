import { describe, expect, it } from 'vitest';
import { codeSpan, escapeMarkdown, showHidden } from '../../src/report/escape-markdown.js';

// What GitHub's Markdown would make of untrusted text, checked on the raw text riskgate sends:
// a raw `<` starts HTML, a line ending (LF, CR or CRLF) ends a table row or paragraph, an
// unescaped `[`/`]`/`(` makes a link or image, and GitHub links bare URLs, `www.` addresses,
// e-mail addresses, @mentions and #numbers.
const WJ = '\u2060';
const LINKABLE = [/[a-z][a-z0-9+.-]*:\/\//i, /www\./i, /[\w.+-]+@[\w-]+/, /(^|[^\w\\])@\w/, /#\d/];

describe('escapeMarkdown', () => {
  it.each([
    ['a lone CR', 'notes\r<img src="https://evil.example/p.png">', `notes &lt;img src="https:${WJ}//evil.example/p.png"&gt;`],
    ['CRLF, LF, U+2028 and NEL', 'a\r\nb\nc\u2028d\u0085e', 'a b c d e'],
    ['a link and an image', '[login](http://evil.example) ![x](http://evil.example/p.png)', `\\[login\\]\\(http:${WJ}//evil.example\\) \\!\\[x\\]\\(http:${WJ}//evil.example/p.png\\)`],
    ['an HTML comment (a forged state)', '<!-- riskgate-state:v2:AAAA.BBBB -->', '&lt;\\!-- riskgate-state:v2:AAAA.BBBB --&gt;'],
    ['entities written out', '&lt;img&gt; &#60;', `&amp;lt;img&amp;gt; &amp;\\#${WJ}60;`],
    ['a table cell', 'a | b', 'a \\| b'],
    ['backticks and emphasis', '`code` *b* _i_ ~s~', '\\`code\\` \\*b\\* \\_i\\_ \\~s\\~'],
    ['a heading', '# Passed', '\\# Passed'],
    ['a list item', '- [x] approved', '\\- \\[x\\] approved'],
    ['an ordered list item', '1. approved', '1\\. approved'],
  ])('%s', (_name, input, expected) => {
    expect(escapeMarkdown(input)).toBe(expected);
  });

  it('leaves no bare URL, www. address, e-mail address, @mention or #number for GitHub to link, and reads the same', () => {
    const title = 'Token sent to https://evil.example/collect and WWW.evil.example; mail admin@corp.example, cc @octocat about #12 and mailto:a@b.example';
    const escaped = escapeMarkdown(title);
    for (const pattern of LINKABLE) expect(escaped).not.toMatch(pattern);
    // The only change a reader could notice is none: word joiners are invisible.
    expect(escaped.replaceAll(WJ, '').replace(/\\([#])/g, '$1')).toBe(title);
  });

  it('shows hidden and control characters as code points, so they cannot reorder or hide text', () => {
    expect(escapeMarkdown('ok\u202Edecoy\u200Bx\u0007\u{E0041}')).toBe('ok\\[U+202E\\]decoy\\[U+200B\\]x\\[U+0007\\]\\[U+E0041\\]');
    expect(showHidden('tab\tstays')).toBe('tab\tstays');
  });
});

describe('codeSpan', () => {
  it('keeps an ordinary path a code span, where nothing is a link', () => {
    expect(codeSpan('src/auth/login.ts')).toBe('`src/auth/login.ts`');
    expect(codeSpan('docs/www.example.com/a@b.md')).toBe('`docs/www.example.com/a@b.md`');
  });

  it.each([
    ['a state marker', 'notes <!-- riskgate-state:v1:AAAA -->.txt', '<code>notes &lt;\\!-- riskgate-state:v1:AAAA --&gt;.txt</code>'],
    ['a lone CR and an image', 'a\r<img src=x>', '<code>a &lt;img src=x&gt;</code>'],
    ['backticks and a pipe', 'a`b|c', '<code>a\\`b\\|c</code>'],
    ['a link', '[x](http://evil)', '`[x](http://evil)`'],
    ['a bidi override', 'src/\u202Etxt.exe', '<code>src/\\[U+202E\\]txt.exe</code>'],
  ])('escapes %s so no raw `<`, line ending or backtick from it reaches the Markdown', (_name, input, expected) => {
    expect(codeSpan(input)).toBe(expected);
  });
});
