import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';

/**
 * A local clone of a public repository for the calibration benchmarks: from RISKGATE_EVAL_REPOS
 * (a directory of clones named after the repository) or the `fetch` mirror. Mirrors may lack a
 * few very large blobs; each is replaced by a placeholder (git replace) so that `git log -p`
 * can read the history. Nothing of the repository is committed here.
 */
export function evaluationClone(repo: string): string {
  const name = repo.replace('/', '+');
  const given = process.env.RISKGATE_EVAL_REPOS ? join(process.env.RISKGATE_EVAL_REPOS, name) : undefined;
  if (given && existsSync(given)) return given;
  const mirror = `/work/.mirror/${name}/repo`;
  const clone = join(process.env.TMPDIR ?? '/tmp', 'riskgate-eval', name);
  if (existsSync(join(clone, '.git'))) return clone;
  if (!existsSync(mirror)) throw new Error(`no clone of ${repo}: set RISKGATE_EVAL_REPOS to a directory holding ${name}/`);
  mkdirSync(join(clone, '..'), { recursive: true });
  execFileSync('git', ['clone', '-q', '--no-checkout', mirror, clone]);
  const git = (args: string[], input?: string) => execFileSync('git', ['-C', clone, ...args], { encoding: 'utf8', maxBuffer: 1 << 30, ...(input !== undefined ? { input } : {}) });
  const missing = git(['rev-list', '--objects', '--missing=print', 'HEAD'])
    .split('\n')
    .filter((line) => line.startsWith('?'))
    .map((line) => line.slice(1));
  if (missing.length > 0) {
    const placeholder = git(['hash-object', '-w', '--stdin'], 'placeholder: this blob is missing from the mirror\n').trim();
    for (const blob of missing) git(['update-ref', `refs/replace/${blob}`, placeholder]);
  }
  return clone;
}
