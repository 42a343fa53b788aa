import type { Diff, DiffFile, FileStatus, UnseenReason } from './diff-file.js';
import { limitFileLines, totalsOf } from './diff-file.js';
import { DiffInputError } from './diff-input-error.js';
import type { FileClassifier } from './classify-file.js';
import { readHunks } from './read-hunks.js';
import { readQuotedToken, unquoteGitPath } from './unquote-git-path.js';

export interface ParseOptions {
  classify: FileClassifier;
  /** Files with more changed lines than this keep their counts but not their lines. */
  maxFileLines: number;
}

const SECTION_START = /^diff --(?:git|cc|combined) /gm;
const HUNK_OR_BODY = /^(?:@@|--- |\+\+\+ |Binary files |GIT binary patch)/;

/**
 * Parses `git diff` / `git show` output (or a plain `diff -u`) into riskgate's diff model.
 * parse-diff reads the hunks; the git headers it ignores or misreads (renames, copies, binary
 * markers, modes, quoted paths, combined diffs) are read here, one file section at a time.
 */
export function parseUnifiedDiff(input: string, options: ParseOptions): Diff {
  if (input.trim() === '') throw new DiffInputError('the input is empty: expected a unified diff');
  if (input.includes('\u0000')) {
    throw new DiffInputError('the input is binary data (it contains NUL bytes), not a unified diff');
  }
  // parse-diff's header patterns fail on CRLF and swallow the rest of the diff into one file.
  const text = input.includes('\r\n') ? input.replace(/\r\n/g, '\n') : input;

  const starts = sectionStarts(text);
  const warnings: string[] = [];
  let files: DiffFile[];
  if (starts.length === 0) {
    files = parsePlainDiff(text, options);
  } else {
    files = [];
    for (let i = 0; i < starts.length; i++) {
      const end = i + 1 < starts.length ? starts[i + 1]! : text.length;
      const file = parseGitSection(text.slice(starts[i], end), options);
      if (file.unseen === 'combined-merge-diff') {
        warnings.push(
          `${file.path}: combined merge diff (diff --cc) cannot be analysed; diff the merge against one parent instead`,
        );
      }
      files.push(file);
    }
  }
  const totals = totalsOf(files);
  return { files, additions: totals.additions, deletions: totals.deletions, warnings };
}

function sectionStarts(text: string): number[] {
  const starts: number[] = [];
  SECTION_START.lastIndex = 0;
  for (let m = SECTION_START.exec(text); m; m = SECTION_START.exec(text)) starts.push(m.index);
  return starts;
}

interface GitHeaders {
  oldPath?: string;
  newPath?: string;
  status?: FileStatus;
  similarity?: number;
  oldMode?: string;
  newMode?: string;
  binary: boolean;
}

function parseGitSection(section: string, options: ParseOptions): DiffFile {
  const body = section.endsWith('\n') ? section.slice(0, -1) : section;
  const firstBreak = body.indexOf('\n');
  const firstLine = firstBreak === -1 ? body : body.slice(0, firstBreak);

  if (!firstLine.startsWith('diff --git ')) {
    const path = unquoteGitPath(firstLine.replace(/^diff --(?:cc|combined) /, ''));
    return finish(options, { path, status: 'modified', binary: false, unseen: 'combined-merge-diff' });
  }

  const headers = readGitHeaders(body, firstBreak);
  const [fromLine, toLine] = pathsFromDiffGitLine(firstLine.slice('diff --git '.length));
  const oldPath = headers.oldPath ?? fromLine;
  const newPath = headers.newPath ?? toLine;

  const status: FileStatus =
    headers.status ?? (headers.oldMode !== undefined && headers.newMode !== undefined ? 'mode-changed' : 'modified');
  const path = status === 'deleted' ? (oldPath ?? newPath) : (newPath ?? oldPath);
  if (path === undefined) throw new DiffInputError(`cannot read the file paths of "${firstLine}"`);

  const reading = headers.binary ? undefined : readHunks(body);
  const file: Omit<DiffFile, 'kind'> = {
    path,
    status: status === 'mode-changed' && reading && reading.hunks.length > 0 ? 'modified' : status,
    binary: headers.binary,
    additions: reading?.additions ?? 0,
    deletions: reading?.deletions ?? 0,
    hunks: reading?.hunks ?? [],
  };
  if ((status === 'renamed' || status === 'copied') && oldPath !== undefined) file.previousPath = oldPath;
  if (headers.similarity !== undefined) file.similarity = headers.similarity;
  if (headers.oldMode !== undefined) file.oldMode = headers.oldMode;
  if (headers.newMode !== undefined) file.newMode = headers.newMode;
  if (headers.binary) file.unseen = 'binary';
  else if (reading?.truncated) file.unseen = 'truncated-patch';
  return finish(options, file);
}

function finish(options: ParseOptions, file: Omit<DiffFile, 'kind' | 'additions' | 'deletions' | 'hunks'> &
  Partial<Pick<DiffFile, 'additions' | 'deletions' | 'hunks'>>): DiffFile {
  const { kind, language } = options.classify(file.path);
  const result: DiffFile = { additions: 0, deletions: 0, hunks: [], ...file, kind };
  if (language !== undefined) result.language = language;
  return limitFileLines(result, options.maxFileLines);
}

/** Reads git's extended header lines, which sit between `diff --git` and the first hunk. */
function readGitHeaders(body: string, firstBreak: number): GitHeaders {
  const headers: GitHeaders = { binary: false };
  let pos = firstBreak === -1 ? body.length : firstBreak + 1;
  while (pos < body.length) {
    const nextBreak = body.indexOf('\n', pos);
    const line = body.slice(pos, nextBreak === -1 ? body.length : nextBreak);
    pos = nextBreak === -1 ? body.length : nextBreak + 1;
    if (line.startsWith('Binary files ') || line === 'GIT binary patch') {
      headers.binary = true;
      break;
    }
    if (line.startsWith('--- ')) {
      const oldPath = pathFromMarkerLine(line.slice(4));
      if (oldPath !== undefined) headers.oldPath ??= oldPath;
      continue;
    }
    if (line.startsWith('+++ ')) {
      const newPath = pathFromMarkerLine(line.slice(4));
      if (newPath !== undefined) headers.newPath ??= newPath;
      continue;
    }
    if (HUNK_OR_BODY.test(line)) break;
    readExtendedHeader(line, headers);
  }
  return headers;
}

function readExtendedHeader(line: string, headers: GitHeaders): void {
  const match = /^(old mode|new mode|deleted file mode|new file mode|similarity index|rename from|rename to|copy from|copy to) (.*)$/.exec(line);
  if (!match) return;
  const [, key, value = ''] = match;
  switch (key) {
    case 'old mode':
      headers.oldMode = value;
      break;
    case 'new mode':
      headers.newMode = value;
      break;
    case 'deleted file mode':
      headers.status = 'deleted';
      headers.oldMode = value;
      break;
    case 'new file mode':
      headers.status = 'added';
      headers.newMode = value;
      break;
    case 'similarity index':
      headers.similarity = Number.parseInt(value, 10);
      break;
    case 'rename from':
      headers.status = 'renamed';
      headers.oldPath = unquoteGitPath(value);
      break;
    case 'rename to':
      headers.newPath = unquoteGitPath(value);
      break;
    case 'copy from':
      headers.status = 'copied';
      headers.oldPath = unquoteGitPath(value);
      break;
    case 'copy to':
      headers.newPath = unquoteGitPath(value);
      break;
  }
}

/** `a/path`, `"a/t\303\251st"` or `/dev/null`, as on `---` / `+++` lines. */
function pathFromMarkerLine(raw: string): string | undefined {
  // git appends a tab to names that contain spaces, and `diff -u` a timestamp after a tab.
  const value = raw.includes('\t') ? raw.slice(0, raw.indexOf('\t')) : raw;
  if (value === '/dev/null') return undefined;
  return stripPrefix(unquoteGitPath(value));
}

function stripPrefix(path: string): string {
  return /^[abciwo12]\//.test(path) ? path.slice(2) : path;
}

/**
 * The two paths of `diff --git a/x b/y`. Unquoted paths may contain spaces, so when both sides
 * are the same path (every case but renames and copies, whose headers name the paths) the line is
 * split in the middle.
 */
function pathsFromDiffGitLine(rest: string): [string | undefined, string | undefined] {
  const quoted = readQuotedToken(rest);
  if (quoted) {
    const second = quoted.rest.trimStart();
    return [stripPrefix(unquoteGitPath(quoted.token)), stripPrefix(unquoteGitPath(second))];
  }
  const quotedSecond = rest.indexOf(' "');
  if (quotedSecond !== -1 && rest.endsWith('"')) {
    return [stripPrefix(rest.slice(0, quotedSecond)), stripPrefix(unquoteGitPath(rest.slice(quotedSecond + 1)))];
  }
  if ((rest.length - 1) % 2 === 0) {
    const half = (rest.length - 1) / 2;
    const a = rest.slice(0, half);
    const b = rest.slice(half + 1);
    if (rest[half] === ' ' && stripPrefix(a) === stripPrefix(b)) return [stripPrefix(a), stripPrefix(b)];
  }
  const split = rest.indexOf(' b/');
  if (split !== -1) return [stripPrefix(rest.slice(0, split)), stripPrefix(rest.slice(split + 1))];
  return [undefined, undefined];
}

/** A diff without `diff --git` lines: `diff -u`, `svn diff` and similar. */
function parsePlainDiff(text: string, options: ParseOptions): DiffFile[] {
  const starts: number[] = [];
  const marker = /^--- .*\n\+\+\+ /gm;
  for (let m = marker.exec(text); m; m = marker.exec(text)) starts.push(m.index);
  if (starts.length === 0 || !/^@@ -\d/m.test(text)) {
    throw new DiffInputError('the input is not a unified diff: no "diff --git" or "---"/"+++" file headers found');
  }
  return starts.map((start, i) => {
    const section = text.slice(start, starts[i + 1] ?? text.length);
    const [minusLine = '', plusLine = ''] = section.split('\n', 2);
    const oldPath = pathFromMarkerLine(minusLine.slice(4));
    const newPath = pathFromMarkerLine(plusLine.slice(4));
    const path = newPath ?? oldPath;
    if (path === undefined) throw new DiffInputError(`cannot read the file paths of "${minusLine}"`);
    const status: FileStatus = oldPath === undefined ? 'added' : newPath === undefined ? 'deleted' : 'modified';
    const reading = readHunks(section.endsWith('\n') ? section.slice(0, -1) : section);
    const unseen: UnseenReason | undefined = reading.truncated ? 'truncated-patch' : undefined;
    return finish(options, {
      path,
      status,
      binary: false,
      additions: reading.additions,
      deletions: reading.deletions,
      hunks: reading.hunks,
      ...(unseen ? { unseen } : {}),
    });
  });
}
