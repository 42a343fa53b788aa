import type { GitHubPort, RepoRef } from '../github/github-port.js';
import { DEFAULT_SOURCE_LIMITS, SourceBudget, type SourceLimits, type SourceRead, type SourceReader } from './source-reader.js';

/**
 * File texts by blob SHA, shared by every pull request the process gates: a push that leaves a
 * file as it was, or a rerun, reads it from here instead of GitHub. Bounded in bytes; the oldest go first.
 */
export class BlobCache {
  private readonly texts = new Map<string, string>();
  private bytes = 0;
  constructor(readonly maxBytes: number = 64 * 1024 * 1024) {}

  get(sha: string): string | undefined {
    const text = this.texts.get(sha);
    if (text !== undefined) {
      // Most recently used last.
      this.texts.delete(sha);
      this.texts.set(sha, text);
    }
    return text;
  }

  set(sha: string, text: string): void {
    if (this.texts.has(sha) || text.length > this.maxBytes) return;
    this.texts.set(sha, text);
    this.bytes += text.length;
    for (const [oldest, old] of this.texts) {
      if (this.bytes <= this.maxBytes) break;
      this.texts.delete(oldest);
      this.bytes -= old.length;
    }
  }
}

export const SHARED_BLOB_CACHE = new BlobCache();

export interface GitHubSourceOptions {
  /** Blob SHAs of the head's files, from `pulls.listFiles`: a cached blob is read without a request. */
  headSha: string;
  headBlobs?: ReadonlyMap<string, string>;
  limits?: SourceLimits;
  cache?: BlobCache;
}

/**
 * Reads files through the contents API (the App, the Action: no clone): bounded in files and
 * bytes (every request counts, a file over the bound is not kept), cached by blob SHA.
 */
export function githubSourceReader(github: Pick<GitHubPort, 'readSourceFile'>, repo: RepoRef, options: GitHubSourceOptions): SourceReader {
  const budget = new SourceBudget(options.limits ?? DEFAULT_SOURCE_LIMITS);
  const cache = options.cache ?? SHARED_BLOB_CACHE;
  return {
    async readFile(path, rev): Promise<SourceRead> {
      const known = rev === options.headSha ? options.headBlobs?.get(path) : undefined;
      const cached = known ? cache.get(known) : undefined;
      if (cached !== undefined) return { status: 'read', text: cached };
      // The size is known only once GitHub answers: the request counts as a file either way.
      const before = budget.take(0);
      if (before) return { status: 'skipped', reason: before };
      const file = await github.readSourceFile(repo, path, rev);
      if (!file) return { status: 'missing' };
      if (file.text === undefined) return { status: 'skipped', reason: file.size > budget.limits.maxFileBytes ? `larger than ${budget.limits.maxFileBytes} bytes` : 'binary or too large for the contents API' };
      if (file.size > budget.limits.maxFileBytes) return { status: 'skipped', reason: `larger than ${budget.limits.maxFileBytes} bytes` };
      if (budget.bytes + file.size > budget.limits.maxTotalBytes) return { status: 'skipped', reason: `more than ${budget.limits.maxTotalBytes} bytes read` };
      budget.bytes += file.size;
      cache.set(file.sha, file.text);
      return { status: 'read', text: file.text };
    },
  };
}
