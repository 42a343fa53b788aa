// Deterministic synthetic diffs for benchmarks: source-like lines spread over files and
// directories, with a few hunks per file, close to what real pull requests look like.

import { mulberry32 } from '../test/support/mulberry32.js';

const WORDS = ['user', 'order', 'value', 'result', 'config', 'request', 'items', 'count', 'total', 'handler', 'cache', 'index'];

function codeLine(random: () => number): string {
  const w = () => WORDS[Math.floor(random() * WORDS.length)]!;
  switch (Math.floor(random() * 5)) {
    case 0:
      return `  const ${w()}${Math.floor(random() * 100)} = ${w()}.${w()}(${w()}, ${Math.floor(random() * 1000)});`;
    case 1:
      return `  if (${w()}.${w()} > ${Math.floor(random() * 50)}) return ${w()};`;
    case 2:
      return `  // ${w()} ${w()} ${w()} before ${w()}`;
    case 3:
      return `  await this.${w()}.${w()}({ ${w()}: ${w()}, ${w()}: ${w()} });`;
    default:
      return `  }`;
  }
}

/** A git-style diff of about `targetBytes`, deterministic for a given seed. */
export function generateDiff(targetBytes: number, seed = 1): string {
  const random = mulberry32(seed);
  const parts: string[] = [];
  let size = 0;
  for (let file = 0; size < targetBytes; file++) {
    const path = `src/module${file % 37}/part${Math.floor(file / 37)}/file${file}.ts`;
    const header = `diff --git a/${path} b/${path}\nindex 1234567..89abcde 100644\n--- a/${path}\n+++ b/${path}\n`;
    parts.push(header);
    size += header.length;
    let newLine = 1;
    for (let hunk = 0; hunk < 3 && size < targetBytes; hunk++) {
      const context = 3;
      const added = 5 + Math.floor(random() * 40);
      const deleted = Math.floor(random() * 10);
      const lines: string[] = [];
      for (let i = 0; i < context; i++) lines.push(` ${codeLine(random)}`);
      for (let i = 0; i < deleted; i++) lines.push(`-${codeLine(random)}`);
      for (let i = 0; i < added; i++) lines.push(`+${codeLine(random)}`);
      for (let i = 0; i < context; i++) lines.push(` ${codeLine(random)}`);
      const body = `@@ -${newLine},${context * 2 + deleted} +${newLine},${context * 2 + added} @@ function f${hunk}() {\n${lines.join('\n')}\n`;
      parts.push(body);
      size += body.length;
      newLine += context * 2 + added + 20;
    }
  }
  return parts.join('');
}
