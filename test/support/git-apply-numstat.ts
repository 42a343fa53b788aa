import { spawnSync } from 'node:child_process';
import { tmpdir } from 'node:os';

export interface ApplyNumstatRow {
  /** The name git apply prints: the new name, or the old one for a deletion. */
  path: string;
  additions: number | '-';
  deletions: number | '-';
}

export type ApplyNumstat = { accepted: true; rows: ApplyNumstatRow[] } | { accepted: false; error: string };

/**
 * `git apply --numstat -z` on diff text, outside any repository and any user config: how git
 * itself reads the diff's files, paths and counts, or why it rejects the diff.
 */
export function gitApplyNumstat(text: string | Buffer): ApplyNumstat {
  const run = spawnSync('git', ['apply', '--numstat', '-z', '-'], {
    cwd: tmpdir(),
    input: text,
    maxBuffer: 256 * 1024 * 1024,
    env: { PATH: process.env.PATH, HOME: tmpdir(), GIT_CONFIG_NOSYSTEM: '1', GIT_CONFIG_GLOBAL: '/dev/null', LC_ALL: 'C' },
  });
  if (run.status !== 0) return { accepted: false, error: run.stderr.toString('utf8').trim() };
  const rows: ApplyNumstatRow[] = [];
  for (const record of run.stdout.toString('utf8').split('\0')) {
    if (record === '') continue;
    const first = record.indexOf('\t');
    const second = record.indexOf('\t', first + 1);
    const count = (v: string) => (v === '-' ? '-' : Number(v));
    rows.push({ additions: count(record.slice(0, first)), deletions: count(record.slice(first + 1, second)), path: record.slice(second + 1) });
  }
  return { accepted: true, rows };
}
