import type { Diff } from '../diff/diff-file.js';
import type { PullFileRow } from '../diff/from-pull-files.js';
import type { GitHubPort, RepoRef } from '../github/github-port.js';
import { gatherCodeContext, MAX_CODE_FILES, type CodeContext, type CodeContextSwitches } from './gather-code-context.js';
import { githubSourceReader, type BlobCache } from './github-source-reader.js';
import { languageOfPath } from './languages.js';

// A patch this long is a generated or vendored file more often than code to grow into functions.
const MAX_PATCH_CHARS = 256 * 1024;

/**
 * The code-structure layer for a pull request, with no clone: the files through the contents API
 * at the head and base SHAs; callers cannot be grepped, so they are listed as unavailable. Only
 * the most changed files with a patch are looked at (the same bound as with git), so this stays
 * small work on the App's event loop; the full diff is parsed on the worker as before.
 */
export async function gatherPullCodeContext(
  github: Pick<GitHubPort, 'readSourceFile'>,
  repo: RepoRef,
  pull: { headSha: string; baseSha: string },
  rows: readonly PullFileRow[],
  parseRows: (rows: PullFileRow[]) => Diff,
  switches: CodeContextSwitches,
  cache?: BlobCache,
): Promise<CodeContext> {
  const chosen = rows
    .filter((r) => typeof r.patch === 'string' && r.patch.length > 0 && r.patch.length <= MAX_PATCH_CHARS && (switches.functions || languageOfPath(r.filename) !== undefined))
    .sort((a, b) => b.changes - a.changes)
    .slice(0, MAX_CODE_FILES);
  const headBlobs = new Map(chosen.flatMap((r) => (r.sha ? [[r.filename, r.sha] as const] : [])));
  const reader = githubSourceReader(github, repo, { headSha: pull.headSha, headBlobs, ...(cache ? { cache } : {}) });
  return gatherCodeContext(parseRows(chosen), { reader, base: pull.baseSha, head: pull.headSha }, switches);
}
