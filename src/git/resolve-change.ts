import { GitError, runGit } from './run-git.js';
import { EMPTY_TREE, readGitDiff } from './read-git-diff.js';

/** A change to score from a local repository: what to diff, and where its config comes from. */
export interface GitChange {
  root: string;
  base: string;
  head: string;
  /** How the range was chosen, for the output. */
  label: string;
  diffText: string;
  title?: string;
  body?: string;
}

// Commit messages beyond this many add nothing a reviewer reads.
const MAX_MESSAGES = 50;

async function tryGit(cwd: string, args: string[]): Promise<string | undefined> {
  try {
    return (await runGit(cwd, args)).trim();
  } catch {
    return undefined;
  }
}

async function verifyCommit(root: string, rev: string): Promise<string> {
  const sha = await tryGit(root, ['rev-parse', '--verify', '--quiet', '--end-of-options', `${rev}^{commit}`]);
  if (!sha) throw new GitError(`"${rev}" is not a commit in this repository`, '');
  return sha;
}

async function parentOrEmptyTree(root: string, sha: string): Promise<string> {
  return (await tryGit(root, ['rev-parse', '--verify', '--quiet', `${sha}^1`])) || EMPTY_TREE;
}

export async function repositoryRoot(cwd: string): Promise<string> {
  const root = await tryGit(cwd, ['rev-parse', '--show-toplevel']);
  if (!root) throw new GitError(`not a git repository: ${cwd} (run riskgate inside one, or pass --diff FILE)`, '');
  return root;
}

/**
 * RANGE as the user wrote it: `A..B`, `A...B` (from their merge base), or one commit `X` (that
 * commit's own change). Without RANGE: the branch's changes against the upstream default branch
 * when there are any, else the last commit.
 */
async function resolveRange(root: string, range: string | undefined): Promise<{ base: string; head: string; label: string }> {
  if (range) {
    const threeDot = range.split('...');
    if (threeDot.length === 2) {
      const head = await verifyCommit(root, threeDot[1] || 'HEAD');
      const other = await verifyCommit(root, threeDot[0] || 'HEAD');
      const base = await tryGit(root, ['merge-base', other, head]);
      if (!base) throw new GitError(`${range}: the two sides have no common ancestor`, '');
      return { base, head, label: range };
    }
    const twoDot = range.split('..');
    if (twoDot.length === 2) {
      return { base: await verifyCommit(root, twoDot[0] || 'HEAD'), head: await verifyCommit(root, twoDot[1] || 'HEAD'), label: range };
    }
    const head = await verifyCommit(root, range);
    return { base: await parentOrEmptyTree(root, head), head, label: `commit ${range}` };
  }
  const head = await tryGit(root, ['rev-parse', '--verify', '--quiet', 'HEAD^{commit}']);
  if (!head) throw new GitError('the repository has no commits yet: nothing to score', '');
  const upstream = (await tryGit(root, ['rev-parse', '--abbrev-ref', 'origin/HEAD'])) ?? undefined;
  if (upstream) {
    const base = await tryGit(root, ['merge-base', upstream, head]);
    if (base && base !== head) return { base, head, label: `changes since ${upstream}` };
  }
  return { base: await parentOrEmptyTree(root, head), head, label: 'last commit' };
}

export async function resolveGitChange(cwd: string, range: string | undefined): Promise<GitChange> {
  const root = await repositoryRoot(cwd);
  const { base, head, label } = await resolveRange(root, range);
  const diffText = await readGitDiff(root, base, head);
  const logRange = base === EMPTY_TREE ? [head] : [`${base}..${head}`];
  const messages = await tryGit(root, ['log', `--max-count=${MAX_MESSAGES}`, '--format=%B%x00', ...logRange, '--']);
  const [latest = '', ...older] = (messages ?? '').split('\0').map((m) => m.trim()).filter(Boolean);
  const [title = '', ...rest] = latest.split('\n');
  const body = [rest.join('\n').trim(), ...older].filter(Boolean).join('\n\n');
  return { root, base, head, label, diffText, ...(title ? { title } : {}), ...(body ? { body } : {}) };
}

/** A file's text at a revision, or undefined when it does not exist there. */
export async function readFileAtRevision(root: string, rev: string, path: string): Promise<string | undefined> {
  if (rev === EMPTY_TREE) return undefined;
  try {
    return await runGit(root, ['show', `${rev}:${path}`]);
  } catch {
    return undefined;
  }
}
