import { GitError, runGit } from '../git/run-git.js';

/**
 * Reads files as they are at one revision of a local clone (never the working tree): a path the
 * revision does not have, or that is not a file there, reads as absent.
 */
export function gitFileReader(root: string, revision: string): (path: string) => Promise<string | undefined> {
  return async (path) => {
    try {
      // `rev:./path` would resolve against the working directory; the path is from the root.
      return await runGit(root, ['cat-file', 'blob', `${revision}:${path}`]);
    } catch (error) {
      if (error instanceof GitError) return undefined;
      throw error;
    }
  };
}
