import { authoredFiles, type HistoryFeatures } from '../calibrate/change-features.js';
import { subsystemOf } from '../diff/path-parts.js';
import type { Diff } from '../diff/diff-file.js';
import { EMPTY_TREE } from '../git/read-git-diff.js';
import { runGit } from '../git/run-git.js';
import { SECONDS_PER_DAY } from './history-commit.js';

/** The history of this many files is read (the largest changes first): a bulk change stays quick. */
const MAX_MEASURED_FILES = 200;

/** A pathspec that means exactly this path, whatever characters it holds. */
const literal = (path: string) => `:(top,literal)${path}`;
const escapeRegex = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

async function countCommits(root: string, base: string, authorEmail: string, paths: readonly string[]): Promise<number> {
  const out = await runGit(root, ['rev-list', '--count', '--no-merges', '--regexp-ignore-case', `--author=<${escapeRegex(authorEmail)}>`, base, '--', ...paths]);
  return Number(out.trim()) || 0;
}

/**
 * The history features of a change from a local clone, measured at its base as calibrate
 * measures each commit: the touched files' earlier changes, developers, age and size, and the
 * author's experience. `head` gives the author and the time.
 */
export async function measureChangeHistory(root: string, base: string, head: string, diff: Diff): Promise<HistoryFeatures> {
  // A change from the empty tree has no history before it.
  if (base === EMPTY_TREE) return { lt: 0, ndev: 0, nuc: 0, age: 0, exp: 0, sexp: 0 };
  const touched = authoredFiles(diff)
    .sort((a, b) => b.additions + b.deletions - (a.additions + a.deletions))
    .slice(0, MAX_MEASURED_FILES);
  const [email = '', time = '0'] = (await runGit(root, ['log', '-1', '--format=%ae%n%at', head])).trim().split('\n');
  const authorEmail = email.toLowerCase();
  const now = Number(time);
  const existing = touched.filter((f) => f.status !== 'added').map((f) => f.previousPath ?? f.path);
  const subsystems = [...new Set(touched.map((f) => subsystemOf(f.path)))];

  let nuc = 0;
  const developers = new Set<string>();
  const lastChange = new Map<string, number>();
  let lt = 0;
  if (existing.length > 0) {
    const wanted = new Set(existing);
    const log = await runGit(root, ['-c', 'core.quotePath=false', 'log', '--no-merges', '--no-renames', '--format=\x1e%at %ae', '--name-only', base, '--', ...existing.map(literal)]);
    for (const record of log.split('\x1e').slice(1)) {
      const [header = '', ...paths] = record.split('\n');
      const [at = '0', ...rest] = header.split(' ');
      nuc++;
      developers.add(rest.join(' ').toLowerCase());
      for (const path of paths) if (wanted.has(path) && !lastChange.has(path)) lastChange.set(path, Number(at));
    }
    // A file's lines at the base are its numstat against the empty tree.
    const numstat = await runGit(root, ['diff', '--numstat', '--no-renames', EMPTY_TREE, base, '--', ...existing.map(literal)]);
    for (const line of numstat.split('\n')) {
      const added = Number(line.split('\t')[0]);
      if (Number.isFinite(added)) lt += added;
    }
  }
  const ages = [...lastChange.values()].map((t) => Math.max(0, now - t) / SECONDS_PER_DAY);
  const exp = authorEmail ? await countCommits(root, base, authorEmail, []) : 0;
  let sexp = 0;
  for (const subsystem of subsystems) {
    // A root-level file's subsystem is the root: its files, not the whole tree.
    const paths = subsystem === '' ? touched.filter((f) => subsystemOf(f.path) === '').map((f) => literal(f.path)) : [literal(subsystem)];
    if (authorEmail) sexp = Math.max(sexp, await countCommits(root, base, authorEmail, paths));
  }
  return { lt, ndev: developers.size, nuc, age: ages.length === 0 ? 0 : ages.reduce((a, b) => a + b, 0) / ages.length, exp, sexp };
}
