import type { Readable, Writable } from 'node:stream';
import type { Terminal } from './terminal.js';

/** What a command may touch: injected so tests can run the CLI in-process or as a real bin. */
export interface CliIo {
  stdin: Readable;
  stdout: Writable;
  stderr: Writable;
  cwd: string;
  env: NodeJS.ProcessEnv;
  /** Colour, width, live progress, --quiet: decided once from the real streams (plain when absent). */
  term?: Terminal;
}

/** A wrong invocation: the message says what to type instead. */
export class UsageError extends Error {
  override name = 'UsageError';
}

/** Writes and waits when the stream's buffer is full, so a long batch keeps memory flat. */
export async function writeLine(out: Writable, line: string): Promise<void> {
  if (!out.write(`${line}\n`)) await new Promise<void>((resolve) => out.once('drain', resolve));
}

export async function readAll(input: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of input) chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer));
  return Buffer.concat(chunks);
}
