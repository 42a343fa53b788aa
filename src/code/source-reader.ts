/** What reading a file at a revision gave. */
export type SourceRead =
  | { status: 'read'; text: string }
  | { status: 'missing' }
  /** Not read: over a bound (size, count, total bytes), binary, or the source refused. */
  | { status: 'skipped'; reason: string };

/**
 * Reads repository files at a revision: git in the CLI and `eval`, GitHub's contents API in the
 * App and the Action. Every implementation is bounded in files and bytes: a PR cannot make
 * riskgate read the whole repository.
 */
export interface SourceReader {
  readFile(path: string, rev: string): Promise<SourceRead>;
}

export interface SourceLimits {
  /** Files read at most (each revision of a file counts once). */
  maxFiles: number;
  /** A file larger than this is skipped. */
  maxFileBytes: number;
  /** Bytes read at most across every file. */
  maxTotalBytes: number;
}

export const DEFAULT_SOURCE_LIMITS: SourceLimits = { maxFiles: 120, maxFileBytes: 1024 * 1024, maxTotalBytes: 16 * 1024 * 1024 };

/** Counts what a reader has read against its limits; says why the next read is refused, if it is. */
export class SourceBudget {
  files = 0;
  bytes = 0;
  constructor(readonly limits: SourceLimits) {}

  /** Why a file of `size` bytes cannot be read now, or undefined when it can (and is counted). */
  take(size: number): string | undefined {
    if (size > this.limits.maxFileBytes) return `larger than ${this.limits.maxFileBytes} bytes`;
    if (this.files >= this.limits.maxFiles) return `more than ${this.limits.maxFiles} files read`;
    if (this.bytes + size > this.limits.maxTotalBytes) return `more than ${this.limits.maxTotalBytes} bytes read`;
    this.files++;
    this.bytes += size;
    return undefined;
  }
}

/** A NUL in the first 8 kB is git's own test for binary content. */
export const looksBinary = (bytes: Buffer): boolean => bytes.subarray(0, 8000).includes(0);
