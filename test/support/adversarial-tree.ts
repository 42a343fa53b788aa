// Random file trees and edits for property tests of the diff reader: names and lines chosen to
// look like diff syntax, or to hold characters that some readers take for line breaks.
import type { Hunk } from '../../src/diff/diff-file.js';

export type Random = () => number;

export interface TextFile {
  lines: string[];
  crlf: boolean;
  /** The last line ends with a newline. */
  finalNewline: boolean;
  executable: boolean;
}

export interface BinaryFile {
  bytes: Buffer;
  executable: boolean;
}

export type TreeFile = TextFile | BinaryFile;
export type Tree = Map<string, TreeFile>;

/** Lines that look like diff headers, hunk headers or markers, or hold U+2028/U+2029/U+0085/CR. */
export const ADVERSARIAL_LINES: readonly string[] = [
  '-- x', '++ y', '-- ', '++ ', '--- a/evil.ts', '+++ b/evil.ts', '--- /dev/null', '+++ /dev/null', '---', '+++', '-', '+',
  '@@ -1 +1 @@', '@@ -1,3 +1,3 @@ fn', '@@@ -1 -1 +1 @@@', 'diff --git a/evil b/evil', 'diff --cc evil', 'diff -ruN pa/x pb/x',
  'index 0000000..1111111 100644', 'new file mode 100644', 'deleted file mode 100644', 'rename from x', 'rename to y',
  'similarity index 90%', 'Binary files a/x and b/x differ', 'GIT binary patch', 'literal 0', '\\ No newline at end of file',
  '', ' ', '\t', 'x\u2028--- y', '\u2028+++ z', 'a\u2029diff --git a/e b/e', 'p\u0085@@ -1 +1 @@', '\u2028@@ -1 +1 @@',
  'r\rdiff --git a/f b/f', 'trailing cr\r', '\r', '\r\r', 'ends\u2028', '"quoted"', 'tab\there', 'café ☕', '👍',
  'eval(payload); // \u2029--- a/x',
];

const WORDS: readonly string[] = ['const total = items.length;', 'return value;', '}', 'if (user) {', 'import a from "b";', '  x += 1;', '// note'];

/** Path components: spaces, tabs, quotes, backslashes, non-ASCII, header look-alikes. */
export const NAME_PARTS: readonly string[] = [
  'x', 'a', 'b', 'c', 'src', 'lib', 'a b', 'x b', 'b c', 'tab\tname', 'trail ', ' lead', 'two  spaces', 'quo"te', 'back\\slash',
  'tést', 'naïve', '日本', 'ünï ', 'q.ts', 'README.md', '--- x', '+++ y', '@@ -1 +1 @@', 'diff --git a b', 'new\nline', 'cr\rx',
  'ls\u2028', 'e\u0085', 'x.orig', 'dev', 'null', '"', '.github', 'workflows', '-', 'x\t2026-01-01 00:00:00',
  'y 2026-01-01 00:00:00.000000000 +0000', 'b\\303\\251',
];

export function pick<T>(random: Random, items: readonly T[]): T {
  return items[Math.floor(random() * items.length)]!;
}

function randomLine(random: Random): string {
  return random() < 0.5 ? pick(random, ADVERSARIAL_LINES) : pick(random, WORDS);
}

function randomLines(random: Random, count: number): string[] {
  return Array.from({ length: count }, () => randomLine(random));
}

/** A path that neither repeats a file nor runs through one (a file cannot also be a directory). */
export function freshPath(random: Random, taken: Iterable<string>, parts: readonly string[] = NAME_PARTS, maxDepth = 3): string {
  const existing = [...taken];
  for (;;) {
    const depth = 1 + Math.floor(random() * maxDepth);
    const path = Array.from({ length: depth }, () => pick(random, parts)).join('/');
    const clash = existing.some((p) => p === path || p.startsWith(`${path}/`) || path.startsWith(`${p}/`));
    if (!clash) return path;
  }
}

function textFile(random: Random, lineCount: number): TextFile {
  return { lines: randomLines(random, lineCount), crlf: random() < 0.2, finalNewline: random() < 0.8, executable: false };
}

export function randomTree(random: Random, fileCount: number, parts?: readonly string[], maxDepth?: number): Tree {
  const tree: Tree = new Map();
  for (let i = 0; i < fileCount; i++) {
    const path = freshPath(random, tree.keys(), parts, maxDepth);
    if (random() < 0.05) tree.set(path, { bytes: Buffer.from([0, ...Array.from({ length: 8 }, () => Math.floor(random() * 256))]), executable: false });
    else tree.set(path, textFile(random, random() < 0.3 ? 12 + Math.floor(random() * 8) : Math.floor(random() * 8)));
  }
  return tree;
}

export function isText(file: TreeFile): file is TextFile {
  return 'lines' in file;
}

function editLines(random: Random, file: TextFile): TextFile {
  const lines = [...file.lines];
  const edits = 1 + Math.floor(random() * 3);
  for (let e = 0; e < edits; e++) {
    const at = Math.floor(random() * (lines.length + 1));
    const op = random();
    if (op < 0.35 && at < lines.length) lines[at] = randomLine(random);
    else if (op < 0.7) lines.splice(at, 0, ...randomLines(random, 1 + Math.floor(random() * 3)));
    else if (at < lines.length) lines.splice(at, 1);
  }
  return {
    ...file,
    lines,
    finalNewline: random() < 0.15 ? !file.finalNewline : file.finalNewline,
    crlf: random() < 0.05 ? !file.crlf : file.crlf,
  };
}

/** What a pull request might do to a tree: edits, deletions, renames, copies, mode changes, new files. */
export function changeTree(random: Random, base: Tree, options: { renames: boolean }): Tree {
  const head: Tree = new Map(base);
  for (const [path, file] of base) {
    const op = random();
    if (op < 0.4) continue;
    if (op < 0.7) {
      if (isText(file)) head.set(path, editLines(random, file));
      else head.set(path, { ...file, bytes: Buffer.concat([file.bytes, Buffer.from([Math.floor(random() * 256)])]) });
    } else if (op < 0.78) {
      head.delete(path);
    } else if (op < 0.88 && options.renames) {
      head.delete(path);
      const to = freshPath(random, [...head.keys(), ...base.keys()]);
      head.set(to, isText(file) && random() < 0.5 ? editLines(random, file) : file);
    } else if (op < 0.93 && options.renames && isText(file)) {
      // git finds a copy when its source changes in the same commit.
      head.set(freshPath(random, [...head.keys(), ...base.keys()]), file);
      head.set(path, editLines(random, file));
    } else {
      head.set(path, { ...file, executable: !file.executable });
    }
  }
  const added = Math.floor(random() * 3);
  for (let i = 0; i < added; i++) {
    const path = freshPath(random, [...head.keys(), ...base.keys()]);
    head.set(path, textFile(random, Math.floor(random() * 6)));
  }
  return head;
}

export function fileBytes(file: TreeFile): Buffer {
  if (!isText(file)) return file.bytes;
  const eol = file.crlf ? '\r\n' : '\n';
  const body = file.lines.join(eol);
  return Buffer.from(file.lines.length > 0 && file.finalNewline ? `${body}${eol}` : body, 'utf8');
}

/**
 * A file's lines as a diff shows them once the reader has turned CRLF into LF: every line of
 * the file is followed by "\n" in the diff (the last one too, before "\ No newline"), so exactly
 * one CR at the end of each line goes.
 */
export function linesAsRead(file: TreeFile | undefined): string[] {
  if (!file || !isText(file)) return [];
  const text = fileBytes(file).toString('utf8');
  const lines = text.split('\n');
  if (lines.at(-1) === '') lines.pop();
  return lines.map((l) => (l.endsWith('\r') ? l.slice(0, -1) : l));
}

/** Applies hunks to old lines; returns the new lines, or why the hunks do not fit the old lines. */
export function applyHunks(old: readonly string[], hunks: readonly Hunk[]): string[] | string {
  const out: string[] = [];
  let pos = 0;
  for (const hunk of hunks) {
    const start = hunk.oldLines === 0 ? hunk.oldStart : hunk.oldStart - 1;
    if (start < pos) return `hunk at -${hunk.oldStart} overlaps the one before`;
    while (pos < start) out.push(old[pos++]!);
    for (const line of hunk.lines) {
      if (line.type === 'add') {
        out.push(line.text);
        continue;
      }
      if (old[pos] !== line.text) return `old line ${pos + 1} is ${JSON.stringify(old[pos])}, the hunk says ${JSON.stringify(line.text)}`;
      if (line.type === 'context') out.push(line.text);
      pos++;
    }
  }
  while (pos < old.length) out.push(old[pos++]!);
  return out;
}
