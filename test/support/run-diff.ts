import { spawnSync } from 'node:child_process';

/** Runs GNU `diff` (exit 1 means "files differ"), in UTC and the C locale so its output is stable. */
export function runDiff(cwd: string, args: readonly string[]): string {
  const run = spawnSync('diff', args, { cwd, env: { PATH: process.env.PATH, LC_ALL: 'C', TZ: 'UTC' }, maxBuffer: 64 * 1024 * 1024 });
  if (run.status !== 0 && run.status !== 1) throw new Error(`diff ${args.join(' ')} failed: ${run.stderr.toString()}`);
  return run.stdout.toString('utf8');
}
