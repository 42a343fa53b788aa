import { describe, expect, it } from 'vitest';
import { escapeControl, escapeLine, table, terminalSafe, wantsColour, wrapText } from '../../src/cli/terminal.js';
import { stepProgress, type ProgressWriter } from '../../src/cli/progress-writer.js';

describe('terminal helpers', () => {
  it('wraps at spaces, and inside a word longer than the width', () => {
    expect(wrapText('alpha beta gamma delta', 11)).toEqual(['alpha beta', 'gamma delta']);
    expect(wrapText('src/a-very-long-path/file.ts', 10)).toEqual(['src/a-very', '-long-path', '/file.ts']);
    expect(wrapText('one\ntwo', 10)).toEqual(['one', 'two']);
  });

  it('lays out a table whose flexible column wraps under itself', () => {
    const out = table([{ width: 4, align: 'right' }, {}], [['+12', 'one two three four five six']], 30, 2, 2);
    expect(out).toEqual(['   +12  one two three four', '        five six']);
    expect(out.every((l) => l.length <= 30)).toBe(true);
  });

  it('escapes control characters of author text; keeps its own colour and live-line codes only', () => {
    expect(escapeControl('a\x1b[2Jb\tc\nd\x07\x9b')).toBe('a\\e[2Jb\tc\nd\\x07\\x9b');
    expect(escapeLine('a\nb\rc')).toBe('a\\nb\\rc');
    expect(terminalSafe('\x1b[31mred\x1b[39m \x1b]0;title\x07 \r\x1b[2Kline\r')).toBe('\x1b[31mred\x1b[39m \\e]0;title\\x07 \r\x1b[2Kline\\r');
  });

  it('colours on a TTY unless NO_COLOR; FORCE_COLOR colours a pipe, FORCE_COLOR=0 does not', () => {
    expect(wantsColour({}, true)).toBe(true);
    expect(wantsColour({}, false)).toBe(false);
    expect(wantsColour({ NO_COLOR: '1' }, true)).toBe(false);
    expect(wantsColour({ NO_COLOR: '1', FORCE_COLOR: '1' }, false)).toBe(false);
    expect(wantsColour({ FORCE_COLOR: '1' }, false)).toBe(true);
    expect(wantsColour({ FORCE_COLOR: '0' }, true)).toBe(false);
    expect(wantsColour({ TERM: 'dumb' }, true)).toBe(false);
  });

  it('step progress off a terminal: a line at each tenth and at the end, with elapsed time and an ETA', () => {
    const lines: string[] = [];
    const writer: ProgressWriter = { line: (t) => lines.push(t), status: () => {}, done: () => {} };
    let now = 0;
    const step = stepProgress(writer, { colour: false, width: 100, liveStderr: false }, 'riskgate calibrate', () => now);
    for (let done = 1; done <= 20; done++) {
      now = done * 1000;
      step(done, 20, 'files blamed');
    }
    expect(lines).toHaveLength(11);
    expect(lines[0]).toBe('riskgate calibrate: 1 of 20 files blamed, 1 s elapsed, ETA 19 s');
    expect(lines[1]).toBe('riskgate calibrate: 2 of 20 files blamed, 2 s elapsed, ETA 18 s');
    expect(lines.at(-1)).toBe('riskgate calibrate: 20 of 20 files blamed, 20 s elapsed');
  });
});
