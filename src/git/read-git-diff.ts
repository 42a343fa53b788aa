import { runGit } from './run-git.js';

// Flags that make `git diff` output the same whatever the user's git config says:
// fixed a/ b/ prefixes (diff.noprefix, diff.mnemonicPrefix), no colour, no external diff or
// textconv drivers, renames and copies detected, full binary markers.
export const GIT_DIFF_FLAGS = [
  '--no-color',
  '--no-ext-diff',
  '--no-textconv',
  '--src-prefix=a/',
  '--dst-prefix=b/',
  '--find-renames',
  '--find-copies',
  '--no-relative',
] as const;

// git's well-known id of the empty tree, for diffing a root commit.
export const EMPTY_TREE = '4b825dc642cb6eb9a060e54bf8d69288fbee4904';

export function readGitDiff(cwd: string, base: string, head: string): Promise<string> {
  return runGit(cwd, ['diff', ...GIT_DIFF_FLAGS, base, head, '--']);
}
