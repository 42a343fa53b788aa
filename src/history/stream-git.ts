import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { GitError } from '../git/run-git.js';

/**
 * Streams a git command's output line by line, so a whole history never sits in memory. A git
 * failure surfaces as a GitError with git's own words once the lines are consumed; breaking out
 * early stops git.
 */
export async function* streamGitLines(cwd: string, args: readonly string[]): AsyncGenerator<string> {
  const child = spawn('git', [...args], {
    cwd,
    env: { ...process.env, GIT_PAGER: 'cat', LC_ALL: 'C' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr.setEncoding('utf8');
  child.stderr.on('data', (chunk: string) => {
    if (stderr.length < 16_384) stderr += chunk;
  });
  const exited = new Promise<number | null>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code) => resolve(code));
  });
  const lines = createInterface({ input: child.stdout, crlfDelay: Infinity });
  let finished = false;
  try {
    for await (const line of lines) yield line;
    finished = true;
  } finally {
    if (!finished) child.kill();
  }
  const code = await exited;
  if (code !== 0) {
    const reason = stderr.trim().split('\n')[0] || `exit status ${code}`;
    throw new GitError(`git ${args[0] ?? ''} failed: ${reason}`, stderr);
  }
}
