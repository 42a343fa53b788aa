import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { StringDecoder } from 'node:string_decoder';
import type { Readable } from 'node:stream';
import { GitError } from '../git/run-git.js';

interface RunningGit {
  stdout: Readable;
  kill(): void;
  /** Resolves once git exits: throws a GitError with git's own words on failure. */
  finished(): Promise<void>;
}

function startGit(cwd: string, args: readonly string[], input: string | undefined): RunningGit {
  const child = spawn('git', [...args], {
    cwd,
    env: { ...process.env, GIT_PAGER: 'cat', LC_ALL: 'C' },
    stdio: [input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr!.setEncoding('utf8');
  child.stderr!.on('data', (chunk: string) => {
    if (stderr.length < 16_384) stderr += chunk;
  });
  const exited = new Promise<number | null>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code) => resolve(code));
  });
  if (input !== undefined && child.stdin) {
    // git stops reading when it fails early; its exit status says why, not EPIPE.
    child.stdin.on('error', () => {});
    child.stdin.end(input);
  }
  return {
    stdout: child.stdout!,
    kill: () => child.kill(),
    async finished() {
      const code = await exited;
      if (code !== 0) {
        const reason = stderr.trim().split('\n')[0] || `exit status ${code}`;
        throw new GitError(`git ${args.find((a) => !a.startsWith('-') && !a.includes('=')) ?? ''} failed: ${reason}`, stderr);
      }
    },
  };
}

/**
 * Streams a git command's output line by line, so a whole history never sits in memory. A git
 * failure surfaces as a GitError with git's own words once the lines are consumed; breaking out
 * early stops git.
 */
export async function* streamGitLines(cwd: string, args: readonly string[]): AsyncGenerator<string> {
  const git = startGit(cwd, args, undefined);
  const lines = createInterface({ input: git.stdout, crlfDelay: Infinity });
  let finished = false;
  try {
    for await (const line of lines) yield line;
    finished = true;
  } finally {
    if (!finished) git.kill();
  }
  await git.finished();
}

/**
 * Streams a git command's output as UTF-8 text in chunks of any size, untouched: unlike lines
 * from readline, a lone carriage return inside a diff line stays inside it. `input` is written
 * to git's stdin (for `--stdin`). Errors and early exits as for `streamGitLines`.
 */
export async function* streamGitText(cwd: string, args: readonly string[], input?: string): AsyncGenerator<string> {
  const git = startGit(cwd, args, input);
  const decoder = new StringDecoder('utf8');
  let finished = false;
  try {
    for await (const chunk of git.stdout) {
      const text = decoder.write(chunk as Buffer);
      if (text !== '') yield text;
    }
    const rest = decoder.end();
    if (rest !== '') yield rest;
    finished = true;
  } finally {
    if (!finished) git.kill();
  }
  await git.finished();
}
