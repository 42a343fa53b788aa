// The header of one `diff --git` section, read as git's parse_git_diff_header reads it: the
// extended lines between `diff --git` and the first hunk, each known by its prefix. The first
// line git does not know ends the header (a hunk, a binary marker, or anything else).
import { DiffInputError } from './diff-input-error.js';
import { findName, gitHeaderName, isDevNull } from './read-header-name.js';
import { quoteForMessage } from './quote-for-message.js';
import type { DiffLines } from './split-diff-lines.js';
import { unquoteCStyle } from './unquote-git-path.js';

export interface GitHeader {
  oldPath?: string;
  newPath?: string;
  isNew: boolean;
  isDelete: boolean;
  isRename: boolean;
  isCopy: boolean;
  similarity?: number;
  oldMode?: string;
  newMode?: string;
  /** Index of the first line after the header. */
  next: number;
}

const HEADER_LINES = [
  '--- ', '+++ ', 'old mode ', 'new mode ', 'deleted file mode ', 'new file mode ', 'copy from ', 'copy to ',
  'rename old ', 'rename new ', 'rename from ', 'rename to ', 'similarity index ', 'dissimilarity index ', 'index ',
] as const;

type HeaderLine = (typeof HEADER_LINES)[number];

function headerLineKind(line: string): HeaderLine | undefined {
  return HEADER_LINES.find((prefix) => line.startsWith(prefix));
}

/**
 * Reads the header whose `diff --git` line is line `start`. Returns undefined when no header
 * line follows it: git does not take such a line as the start of a file.
 */
export function readGitHeader(lines: DiffLines, start: number): GitHeader | undefined {
  let end = start + 1;
  while (end < lines.length && headerLineKind(lines.line(end)) !== undefined) end++;
  if (end === start + 1) return undefined;

  const rest = lines.line(start).slice('diff --git '.length);
  const strip = leadingComponents(rest, lines, start + 1, end);
  const defaultName = gitHeaderName(rest, strip);
  const header: GitHeader = { isNew: false, isDelete: false, isRename: false, isCopy: false, next: end };
  const fail = (at: number, what: string): never => {
    throw new DiffInputError(`line ${at + 1}: ${what} (git apply rejects this diff too)`, at + 1);
  };
  // rename/copy lines carry names without the a/ b/ prefixes.
  const renameStrip = Math.max(strip - 1, 0);

  for (let at = start + 1; at < end; at++) {
    const line = lines.line(at);
    const kind = headerLineKind(line)!;
    const value = line.slice(kind.length);
    switch (kind) {
      case '--- ':
      case '+++ ': {
        const side = kind === '--- ' ? 'oldPath' : 'newPath';
        const absent = kind === '--- ' ? header.isNew : header.isDelete;
        const known = header[side];
        if (known === undefined && !absent) {
          const name = findName(value, strip, 'tab');
          if (name !== undefined) header[side] = name;
        } else if (known !== undefined) {
          if (absent) fail(at, `expected /dev/null, got ${quoteForMessage(known)}`);
          if (findName(value, strip, 'tab') !== known) fail(at, `inconsistent ${kind === '--- ' ? 'old' : 'new'} file name`);
        } else if (!isDevNull(value)) {
          fail(at, 'expected /dev/null');
        }
        break;
      }
      case 'old mode ':
        header.oldMode = value;
        break;
      case 'new mode ':
        header.newMode = value;
        break;
      case 'deleted file mode ':
        header.isDelete = true;
        setName(header, 'oldPath', defaultName);
        header.oldMode = value;
        break;
      case 'new file mode ':
        header.isNew = true;
        setName(header, 'newPath', defaultName);
        header.newMode = value;
        break;
      case 'copy from ':
      case 'copy to ':
        header.isCopy = true;
        setName(header, kind === 'copy from ' ? 'oldPath' : 'newPath', findName(value, renameStrip, 'line'));
        break;
      case 'rename old ':
      case 'rename from ':
      case 'rename new ':
      case 'rename to ':
        header.isRename = true;
        setName(header, kind === 'rename old ' || kind === 'rename from ' ? 'oldPath' : 'newPath', findName(value, renameStrip, 'line'));
        break;
      case 'similarity index ': {
        const similarity = Number.parseInt(value, 10);
        if (similarity >= 0 && similarity <= 100) header.similarity = similarity;
        break;
      }
      case 'dissimilarity index ':
      case 'index ':
        break;
    }
    const kinds = Number(header.isNew) + Number(header.isDelete) + Number(header.isRename) + Number(header.isCopy);
    if (kinds > 1) fail(at, 'inconsistent header lines: a file cannot be more than one of new, deleted, renamed and copied');
  }

  if (header.oldPath === undefined && header.newPath === undefined) {
    if (defaultName === undefined) fail(start, 'the git diff header names no file');
    header.oldPath = defaultName;
    header.newPath = defaultName;
  }
  if ((header.newPath === undefined && !header.isDelete) || (header.oldPath === undefined && !header.isNew)) {
    fail(start, 'the git diff header lacks a file name');
  }
  return header;
}

function setName(header: GitHeader, side: 'oldPath' | 'newPath', name: string | undefined): void {
  if (name === undefined) delete header[side];
  else header[side] = name;
}

/**
 * How many leading components (git's -p) the names carry: 1 for git's `a/` and `b/`. A diff made
 * with diff.noprefix names the same path on both sides of the `diff --git` line (or starts it with
 * the `rename from` name); git apply would still drop a component and read `src/x.ts` as `x.ts`,
 * which would change the file's kind, so nothing is dropped then.
 */
function leadingComponents(rest: string, lines: DiffLines, from: number, to: number): 0 | 1 {
  if (gitHeaderName(rest, 0) !== undefined) return 0;
  for (let at = from; at < to; at++) {
    const line = lines.line(at);
    const prefix = ['rename from ', 'rename old ', 'copy from '].find((p) => line.startsWith(p));
    if (prefix === undefined) continue;
    const source = findName(line.slice(prefix.length), 0, 'line');
    if (source === undefined) return 1;
    const first = rest.startsWith('"') ? unquoteCStyle(rest)?.name : rest.startsWith(`${source} `) ? source : undefined;
    return first === source ? 0 : 1;
  }
  return 1;
}
