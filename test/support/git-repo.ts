import { execFileSync } from 'node:child_process';
import { mkdtempSync, mkdirSync, writeFileSync, chmodSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

/** A throwaway git repository with a fixed identity and no user or system git config. */
export class GitRepo {
  readonly dir: string;
  private tick = 0;

  constructor() {
    this.dir = mkdtempSync(join(tmpdir(), 'riskgate-repo-'));
    this.git('init', '-q', '-b', 'main');
  }

  git(...args: string[]): string {
    const date = `2026-01-01T00:00:${String(this.tick).padStart(2, '0')}Z`;
    return execFileSync('git', args, {
      cwd: this.dir,
      encoding: 'utf8',
      maxBuffer: 256 * 1024 * 1024,
      env: {
        PATH: process.env.PATH,
        HOME: this.dir,
        GIT_CONFIG_NOSYSTEM: '1',
        GIT_CONFIG_GLOBAL: '/dev/null',
        GIT_AUTHOR_NAME: 'Test',
        GIT_AUTHOR_EMAIL: 'test@example.com',
        GIT_COMMITTER_NAME: 'Test',
        GIT_COMMITTER_EMAIL: 'test@example.com',
        GIT_AUTHOR_DATE: date,
        GIT_COMMITTER_DATE: date,
      },
    });
  }

  write(path: string, content: string | Buffer): this {
    const full = join(this.dir, path);
    mkdirSync(dirname(full), { recursive: true });
    writeFileSync(full, content);
    return this;
  }

  chmod(path: string, mode: number): this {
    chmodSync(join(this.dir, path), mode);
    return this;
  }

  remove(path: string): this {
    rmSync(join(this.dir, path));
    return this;
  }

  commit(message: string): string {
    this.tick++;
    this.git('add', '-A');
    this.git('commit', '-q', '--allow-empty', '-m', message);
    return this.git('rev-parse', 'HEAD').trim();
  }

  cleanup(): void {
    rmSync(this.dir, { recursive: true, force: true });
  }
}

export interface NumstatRow {
  path: string;
  previousPath?: string;
  additions: number | '-';
  deletions: number | '-';
}

/** `git diff --numstat -z` with the given flags, read exactly (paths are NUL-separated). */
export function numstat(cwd: string, flags: readonly string[], base: string, head: string): NumstatRow[] {
  const out = execFileSync('git', ['diff', '--numstat', '-z', ...flags, base, head, '--'], {
    cwd,
    encoding: 'utf8',
    maxBuffer: 256 * 1024 * 1024,
  });
  const parts = out.split('\0');
  const rows: NumstatRow[] = [];
  for (let i = 0; i < parts.length; i++) {
    const head3 = parts[i]!;
    if (head3 === '') continue;
    // A name may hold tabs: only the first two separate fields.
    const firstTab = head3.indexOf('\t');
    const secondTab = head3.indexOf('\t', firstTab + 1);
    const [added, deleted, path] = [head3.slice(0, firstTab), head3.slice(firstTab + 1, secondTab), head3.slice(secondTab + 1)];
    const count = (v: string) => (v === '-' ? '-' : Number(v));
    if (path === '') {
      rows.push({ previousPath: parts[i + 1]!, path: parts[i + 2]!, additions: count(added), deletions: count(deleted) });
      i += 2;
    } else {
      rows.push({ path, additions: count(added), deletions: count(deleted) });
    }
  }
  return rows;
}
