import { runGit } from './run-git.js';

// Flags that make `git diff` output the same whatever the user's git config says (with
// GIT_PATCH_FLAGS for the context): hunks apart (diff.interHunkContext), one algorithm (diff.algorithm, diff.indentHeuristic),
// fixed a/ b/ prefixes (diff.noprefix, diff.mnemonicPrefix), the whole tree (diff.relative), git's
// own file order (diff.orderFile), no colour, no external diff or textconv drivers, renames and
// copies detected (diff.renames).
export const GIT_DIFF_FLAGS = [
  '--inter-hunk-context=0',
  '--diff-algorithm=myers',
  '--indent-heuristic',
  '--no-color',
  '--no-ext-diff',
  '--no-textconv',
  '--src-prefix=a/',
  '--dst-prefix=b/',
  '--find-renames',
  '--find-copies',
  '--no-relative',
  '-O/dev/null',
] as const;

// Three lines of context whatever diff.context says. Apart, because `-U` also turns on the patch:
// `--numstat` with it would print the patch too.
export const GIT_PATCH_FLAGS = ['--unified=3'] as const;

// What no flag overrides: given as `git -c` before the command, which outranks every config file
// and the GIT_CONFIG_PARAMETERS a parent `git -c` passes down. diff.suppressBlankEmpty would print
// an empty context line without its leading space.
export const GIT_DIFF_CONFIG = ['-c', 'diff.suppressBlankEmpty=false'] as const;

// git's well-known id of the empty tree, for diffing a root commit.
export const EMPTY_TREE = '4b825dc642cb6eb9a060e54bf8d69288fbee4904';

export function readGitDiff(cwd: string, base: string, head: string): Promise<string> {
  return runGit(cwd, [...GIT_DIFF_CONFIG, 'diff', ...GIT_PATCH_FLAGS, ...GIT_DIFF_FLAGS, base, head, '--']);
}
