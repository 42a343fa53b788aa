import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

/** Someone who writes commits. */
export interface Person {
  name: string;
  email: string;
}

export const ALICE: Person = { name: 'Alice', email: 'alice@example.com' };
export const BOB: Person = { name: 'Bob', email: 'bob@example.com' };
export const CAROL: Person = { name: 'Carol', email: 'carol@example.com' };

const DAY = 86_400;
/** 2022-01-03T00:00:00Z: the fixtures' day 0. */
export const EPOCH = 1_641_168_000;

/** Seconds since the epoch of fixture day `n` (fractions allowed). */
export function day(n: number): number {
  return EPOCH + Math.round(n * DAY);
}

export { mulberry32 } from './mulberry32.js';

/** git with no user or system config, a fixed identity and the given author and committer time. */
function gitEnv(home: string, who: Person, when: number): NodeJS.ProcessEnv {
  const date = `${when} +0000`;
  return {
    PATH: process.env.PATH,
    HOME: home,
    LC_ALL: 'C',
    GIT_CONFIG_NOSYSTEM: '1',
    GIT_CONFIG_GLOBAL: '/dev/null',
    GIT_AUTHOR_NAME: who.name,
    GIT_AUTHOR_EMAIL: who.email,
    GIT_COMMITTER_NAME: who.name,
    GIT_COMMITTER_EMAIL: who.email,
    GIT_AUTHOR_DATE: date,
    GIT_COMMITTER_DATE: date,
  };
}

/**
 * A throwaway repository whose commits carry exact authors and times (author time = committer
 * time, so `--before` and `%at` agree).
 */
export class GitFixture {
  readonly dir: string;

  constructor(prefix = 'riskgate-history-') {
    this.dir = mkdtempSync(join(tmpdir(), prefix));
    this.git(['init', '-q', '-b', 'main']);
  }

  git(args: readonly string[], options: { who?: Person; when?: number; input?: string | Buffer; cwd?: string } = {}): string {
    return execFileSync('git', [...args], {
      cwd: options.cwd ?? this.dir,
      encoding: 'utf8',
      maxBuffer: 256 * 1024 * 1024,
      stdio: ['pipe', 'pipe', 'pipe'],
      env: gitEnv(this.dir, options.who ?? ALICE, options.when ?? EPOCH),
      ...(options.input !== undefined ? { input: options.input } : {}),
    });
  }

  /** Writes a file: a string as it is, lines joined with a final newline. */
  write(path: string, content: string | Buffer | readonly string[]): this {
    const full = join(this.dir, path);
    mkdirSync(dirname(full), { recursive: true });
    writeFileSync(full, Array.isArray(content) ? `${content.join('\n')}\n` : (content as string | Buffer));
    return this;
  }

  read(path: string): string[] {
    return readFileSync(join(this.dir, path), 'utf8').replace(/\n$/, '').split('\n');
  }

  /** Rewrites one line (1-based) of a file. */
  editLine(path: string, line: number, text: string): this {
    const lines = this.read(path);
    if (line < 1 || line > lines.length) throw new Error(`${path} has no line ${line}`);
    lines[line - 1] = text;
    return this.write(path, lines);
  }

  /** Deletes one line (1-based) of a file. */
  deleteLine(path: string, line: number): this {
    const lines = this.read(path);
    if (line < 1 || line > lines.length) throw new Error(`${path} has no line ${line}`);
    lines.splice(line - 1, 1);
    return this.write(path, lines);
  }

  /** `git mv`, creating the target's directory. */
  move(from: string, to: string): this {
    mkdirSync(dirname(join(this.dir, to)), { recursive: true });
    this.git(['mv', from, to]);
    return this;
  }

  remove(path: string): this {
    rmSync(join(this.dir, path));
    return this;
  }

  /** Stages everything and commits as `who` at `when`; returns the new commit's sha. */
  commit(message: string, who: Person, when: number): string {
    this.git(['add', '-A']);
    this.git(['commit', '-q', '--allow-empty', '--no-verify', '-m', message], { who, when });
    return this.head();
  }

  head(): string {
    return this.git(['rev-parse', 'HEAD']).trim();
  }

  cleanup(): void {
    rmSync(this.dir, { recursive: true, force: true });
  }
}

/** One commit for `fastImport`: files set to content, or deleted with null. */
export interface ImportCommit {
  who: Person;
  when: number;
  message: string;
  files: Record<string, string | null>;
}

/**
 * Writes a linear history onto refs/heads/main with one `git fast-import`: hundreds of commits in
 * well under a second; returns the commits' shas in order. The work tree is left empty (history is
 * all the miners read).
 */
export function fastImport(fixture: GitFixture, commits: readonly ImportCommit[]): string[] {
  const parts: Buffer[] = [];
  const text = (s: string) => parts.push(Buffer.from(s, 'utf8'));
  const data = (s: string) => {
    const bytes = Buffer.from(s, 'utf8');
    text(`data ${bytes.length}\n`);
    parts.push(bytes);
    text('\n');
  };
  commits.forEach((c, i) => {
    const ident = `${c.who.name} <${c.who.email}> ${c.when} +0000`;
    text(`commit refs/heads/main\nmark :${i + 1}\nauthor ${ident}\ncommitter ${ident}\n`);
    data(c.message);
    if (i > 0) text(`from :${i}\n`);
    for (const [path, content] of Object.entries(c.files)) {
      if (content === null) text(`D ${path}\n`);
      else {
        text(`M 100644 inline ${path}\n`);
        data(content);
      }
    }
    text('\n');
  });
  const marks = join(fixture.dir, '.git', 'fast-import-marks');
  fixture.git(['fast-import', '--quiet', '--done', `--export-marks=${marks}`], { input: Buffer.concat([...parts, Buffer.from('done\n')]) });
  const shas = new Map(
    readFileSync(marks, 'utf8')
      .trim()
      .split('\n')
      .map((line) => line.split(' ') as [string, string]),
  );
  rmSync(marks);
  return commits.map((_, i) => shas.get(`:${i + 1}`)!);
}
