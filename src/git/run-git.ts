import { execFile } from 'node:child_process';

/** A git command failed; `stderr` carries git's own words. */
export class GitError extends Error {
  override name = 'GitError';
  constructor(message: string, readonly stderr: string) {
    super(message);
  }
}

// A 50 MB diff must fit; execFile's default (1 MiB) would cut it off.
const MAX_GIT_OUTPUT_BYTES = 1024 * 1024 * 1024;

export function runGit(cwd: string, args: readonly string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(
      'git',
      [...args],
      { cwd, maxBuffer: MAX_GIT_OUTPUT_BYTES, encoding: 'utf8', env: { ...process.env, GIT_PAGER: 'cat', LC_ALL: 'C' } },
      (error, stdout, stderr) => {
        if (error) {
          const reason = (stderr || error.message).trim().split('\n')[0] ?? error.message;
          reject(new GitError(`git ${args[0] ?? ''} failed: ${reason}`, stderr));
        } else {
          resolve(stdout);
        }
      },
    );
  });
}
