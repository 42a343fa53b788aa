import type { FileStatus } from '../diff/diff-file.js';
import { parseRawLine } from './read-commit-log.js';
import { NULL_BLOB } from './history-commit.js';

// SZZ needs, for each line a fix deletes, the commit that last changed it: `git blame -w` at
// the fix's parent. Blaming costs about 60 ms per file on a long history, and a repository of
// 10,000 commits has thousands of (fix, file) pairs, so riskgate replays the history instead:
// one streamed `git log -p -U0 -w` pass keeps, for every blob, the commit each of its lines comes
// from. Origins are keyed by blob id, not path, so renames, branches and files that merges took
// from one side need no special case; a blob a merge built from both sides is resolved on
// demand from two blob diffs, as blame does. Whatever the replay cannot know (blobs over the
// line cap, objects missing from a partial clone) is handed back for `git blame`.

const RS = '\x1e';

/** Blobs longer than this are data or generated files: not tracked, blamed if a fix needs them. */
export const MAX_TRACKED_LINES = 50_000;

/** `git log` arguments for the replay: every commit, merges as combined raw lines, no context. */
export function replayLogArgs(revision: string, before?: Date): string[] {
  return [
    'log',
    '--reverse',
    '--topo-order',
    '-M',
    '-p',
    '-U0',
    '-w',
    '--raw',
    '-c',
    '--no-abbrev',
    '--full-index',
    '--no-color',
    '--no-ext-diff',
    '--no-textconv',
    // log.showRoot=false would hide the root commit's files; log.showSignature would add gpg's lines.
    '--root',
    '--no-show-signature',
    `--format=${RS}%H %P`,
    ...(before ? [`--before=${before.toISOString()}`] : []),
    revision,
    '--',
  ];
}

interface HunkShape {
  oldStart: number;
  oldCount: number;
  newStart: number;
  newCount: number;
}

interface ReplayHunk extends HunkShape {
  deleted: string[];
}

interface Section {
  oldBlob?: string;
  newBlob?: string;
  hunks: ReplayHunk[];
}

interface RawChange {
  status: FileStatus;
  oldBlob: string;
  newBlob: string;
  path: string;
  previousPath?: string;
}

interface ReplayCommit {
  sha: string;
  parents: string[];
  index: number;
  raw: RawChange[];
  merged: Array<{ parents: string[]; blob: string }>;
  sections: Section[];
}

/** A line a fix deleted, as the fix's diff shows it: old-side number and text. */
export interface DeletedLine {
  line: number;
  text: string;
}

/** Where one deleted line came from; `origin` is undefined when the replay cannot tell. */
export interface TracedFile {
  /** The file's path at the fix's parent. */
  path: string;
  lines: DeletedLine[];
  /** Commit sha per entry of `lines`; `undefined` for every line when the blob is unknown. */
  origins: Array<string | undefined>;
  /** True when the replay had no origins for the blob: blame this file instead. */
  unknown: boolean;
}

export interface ReplayOptions {
  /** Commits whose deleted lines are traced (the fixes). */
  traced: ReadonlySet<string>;
  /** The deleted lines worth tracing (not blank, not comments, source files). */
  selectLines(path: string, lines: readonly DeletedLine[]): DeletedLine[];
  /** `git diff -U0 -w A B` hunks between two blobs, for blobs a merge built from both sides. */
  diffBlobs(from: string, to: string): Promise<HunkShape[]>;
}

export interface ReplayResult {
  /** Per traced fix: the files and lines traced. */
  traced: Map<string, TracedFile[]>;
  commits: number;
  trackedBlobs: number;
  /** Merge-built blobs resolved from blob diffs. */
  mergeResolutions: number;
}

const HUNK = /^@@@* -(\d+)(?:,(\d+))? \+(\d+)(?:,(\d+))? @@/;

export function parseHunkHeader(line: string): HunkShape | undefined {
  const m = HUNK.exec(line);
  if (!m) return undefined;
  return { oldStart: Number(m[1]), oldCount: m[2] === undefined ? 1 : Number(m[2]), newStart: Number(m[3]), newCount: m[4] === undefined ? 1 : Number(m[4]) };
}

/** The new side's origins: old lines kept, the hunks' new lines from `commit`. */
export function applyHunks(old: Int32Array, hunks: readonly HunkShape[], commit: number): Int32Array | undefined {
  let length = old.length;
  for (const h of hunks) length += h.newCount - h.oldCount;
  if (length < 0 || length > MAX_TRACKED_LINES) return undefined;
  const next = new Int32Array(length);
  let from = 0; // next old index to copy
  let to = 0;
  for (const h of hunks) {
    // With -U0 an insertion (oldCount 0) comes after old line oldStart; a change starts at it.
    const keepUntil = h.oldCount === 0 ? h.oldStart : h.oldStart - 1;
    if (keepUntil < from || keepUntil > old.length) return undefined;
    next.set(old.subarray(from, keepUntil), to);
    to += keepUntil - from;
    next.fill(commit, to, to + h.newCount);
    to += h.newCount;
    from = keepUntil + h.oldCount;
  }
  if (from > old.length || to + (old.length - from) !== length) return undefined;
  next.set(old.subarray(from), to);
  return next;
}

/** For each new line a diff leaves unchanged, the old line it was: what a parent hands down. */
function unchangedLines(oldLength: number, hunks: readonly HunkShape[], visit: (newIndex: number, oldIndex: number) => void): void {
  let from = 0;
  let to = 0;
  for (const h of hunks) {
    const keepUntil = h.oldCount === 0 ? h.oldStart : h.oldStart - 1;
    for (; from < keepUntil; from++, to++) visit(to, from);
    from = keepUntil + h.oldCount;
    to += h.newCount;
  }
  for (; from < oldLength; from++, to++) visit(to, from);
}

export class LineOriginReplay {
  private readonly origins = new Map<string, Int32Array>();
  private readonly recipes = new Map<string, { commit: number; parents: string[] }>();
  private readonly shas: string[] = [];
  private mergeResolutions = 0;
  private readonly traced = new Map<string, TracedFile[]>();

  constructor(private readonly options: ReplayOptions) {}

  async run(lines: AsyncIterable<string>): Promise<ReplayResult> {
    let commit: ReplayCommit | undefined;
    let section: Section | undefined;
    let hunk: ReplayHunk | undefined;
    let skipSection = false;
    for await (const line of lines) {
      if (line.startsWith(RS)) {
        if (commit) await this.finish(commit);
        const [sha = '', ...parents] = line.slice(1).split(' ').filter(Boolean);
        commit = { sha, parents, index: this.shas.length, raw: [], merged: [], sections: [] };
        this.shas.push(sha);
        section = undefined;
        hunk = undefined;
        skipSection = false;
        continue;
      }
      if (!commit) continue;
      if (line.startsWith('diff --')) {
        skipSection = !line.startsWith('diff --git ');
        section = skipSection ? undefined : { hunks: [] };
        if (section) commit.sections.push(section);
        hunk = undefined;
        continue;
      }
      if (skipSection) continue;
      if (section === undefined) {
        if (line.startsWith('::')) {
          const merged = parseCombinedRaw(line);
          if (merged) commit.merged.push(merged);
        } else if (line.startsWith(':')) {
          const raw = parseRawLine(line);
          if (raw) commit.raw.push(raw);
        }
        continue;
      }
      if (hunk === undefined && line.startsWith('index ')) {
        const [blobs = ''] = line.slice(6).split(' ');
        const [oldBlob, newBlob] = blobs.split('..');
        if (oldBlob && newBlob) {
          section.oldBlob = oldBlob;
          section.newBlob = newBlob;
        }
        continue;
      }
      if (line.startsWith('@@')) {
        const shape = parseHunkHeader(line);
        hunk = shape ? { ...shape, deleted: [] } : undefined;
        if (hunk) section.hunks.push(hunk);
        continue;
      }
      if (hunk && line.startsWith('-')) hunk.deleted.push(line.slice(1));
    }
    if (commit) await this.finish(commit);
    return { traced: this.traced, commits: this.shas.length, trackedBlobs: this.origins.size, mergeResolutions: this.mergeResolutions };
  }

  private async finish(commit: ReplayCommit): Promise<void> {
    for (const merged of commit.merged) {
      if (!this.origins.has(merged.blob) && !this.recipes.has(merged.blob)) {
        this.recipes.set(merged.blob, { commit: commit.index, parents: merged.parents });
      }
    }
    if (commit.parents.length > 1) return;
    const byNewBlob = new Map<string, Section>();
    for (const s of commit.sections) if (s.newBlob && s.oldBlob) byNewBlob.set(`${s.oldBlob}..${s.newBlob}`, s);
    const trace = this.options.traced.has(commit.sha);
    const tracedFiles: TracedFile[] = [];
    for (const change of commit.raw) {
      if (change.status === 'deleted' || change.newBlob === NULL_BLOB) continue;
      const section = byNewBlob.get(`${change.oldBlob}..${change.newBlob}`);
      const hunks = section?.hunks ?? [];
      if (change.status === 'added') {
        const length = hunks.reduce((n, h) => n + h.newCount, 0);
        if (length <= MAX_TRACKED_LINES && !this.origins.has(change.newBlob)) {
          this.origins.set(change.newBlob, new Int32Array(length).fill(commit.index));
        }
        continue;
      }
      const old = await this.originsOf(change.oldBlob);
      if (trace && (change.status === 'modified' || change.status === 'renamed')) {
        const path = change.previousPath ?? change.path;
        const lines = this.options.selectLines(
          path,
          hunks.flatMap((h) => h.deleted.map((text, i) => ({ line: h.oldStart + i, text }))),
        );
        if (lines.length > 0) {
          tracedFiles.push({
            path,
            lines,
            origins: lines.map((l) => {
              const origin = old?.[l.line - 1];
              return origin === undefined ? undefined : this.shas[origin];
            }),
            unknown: old === undefined,
          });
        }
      }
      if (old && !this.origins.has(change.newBlob)) {
        const next = hunks.length === 0 ? old : applyHunks(old, hunks, commit.index);
        if (next) this.origins.set(change.newBlob, next);
      }
    }
    if (trace) this.traced.set(commit.sha, tracedFiles);
  }

  /** A blob's line origins, resolving a merge-built blob from its parents when first needed. */
  private async originsOf(blob: string): Promise<Int32Array | undefined> {
    const known = this.origins.get(blob);
    if (known) return known;
    const recipe = this.recipes.get(blob);
    if (!recipe) return undefined;
    this.recipes.delete(blob);
    let result: Int32Array | undefined;
    for (const parent of recipe.parents) {
      const from = await this.originsOf(parent);
      if (!from) continue;
      const hunks = await this.options.diffBlobs(parent, blob);
      if (!result) {
        let length = from.length;
        for (const h of hunks) length += h.newCount - h.oldCount;
        if (length < 0 || length > MAX_TRACKED_LINES) return undefined;
        result = new Int32Array(length).fill(recipe.commit);
      }
      const target = result;
      unchangedLines(from.length, hunks, (newIndex, oldIndex) => {
        if (newIndex < target.length && target[newIndex] === recipe.commit) target[newIndex] = from[oldIndex]!;
      });
    }
    if (result) {
      this.origins.set(blob, result);
      this.mergeResolutions++;
    }
    return result;
  }
}

/** `::100644 100644 100644 <p1> <p2> <result> MM\tpath`: a file a merge changed against every parent. */
function parseCombinedRaw(line: string): { parents: string[]; blob: string } | undefined {
  const colons = /^:+/.exec(line)?.[0].length ?? 0;
  const tab = line.indexOf('\t');
  if (colons < 2 || tab < 0) return undefined;
  const meta = line.slice(colons, tab).split(' ');
  // colons parents: modes (parents + 1), then blobs (parents + 1), then statuses.
  const blobs = meta.slice(colons + 1, colons * 2 + 2);
  const blob = blobs.pop();
  if (!blob || blob === NULL_BLOB || blobs.length !== colons) return undefined;
  return { parents: blobs.filter((b) => b !== NULL_BLOB), blob };
}
