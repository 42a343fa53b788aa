import { realpath } from 'node:fs/promises';
import { runGit } from '../git/run-git.js';

async function gitOutput(cwd: string, args: string[]): Promise<string | undefined> {
  try {
    return (await runGit(cwd, args)).trim() || undefined;
  } catch {
    return undefined;
  }
}

/**
 * A remote URL as the repository it names: credentials, `.git` and trailing slashes dropped, the
 * host lowercased, and the ssh (`git@host:owner/repo`) and https forms of one repository alike.
 */
export function normaliseRemote(url: string): string {
  const scp = /^(?:[^@/]+@)?([^:/]+):(?!\/)(.+)$/.exec(url);
  let host: string;
  let path: string;
  if (scp) {
    [, host = '', path = ''] = scp;
  } else {
    try {
      const parsed = new URL(url);
      if (parsed.protocol === 'file:') return url;
      host = parsed.hostname;
      path = parsed.pathname;
    } catch {
      return url; // a local path
    }
  }
  return `${host.toLowerCase()}/${path.replace(/^\/+/, '').replace(/\/+$/, '').replace(/\.git$/, '')}`;
}

/**
 * The repository a local review is about, for the result cache's scope: the `origin` remote when
 * there is one (every clone and worktree of one repository shares answers; a fork or another
 * repository never does), else the repository's root, else the working directory.
 */
export async function repositoryScope(cwd: string): Promise<string> {
  const remote = await gitOutput(cwd, ['remote', 'get-url', 'origin']);
  if (remote) return `remote ${normaliseRemote(remote)}`;
  const root = await gitOutput(cwd, ['rev-parse', '--show-toplevel']);
  return `path ${await realpath(root ?? cwd)}`;
}
