import { describe, expect, it } from 'vitest';
import { parseGatesCommand } from '../../src/app/gates-command.js';

describe('/gates commands', () => {
  it.each([
    ['/gates full', { kind: 'full' }],
    ['  /gates   FULL  ', { kind: 'full' }],
    ['Looks risky.\n/gates full\nthanks', { kind: 'full' }],
    ['/gates rerun', { kind: 'rerun' }],
    ['/gates', { kind: 'help' }],
    ['/gates help', { kind: 'help' }],
    ['/gates lower', { kind: 'unknown', word: 'lower' }],
  ])('%j -> %j', (body, expected) => {
    expect(parseGatesCommand(body)).toEqual(expected);
  });

  it.each([
    'please run /gates full',
    '> /gates full',
    '```\n/gates full\n```',
    '/gatesfull',
    '/gates full now please',
    '',
  ])('%j is not a command', (body) => {
    expect(parseGatesCommand(body)).toBeUndefined();
  });

  // Where GitHub shows the command as code, a quote or nothing at all, it is not one.
  it.each([
    ['an indented code block', 'Run this:\n\n    /gates full\n'],
    ['an HTML comment', '<!--\n/gates full\n-->'],
    ['an HTML comment after text', 'Thanks! <!--\n/gates full\n-->'],
    ['~~~ inside a ``` fence', '```\n~~~\n/gates full\n~~~\n```'],
    ['``` inside a ~~~ fence', '~~~\n```\n/gates full\n```\n~~~'],
    ['a longer fence closed only by its own length', '````\n```\n/gates full\n````'],
    ['an unclosed fence', 'text\n```\n/gates full'],
    ['a blockquote', '> quoting:\n> /gates full'],
    ['a lazy blockquote line', '> quoting:\n/gates full'],
    ['a list item', '- /gates full'],
    ['an inline code span', '`/gates full`'],
    ['a link', '[/gates full](https://example.com)'],
  ])('in %s it is not a command', (_where, body) => {
    expect(parseGatesCommand(body)).toBeUndefined();
  });

  it.each([
    ['after a closed fence', '```\ncode\n```\n/gates full'],
    ['after a closed ~~~ fence holding ```', '~~~\n```\n~~~\n\n/gates full'],
    ['after an HTML comment', '<!-- template -->\n\n/gates rerun'],
    ['with CRLF line ends', 'Please:\r\n/gates full\r\n'],
  ])('%s it is', (_where, body) => {
    expect(parseGatesCommand(body)).toBeDefined();
  });
});
