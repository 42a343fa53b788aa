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
});
