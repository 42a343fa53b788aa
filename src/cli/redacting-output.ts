import { Writable } from 'node:stream';
import type { Redact } from '../security/redact-secrets.js';

/**
 * A stream that redacts each write before passing it on, synchronously while the destination
 * accepts it (so nothing is held back when the CLI returns), and with its backpressure otherwise.
 * Every write of the CLI is a whole line or block, so a secret is never split across two writes.
 */
export function redactingOutput(destination: Writable, redact: Redact): Writable {
  return new Writable({
    decodeStrings: false,
    write(chunk: string | Buffer, _encoding, done) {
      const text = typeof chunk === 'string' ? chunk : chunk.toString('utf8');
      if (destination.write(redact(text))) done();
      else destination.once('drain', () => done());
    },
  });
}

/** Resolves once everything written to `output` has been passed on. */
export function flushOutput(output: Writable): Promise<void> {
  return new Promise((resolve) => output.end(resolve));
}
