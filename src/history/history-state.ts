import type { HistoryFeatures } from '../calibrate/change-features.js';
import { subsystemOf } from '../diff/path-parts.js';
import type { FileStatus } from '../diff/diff-file.js';
import { SECONDS_PER_DAY } from './history-commit.js';

/** What a file's past says; carried across renames. */
interface FileRecord {
  developers: Set<number>;
  /** Indices of the commits that changed it, oldest first. */
  changes: number[];
  lastTime: number;
  lines: number;
}

interface AuthorRecord {
  commits: number;
  bySubsystem: Map<string, number>;
}

export interface TouchedFile {
  path: string;
  previousPath?: string;
  status: FileStatus;
  additions: number;
  deletions: number;
}

/**
 * The history features of Kamei et al., computed in one pass over the commits, oldest first:
 * each commit is measured against everything before it, then added to the state.
 */
export class HistoryState {
  private readonly files = new Map<string, FileRecord>();
  private readonly authors = new Map<string, AuthorRecord>();
  private readonly developerIds = new Map<string, number>();
  private stamp = new Int32Array(1024);
  private commits = 0;
  private calls = 0;

  /** The features of a commit by `author` at `time` touching `files`, from the history so far. */
  measure(author: string, time: number, files: readonly TouchedFile[]): HistoryFeatures {
    const records = files.flatMap((f) => {
      const record = f.status === 'added' ? undefined : this.files.get(f.previousPath ?? f.path);
      return record ? [record] : [];
    });
    const developers = new Set<number>();
    for (const r of records) for (const d of r.developers) developers.add(d);
    const record = this.authors.get(author);
    const subsystems = new Set(files.map((f) => subsystemOf(f.path)));
    let sexp = 0;
    for (const s of subsystems) sexp = Math.max(sexp, record?.bySubsystem.get(s) ?? 0);
    return {
      lt: records.reduce((n, r) => n + r.lines, 0),
      ndev: developers.size,
      nuc: this.uniqueChanges(records),
      age: records.length === 0 ? 0 : records.reduce((n, r) => n + Math.max(0, time - r.lastTime) / SECONDS_PER_DAY, 0) / records.length,
      exp: record?.commits ?? 0,
      sexp,
    };
  }

  /** Adds a commit to the history. */
  record(author: string, time: number, files: readonly TouchedFile[]): void {
    const index = this.commits++;
    const developer = this.developerIdOf(author);
    for (const f of files) {
      const previous = this.files.get(f.previousPath ?? f.path);
      if (f.previousPath !== undefined && f.status === 'renamed') this.files.delete(f.previousPath);
      if (f.status === 'deleted') {
        this.files.delete(f.path);
        continue;
      }
      const record: FileRecord =
        previous && f.status !== 'added'
          ? f.status === 'copied'
            ? { developers: new Set(previous.developers), changes: [...previous.changes], lastTime: previous.lastTime, lines: previous.lines }
            : previous
          : { developers: new Set(), changes: [], lastTime: time, lines: 0 };
      record.developers.add(developer);
      record.changes.push(index);
      record.lastTime = Math.max(record.lastTime, time);
      record.lines = Math.max(0, record.lines + f.additions - f.deletions);
      this.files.set(f.path, record);
    }
    const experience = this.authors.get(author) ?? { commits: 0, bySubsystem: new Map<string, number>() };
    experience.commits++;
    for (const s of new Set(files.map((f) => subsystemOf(f.path)))) experience.bySubsystem.set(s, (experience.bySubsystem.get(s) ?? 0) + 1);
    this.authors.set(author, experience);
  }

  private developerIdOf(author: string): number {
    let id = this.developerIds.get(author);
    if (id === undefined) this.developerIds.set(author, (id = this.developerIds.size));
    return id;
  }

  /** Distinct earlier commits among the files' histories (a commit touching two of them counts once). */
  private uniqueChanges(records: readonly FileRecord[]): number {
    if (records.length === 1) return records[0]!.changes.length;
    if (this.stamp.length < this.commits) {
      const grown = new Int32Array(Math.max(this.commits, this.stamp.length * 2));
      grown.set(this.stamp);
      this.stamp = grown;
    }
    const mark = ++this.calls; // a fresh mark per call: no clearing between calls
    let unique = 0;
    for (const r of records) {
      for (const c of r.changes) {
        if (this.stamp[c] !== mark) {
          this.stamp[c] = mark;
          unique++;
        }
      }
    }
    return unique;
  }
}
