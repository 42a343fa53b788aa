import { describe, expect, it } from 'vitest';
import { isBlankOrComment } from '../../src/history/comment-lines.js';

describe('isBlankOrComment', () => {
  const table: Array<[path: string, text: string, skipped: boolean]> = [
    // Blank lines, in any file.
    ['src/a.c', '', true],
    ['src/a.c', ' \t ', true],
    ['notes.txt', '   ', true],
    ['notes.txt', '# heading', false], // no comment syntax known: code
    // C-like.
    ['src/a.c', '// note', true],
    ['src/a.c', '  /* open', true],
    ['src/a.c', ' * middle of a block', true],
    ['src/a.c', ' *', true],
    ['src/a.c', ' */', true],
    ['src/a.c', '*ptr = 0;', false],
    ['src/a.c', '*p++ = c;', false],
    ['src/a.c', '#include <stdio.h>', false],
    ['src/a.c', '#define MAX 10', false],
    ['src/a.c', 'x = y / 2; // halve', false],
    ['src/Main.java', '/** Javadoc. */', true],
    ['src/app.ts', '  // TODO', true],
    ['src/app.tsx', 'const a = b * c;', false],
    ['src/main.go', 'x := *p', false],
    ['src/App.KT', '// upper-case extension', true],
    // Hash.
    ['tool.py', '# comment', true],
    ['tool.py', '    # indented comment', true],
    ['tool.py', 'x = 1  # trailing comment is code', false],
    ['tool.py', '#!/usr/bin/env python3', false],
    ['TOOL.PY', '# upper-case extension', true],
    ['ci.yml', '# comment', true],
    ['run.sh', '#!/bin/sh', false],
    ['Makefile', '# comment', true],
    ['build/Dockerfile', '# comment', true],
    ['build/Dockerfile', 'RUN make', false],
    ['MyMakefile', '# not a Makefile', false],
    // Dash-dash.
    ['schema.sql', '-- comment', true],
    ['schema.sql', 'SELECT 1 -- trailing', false],
    ['init.lua', '--[[ block', true],
    // XML-like.
    ['pom.xml', '<!-- comment -->', true],
    ['pom.xml', '  -->', true],
    ['pom.xml', '<version>1</version>', false],
    ['page.html', '<!-- note', true],
    ['view.vue', '<template>', false],
  ];

  it.each(table)('%s: %j -> %s', (path, text, skipped) => {
    expect(isBlankOrComment(path, text)).toBe(skipped);
  });
});
