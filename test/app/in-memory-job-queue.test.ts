import { describe, expect, it } from 'vitest';
import { inMemoryJobQueue } from '../../src/app/in-memory-job-queue.js';
import type { GateJob } from '../../src/app/job-queue.js';

const gate = () => {
  let open!: () => void;
  const promise = new Promise<void>((resolve) => (open = resolve));
  return { promise, open };
};

describe('in-memory job queue', () => {
  it('refuses a re-delivered delivery id', async () => {
    const ran: string[] = [];
    const queue = inMemoryJobQueue({ concurrency: 2, onError: () => {} });
    const job = (id: string, key: string): GateJob => ({ deliveryId: id, key, run: async () => void ran.push(id) });
    expect(queue.enqueue(job('d1', 'o/r#1'))).toBe('accepted');
    expect(queue.enqueue(job('d1', 'o/r#1'))).toBe('duplicate');
    await queue.idle();
    expect(queue.enqueue(job('d1', 'o/r#2'))).toBe('duplicate');
    await queue.idle();
    expect(ran).toEqual(['d1']);
  });

  it('runs one job at a time per pull request and drops a waiting job a newer one replaces', async () => {
    // b waits behind the running a; c arrives and replaces b (both gate the same PR's current head).
    const ran: string[] = [];
    const first = gate();
    const queue = inMemoryJobQueue({ concurrency: 4, onError: () => {} });
    queue.enqueue({ deliveryId: 'a', key: 'o/r#1', run: async () => { ran.push('a:start'); await first.promise; ran.push('a:end'); } });
    await new Promise((r) => setTimeout(r, 10));
    queue.enqueue({ deliveryId: 'b', key: 'o/r#1', run: async () => void ran.push('b') });
    queue.enqueue({ deliveryId: 'c', key: 'o/r#1', run: async () => void ran.push('c') });
    queue.enqueue({ deliveryId: 'x', key: 'o/r#2', run: async () => void ran.push('x') });
    await new Promise((r) => setTimeout(r, 20));
    // Another pull request is not held up; this one's next job waits for the running one.
    expect(ran).toEqual(['a:start', 'x']);
    first.open();
    await queue.idle();
    expect(ran).toEqual(['a:start', 'x', 'a:end', 'c']);
  });

  it('reports a failing job and goes on with the next', async () => {
    const errors: unknown[] = [];
    const ran: string[] = [];
    const queue = inMemoryJobQueue({ concurrency: 1, onError: (e) => errors.push(e) });
    queue.enqueue({ deliveryId: 'a', key: 'k1', run: async () => { throw new Error('boom'); } });
    queue.enqueue({ deliveryId: 'b', key: 'k2', run: async () => void ran.push('b') });
    await queue.idle();
    expect((errors[0] as Error).message).toBe('boom');
    expect(ran).toEqual(['b']);
  });
});
