import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { DEFAULT_SOURCE_LIMITS, looksBinary, SourceBudget, type SourceLimits, type SourceRead, type SourceReader } from './source-reader.js';

const OBJECT_INFO = /^([0-9a-f]{40,64}) (\w+) (\d+)$/;

export interface GitSourceReader extends SourceReader {
  /** Ends the `git cat-file` process. */
  close(): void;
}

/**
 * Reads files from a local clone through one `git cat-file --batch-command` process: `info` first,
 * so a file over the bounds is never streamed, then `contents`. Requests are answered in order.
 */
export function gitSourceReader(root: string, limits: SourceLimits = DEFAULT_SOURCE_LIMITS): GitSourceReader {
  const budget = new SourceBudget(limits);
  let child: ChildProcessWithoutNullStreams | undefined;
  let buffered: Buffer = Buffer.alloc(0);
  let waiter: (() => void) | undefined;
  let failure: Error | undefined;
  let queue: Promise<unknown> = Promise.resolve();

  const start = (): ChildProcessWithoutNullStreams => {
    if (child) return child;
    const made = spawn('git', ['cat-file', '--batch-command'], { cwd: root, env: { ...process.env, LC_ALL: 'C' } });
    made.stdout.on('data', (chunk: Buffer) => {
      buffered = buffered.length === 0 ? chunk : Buffer.concat([buffered, chunk]);
      waiter?.();
    });
    const fail = (error: Error) => {
      failure = error;
      waiter?.();
    };
    made.on('error', fail);
    made.on('close', (code) => fail(new Error(`git cat-file ended (exit ${code ?? 'signal'})`)));
    made.stdin.on('error', fail);
    child = made;
    return made;
  };

  const waitFor = async (ready: () => boolean): Promise<void> => {
    while (!ready()) {
      if (failure) throw failure;
      await new Promise<void>((resolve) => (waiter = resolve));
      waiter = undefined;
    }
  };

  const readLine = async (): Promise<string> => {
    await waitFor(() => buffered.includes(0x0a));
    const end = buffered.indexOf(0x0a);
    const line = buffered.subarray(0, end).toString('utf8');
    buffered = buffered.subarray(end + 1);
    return line;
  };

  const readBytes = async (size: number): Promise<Buffer> => {
    // The object, then git's newline after it.
    await waitFor(() => buffered.length >= size + 1);
    const bytes = Buffer.from(buffered.subarray(0, size));
    buffered = buffered.subarray(size + 1);
    return bytes;
  };

  const readOne = async (path: string, rev: string): Promise<SourceRead> => {
    // The protocol is line-based: a name with a newline cannot be asked for.
    if (/[\n\r]/.test(path) || /[\n\r\s]/.test(rev) || rev === '') return { status: 'skipped', reason: 'a name git cat-file cannot be asked for' };
    const process = start();
    const object = `${rev}:${path}`;
    process.stdin.write(`info ${object}\n`);
    // `<oid> <type> <size>`, or `<object> missing` (the object name may hold spaces).
    const info = OBJECT_INFO.exec(await readLine());
    if (!info) return { status: 'missing' };
    if (info[2] !== 'blob') return { status: 'skipped', reason: `a ${info[2]}, not a file` };
    const size = Number(info[3]);
    const refused = budget.take(size);
    if (refused) return { status: 'skipped', reason: refused };
    process.stdin.write(`contents ${object}\n`);
    const header = OBJECT_INFO.exec(await readLine());
    if (!header || header[2] !== 'blob') return { status: 'missing' };
    const bytes = await readBytes(Number(header[3]));
    if (looksBinary(bytes)) return { status: 'skipped', reason: 'binary' };
    return { status: 'read', text: bytes.toString('utf8') };
  };

  return {
    readFile(path, rev) {
      const next = queue.then(() => readOne(path, rev));
      queue = next.catch(() => undefined);
      return next;
    },
    close() {
      child?.stdin.end();
      child?.kill();
      child = undefined;
    },
  };
}
