import type { Diff, DiffFile, FileStatus } from './diff-file.js';
import { limitFileLines, totalsOf } from './diff-file.js';
import { DiffInputError } from './diff-input-error.js';
import type { FileClassifier } from './classify-file.js';
import { readGitHeader } from './read-git-header.js';
import { findNameTraditional, hasEpochTimestamp, isDevNull } from './read-header-name.js';
import { parseHunkHeader, readHunks, type HunkReading } from './read-hunks.js';
import { quoteForMessage } from './quote-for-message.js';
import { DiffLines } from './split-diff-lines.js';
import { unquoteGitPath } from './unquote-git-path.js';

export interface ParseOptions {
  classify: FileClassifier;
  /** Files with more changed lines than this keep their counts but not their lines. */
  maxFileLines: number;
}

type FileDraft = Omit<DiffFile, 'kind'>;

/**
 * Parses `git diff` / `git show` / `git format-patch` output, or a plain `diff -u` / `diff -ruN`,
 * into riskgate's diff model, reading it the way `git apply` does so that files, paths and counts
 * equal `git apply --numstat`: lines split on "\n" only; a file starts only at a real header
 * (`diff --git` with its extended lines, or `---` + `+++` + `@@`) met outside a hunk; a hunk
 * ends when its `@@` counts are used up, so no line inside it can start a file; text around the
 * files (commit messages, `diff -r` lines) is skipped. Where git rejects a diff, this either reads
 * it the same way or throws DiffInputError naming the line; it never invents a file.
 */
export function parseUnifiedDiff(input: string, options: ParseOptions): Diff {
  if (input.trim() === '') throw new DiffInputError('the input is empty: expected a unified diff');
  if (input.includes('\u0000')) {
    throw new DiffInputError('the input is binary data (it contains NUL bytes), not a unified diff');
  }
  const lines = new DiffLines(input);
  try {
    return readDiff(lines, lines.length, options);
  } catch (error) {
    return readCutDiff(lines, input, options, error);
  }
}

// A file's header is at most this many lines (diff --git, two mode lines or a similarity and
// two rename lines, index, ---, +++): a diff cut off inside one loses no more than this.
const MAX_HEADER_LINES = 7;

/**
 * A diff cut off mid-line at its end (a size limit, a broken pipe) often stops inside a file's
 * header or a hunk header, which git rejects. riskgate then reads the files before the cut and
 * reports the last one as a truncated patch (unseen: it raises the score), rather than refusing
 * the whole change. It drops only the cut header's lines, never a complete hunk header: a hunk
 * whose counts run into the next file, or any problem before the last lines, is still an error.
 */
function readCutDiff(lines: DiffLines, input: string, options: ParseOptions, error: unknown): Diff {
  const cutMidLine = !input.endsWith('\n');
  if (!(error instanceof DiffInputError) || !cutMidLine || error.line === undefined || error.line <= lines.length - MAX_HEADER_LINES) throw error;
  for (let end = lines.length - 1; end >= Math.max(1, lines.length - MAX_HEADER_LINES); end--) {
    if (parseHunkHeader(lines.line(end))) break;
    let diff: Diff;
    try {
      diff = readDiff(lines, end, options);
    } catch {
      continue;
    }
    const last = diff.files.at(-1)!;
    if (last.unseen === undefined) last.unseen = 'truncated-patch';
    diff.warnings.push(`the input ends inside ${quoteForMessage(last.path)} (${error.message}); its change is counted as a truncated patch`);
    return diff;
  }
  throw error;
}

/** The diff in the first `end` lines. */
function readDiff(whole: DiffLines, end: number, options: ParseOptions): Diff {
  const lines = end === whole.length ? whole : whole.head(end);
  const files: DiffFile[] = [];
  const binaryLines = new CappedWarnings('lines name binary files of a plain diff');
  const strayLines = new CappedWarnings('files have lines beyond their last hunk');
  const combined = new CappedWarnings('files are combined merge diffs');
  let at = 0;
  while (at < lines.length) {
    const section = readSectionAt(lines, at);
    if (!section) {
      const line = lines.line(at);
      if (isBinaryMarker(line)) {
        binaryLines.add(`line ${at + 1}: ${quoteForMessage(line)} outside a git diff section: a plain diff holds no content for a binary file, so it is not counted (git apply skips it too)`);
      }
      at++;
      continue;
    }
    const file = finish(options, section.file);
    if (file.unseen === 'combined-merge-diff') {
      combined.add(`${quoteForMessage(file.path)}: combined merge diff (diff --cc) cannot be analysed; diff the merge against one parent instead`);
    }
    if (section.file.hunks.length > 0 && section.next < lines.length && isStrayChangeLine(lines, section.next)) {
      strayLines.add(
        `${quoteForMessage(file.path)}: line ${section.next + 1} follows the last hunk but is outside its @@ counts, so it is not part of the change (git apply does not read it either)`,
      );
    }
    files.push(file);
    at = section.next;
  }
  if (files.length === 0) {
    throw new DiffInputError('the input is not a unified diff: no "diff --git" or "---"/"+++" file headers found');
  }
  const totals = totalsOf(files);
  const warnings = [...combined.list(), ...binaryLines.list(), ...strayLines.list()];
  return { files, additions: totals.additions, deletions: totals.deletions, warnings };
}

// A crafted diff could repeat a warning on every line; the first few say enough.
const WARNINGS_OF_A_KIND = 10;

class CappedWarnings {
  private readonly shown: string[] = [];
  private more = 0;
  constructor(private readonly what: string) {}

  add(warning: string): void {
    if (this.shown.length < WARNINGS_OF_A_KIND) this.shown.push(warning);
    else this.more++;
  }

  list(): string[] {
    return this.more > 0 ? [...this.shown, `${this.more} more ${this.what}`] : this.shown;
  }
}

interface Section {
  file: FileDraft;
  /** Index of the first line after the section. */
  next: number;
}

/** The file section that starts at line `at`, if one does (git's find_header). */
function readSectionAt(lines: DiffLines, at: number): Section | undefined {
  const line = lines.line(at);
  // git skips lines shorter than 6 bytes with their newline: none of them starts a file.
  if (line.length < 5) return undefined;
  if (line.startsWith('diff --git ') && at + 1 < lines.length) return readGitSection(lines, at);
  if (line.startsWith('diff --cc ') || line.startsWith('diff --combined ')) {
    // git apply cannot read a combined diff; its lines (two prefix columns, `@@@` hunks) can
    // neither start a file nor a hunk, so the scan goes on from the next line.
    const path = unquoteGitPath(line.replace(/^diff --(?:cc|combined) /, ''));
    return { file: { path, status: 'modified', binary: false, additions: 0, deletions: 0, hunks: [], unseen: 'combined-merge-diff' }, next: at + 1 };
  }
  if (startsPlainSection(lines, at, line)) return readPlainSection(lines, at);
  if (line.startsWith('@@ -') && parseHunkHeader(line)) {
    throw new DiffInputError(`line ${at + 1}: a hunk outside any file section (${quoteForMessage(line, 80)}); the diff is cut or corrupt (git apply rejects it too)`, at + 1);
  }
  return undefined;
}

function startsPlainSection(lines: DiffLines, at: number, line = lines.line(at)): boolean {
  return line.startsWith('--- ') && at + 2 < lines.length && lines.line(at + 1).startsWith('+++ ') && lines.line(at + 2).startsWith('@@ -');
}

/**
 * A line right after a file's last hunk that looks like a change line: the hunk's counts are
 * smaller than its lines. (`-- ` opens git format-patch's signature.)
 */
function isStrayChangeLine(lines: DiffLines, at: number): boolean {
  const line = lines.line(at);
  if (line === '-- ' || startsPlainSection(lines, at, line)) return false;
  return line.startsWith('+') || line.startsWith('-') || (line.startsWith(' ') && line.length > 1);
}

/** `Binary files A and B differ` (git, diff -r) or `Files A and B differ` (diff -q). */
function isBinaryMarker(line: string): boolean {
  return (line.startsWith('Binary files ') || line.startsWith('Files ')) && line.endsWith(' differ');
}

function readGitSection(lines: DiffLines, at: number): Section | undefined {
  const header = readGitHeader(lines, at);
  if (!header) return undefined;
  const status: FileStatus = header.isNew
    ? 'added'
    : header.isDelete
      ? 'deleted'
      : header.isRename
        ? 'renamed'
        : header.isCopy
          ? 'copied'
          : header.oldMode !== undefined && header.newMode !== undefined
            ? 'mode-changed'
            : 'modified';
  // The path git apply --numstat prints: the new name, or the old one for a deletion.
  const path = (header.newPath ?? header.oldPath)!;
  const file: FileDraft = { path, status, binary: false, additions: 0, deletions: 0, hunks: [] };
  if ((status === 'renamed' || status === 'copied') && header.oldPath !== undefined) file.previousPath = header.oldPath;
  if (header.similarity !== undefined) file.similarity = header.similarity;
  if (header.oldMode !== undefined) file.oldMode = header.oldMode;
  if (header.newMode !== undefined) file.newMode = header.newMode;

  const body = header.next < lines.length ? lines.line(header.next) : undefined;
  if (body !== undefined && (body === 'GIT binary patch' || isBinaryMarker(body))) {
    // The base-85 lines of a binary patch start with a letter: none can pose as a header.
    file.binary = true;
    file.unseen = 'binary';
    return { file, next: header.next + 1 };
  }
  if (body === undefined || !body.startsWith('@@ -')) return { file, next: header.next };
  const reading = readSectionHunks(lines, header.next, header.isNew, header.isDelete, path);
  if (status === 'mode-changed' && reading.hunks.length > 0) file.status = 'modified';
  return { file: withHunks(file, reading), next: reading.next };
}

/**
 * `---` + `+++` + `@@` without a `diff --git` line (`diff -u`, `diff -ruN`, svn, hg): one name
 * for both sides, as git apply reads it. The names may end in a timestamp after a tab or spaces,
 * and GNU diff marks a missing side with the epoch as its time.
 */
function readPlainSection(lines: DiffLines, at: number): Section {
  const oldValue = lines.line(at).slice(4);
  const newValue = lines.line(at + 1).slice(4);
  const oldMissing = isDevNull(oldValue);
  const newMissing = isDevNull(newValue);
  const strip = plainLeadingComponents(oldMissing ? undefined : oldValue, newMissing ? undefined : newValue);
  let path: string | undefined;
  let status: FileStatus = 'modified';
  if (oldMissing) {
    status = 'added';
    path = findNameTraditional(newValue, undefined, strip);
  } else if (newMissing) {
    status = 'deleted';
    path = findNameTraditional(oldValue, undefined, strip);
  } else {
    path = findNameTraditional(newValue, findNameTraditional(oldValue, undefined, strip), strip);
    if (hasEpochTimestamp(oldValue)) status = 'added';
    else if (hasEpochTimestamp(newValue)) status = 'deleted';
  }
  if (path === undefined) throw new DiffInputError(`line ${at + 1}: cannot read the file name of ${quoteForMessage(lines.line(at))}`, at + 1);
  const reading = readSectionHunks(lines, at + 2, status === 'added', status === 'deleted', path);
  return { file: withHunks({ path, status, binary: false, additions: 0, deletions: 0, hunks: [] }, reading), next: reading.next };
}

/**
 * git drops one leading component (`a/`, `old-tree/`) unless no name has a slash. When both names
 * start with the same component (`src/x.c.orig` and `src/x.c`, svn or hg output made without
 * prefixes) that component is part of the path: git apply would read `x.c` there.
 */
function plainLeadingComponents(oldValue: string | undefined, newValue: string | undefined): number {
  const names = [oldValue, newValue].filter((v): v is string => v !== undefined).map((v) => findNameTraditional(v, undefined, 0));
  const present = names.filter((n): n is string => n !== undefined);
  if (present.every((n) => !n.includes('/'))) return 0;
  if (present.length === 2 && present[0]!.includes('/') && present[0]!.split('/', 1)[0] === present[1]!.split('/', 1)[0]) return 0;
  return 1;
}

function readSectionHunks(lines: DiffLines, at: number, isNew: boolean, isDelete: boolean, path: string): HunkReading {
  const reading = readHunks(lines, at);
  const name = quoteForMessage(path);
  if (reading.corrupt) throw new DiffInputError(`line ${reading.corrupt.line}: corrupt patch of ${name}: ${reading.corrupt.reason} (git apply rejects it too)`, reading.corrupt.line);
  if (isNew && reading.hunks.some((h) => h.oldLines > 0)) throw new DiffInputError(`line ${at + 1}: new file ${name} has hunks with old lines (git apply rejects it too)`, at + 1);
  if (isDelete && reading.hunks.some((h) => h.newLines > 0)) throw new DiffInputError(`line ${at + 1}: deleted file ${name} has hunks with new lines (git apply rejects it too)`, at + 1);
  return reading;
}

function withHunks(file: FileDraft, reading: HunkReading): FileDraft {
  file.additions = reading.additions;
  file.deletions = reading.deletions;
  file.hunks = reading.hunks;
  if (reading.truncated) file.unseen = 'truncated-patch';
  return file;
}

function finish(options: ParseOptions, file: FileDraft): DiffFile {
  const { kind, language } = options.classify(file.path);
  const result: DiffFile = { ...file, kind };
  if (language !== undefined) result.language = language;
  return limitFileLines(result, options.maxFileLines);
}
