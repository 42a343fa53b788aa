import { describe, expect, it } from 'vitest';
import { enclosingFromFiles, excerptAround, LINES_AROUND_FINDING, MAX_WHOLE_FILE_CHARS } from '../../src/context/enclosing-code.js';

const file = (n: number, width = 10) => `${Array.from({ length: n }, (_, i) => `l${i + 1}`.padEnd(width, '.')).join('\n')}\n`;

describe('excerptAround', () => {
  it('gives a short file whole, numbered', () => {
    expect(excerptAround('a\nb\n', [[2, 2]])).toBe('1 a\n2 b');
  });

  it('gives a long file as windows of 40 lines around each finding, merged when they meet', () => {
    const text = file(3_000, 20);
    expect(text.length).toBeGreaterThan(MAX_WHOLE_FILE_CHARS);
    const out = excerptAround(text, [[100, 100], [150, 151], [2_000, 2_000]]);
    const numbers = out.split('\n').filter((l) => l !== '…').map((l) => Number(l.split(' ')[0]));
    expect(numbers[0]).toBe(100 - LINES_AROUND_FINDING);
    expect(numbers).toContain(125);
    expect(numbers).toContain(151 + LINES_AROUND_FINDING);
    expect(numbers).not.toContain(151 + LINES_AROUND_FINDING + 1);
    expect(numbers).toContain(2_000 - LINES_AROUND_FINDING);
    expect(out.split('\n').filter((l) => l === '…')).toHaveLength(1);
  });
});

describe('enclosingFromFiles', () => {
  it('reads each file once, and a file it cannot read gives nothing', async () => {
    const reads: string[] = [];
    const enclosing = enclosingFromFiles(async (path) => {
      reads.push(path);
      if (path === 'gone.ts') throw new Error('404');
      return 'x\n';
    });
    expect(await enclosing('a.ts', [[1, 1]])).toBe('1 x');
    expect(await enclosing('a.ts', [[1, 1]])).toBe('1 x');
    expect(await enclosing('gone.ts', [[1, 1]])).toBeUndefined();
    expect(reads).toEqual(['a.ts', 'gone.ts']);
  });
});
