import { GIT_DIFF_CONFIG, GIT_DIFF_FLAGS, GIT_PATCH_FLAGS } from '../git/read-git-diff.js';
import { streamGitText } from '../history/stream-git.js';

// `riskgate eval` needs the diff of thousands of commits, each as `riskgate score <commit>` would
// read it. One `git log -p` fed the commits on stdin gives all of them in one process (one `git
// show` per commit would cost a process start each); the flags are `riskgate score`'s, plus what
// `git log` alone lets a user's config change.

const RS = '\x1e';

export const COMMIT_DIFF_FLAGS = [
  ...GIT_PATCH_FLAGS,
  ...GIT_DIFF_FLAGS,
  // log.showRoot=false would hide a root commit's diff.
  '--root',
  // log.showSignature would print gpg's lines into the diff.
  '--no-show-signature',
] as const;

/** `git log` arguments: exactly the commits given on stdin, in that order, each with its patch against its first parent. */
export function commitDiffLogArgs(): string[] {
  return [...GIT_DIFF_CONFIG, 'log', '--no-walk=unsorted', '--stdin', '-p', ...COMMIT_DIFF_FLAGS, `--format=${RS}%H`, '--'];
}

export interface CommitDiff {
  sha: string;
  /** `git diff` text of the commit against its first parent; empty for a commit that changes nothing. */
  diffText: string;
}

function record(text: string): CommitDiff {
  const eol = text.indexOf('\n');
  const sha = (eol < 0 ? text.slice(1) : text.slice(1, eol)).trim();
  return { sha, diffText: eol < 0 ? '' : text.slice(eol + 1).replace(/^\n/, '') };
}

/**
 * The diffs of `shas` (non-merge commits), one at a time and in their order, from one streamed
 * `git log -p`: only one commit's diff is in memory at once.
 */
export async function* streamCommitDiffs(root: string, shas: readonly string[]): AsyncGenerator<CommitDiff> {
  if (shas.length === 0) return;
  let buffer = '';
  let searchFrom = 1;
  for await (const chunk of streamGitText(root, commitDiffLogArgs(), `${shas.join('\n')}\n`)) {
    buffer += chunk;
    let start = 0;
    for (;;) {
      // A record opens with RS at the start of a line; no diff line can start with it.
      const next = buffer.indexOf(`\n${RS}`, Math.max(start + 1, searchFrom));
      if (next < 0) break;
      yield record(buffer.slice(start, next + 1));
      start = next + 1;
    }
    buffer = buffer.slice(start);
    searchFrom = Math.max(1, buffer.length - 1);
  }
  if (buffer.startsWith(RS)) yield record(buffer);
}
