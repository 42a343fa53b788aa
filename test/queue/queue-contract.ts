import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { JobAbortedError } from '../../src/queue/job-aborted-error.js';
import type { CommandJobData, GateJobData, JobFailure, JobHandler, JobQueue, QueueLimits, RunningJob } from '../../src/queue/job-queue.js';
import { openQueue, type QueueImplementation, type QueuePlace } from './queue-harness.js';

// Short leases keep the crash tests quick; the deadline is generous so a slow machine only waits.
const LIMITS: QueueLimits = { concurrency: 4, perRepository: 2, leaseMs: 600, maxAttempts: 3 };
const DEADLINE_MS = 20_000;
const CHILD = fileURLToPath(new URL('./queue-worker-child.ts', import.meta.url));

let deliveries = 0;

function gate(owner: string, repo: string, pullNumber: number, headSha: string): GateJobData {
  return { kind: 'gate', deliveryId: `delivery-${++deliveries}`, installationId: 1, pull: { owner, repo, pullNumber }, headSha };
}

function command(owner: string, repo: string, issueNumber: number): CommandJobData {
  return {
    kind: 'command',
    deliveryId: `delivery-${++deliveries}`,
    installationId: 1,
    repo: { owner, repo },
    issueNumber,
    commentId: issueNumber,
    sender: 'octocat',
    command: { kind: 'rerun' },
  };
}

async function waitFor(what: string, condition: () => boolean | Promise<boolean>): Promise<void> {
  const deadline = Date.now() + DEADLINE_MS;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

function deferred(): { promise: Promise<void>; resolve: () => void } {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
}

/** One handler run, as the test saw it. */
interface Run {
  deliveryId: string;
  instance: string;
  attempt: number;
  start: number;
  end?: number;
}

/** The largest number of runs in progress at one moment. */
function maxOverlap(runs: readonly Run[]): number {
  const events = runs.flatMap((run) => [
    { at: run.start, delta: 1 },
    { at: run.end ?? Infinity, delta: -1 },
  ]);
  // An end and a start at the same millisecond do not overlap: ends first.
  events.sort((a, b) => a.at - b.at || a.delta - b.delta);
  let current = 0;
  let max = 0;
  for (const event of events) max = Math.max(max, (current += event.delta));
  return max;
}

/** A handler that records its runs and, per delivery, does what the test asks. */
function recorder(instance: string, runs: Run[], behaviour: (job: RunningJob) => Promise<void> = () => new Promise((r) => setTimeout(r, 50))): JobHandler {
  return async (job) => {
    const run: Run = { deliveryId: job.data.deliveryId, instance, attempt: job.attempt, start: Date.now() };
    runs.push(run);
    try {
      await behaviour(job);
    } finally {
      run.end = Date.now();
    }
  };
}

const noFailures = (job: RunningJob, error: unknown) => {
  throw new Error(`unexpected failure of ${job.data.deliveryId}: ${String(error)}`);
};

/** A worker in its own process that takes jobs and never finishes them, until it is killed. */
class ChildWorker {
  private readonly child: ChildProcess;
  private readonly started: { deliveryId: string; attempt: number }[] = [];

  constructor(place: QueuePlace) {
    this.child = spawn(process.execPath, ['--import', 'tsx', CHILD, JSON.stringify(place)], { stdio: ['ignore', 'pipe', 'inherit'] });
    createInterface({ input: this.child.stdout! }).on('line', (line) => this.started.push(JSON.parse(line) as { deliveryId: string; attempt: number }));
  }

  async waitForStart(deliveryId: string): Promise<number> {
    await waitFor(`a child worker to start ${deliveryId}`, () => this.started.some((s) => s.deliveryId === deliveryId));
    return this.started.find((s) => s.deliveryId === deliveryId)!.attempt;
  }

  /** SIGKILL: no handler, no cleanup, no lease given back. */
  async kill(): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    const exited = new Promise((resolve) => this.child.once('exit', resolve));
    this.child.kill('SIGKILL');
    await exited;
  }
}

/**
 * What every JobQueue must do, run against a real database or server. `newPlace` gives an empty
 * place (a database file, a Redis prefix) for one test; queues opened on the same place share it.
 */
export function describeQueueContract(implementation: QueueImplementation, newPlace: () => string): void {
  describe(`${implementation} job queue`, () => {
    const opened: JobQueue[] = [];
    const children: ChildWorker[] = [];

    afterEach(async () => {
      await Promise.all(children.splice(0).map((child) => child.kill()));
      await Promise.all(opened.splice(0).map((queue) => queue.close()));
    });

    function place(limits: Partial<QueueLimits> = {}): QueuePlace {
      return { implementation, place: newPlace(), limits: { ...LIMITS, ...limits } };
    }

    function open(where: QueuePlace): JobQueue {
      const queue = openQueue(where);
      opened.push(queue);
      return queue;
    }

    function child(where: QueuePlace): ChildWorker {
      const worker = new ChildWorker(where);
      children.push(worker);
      return worker;
    }

    it('has a job durably recorded when enqueue resolves: another instance sees it and runs it', async () => {
      const where = place();
      const producer = open(where);
      const job = gate('acme', 'api', 1, 'h1');
      expect(await producer.enqueue(job)).toBe('accepted');
      await producer.close();

      const consumer = open(where);
      expect((await consumer.counts()).queued).toBe(1);
      const runs: Run[] = [];
      consumer.start(recorder('consumer', runs), noFailures);
      await consumer.idle();
      expect(runs.map((run) => run.deliveryId)).toEqual([job.deliveryId]);
      expect(await consumer.counts()).toEqual({ queued: 0, running: 0, completed: 1, failed: 0, superseded: 0 });
    });

    it('refuses a delivery it has seen, on any instance, and runs the job once', async () => {
      const where = place();
      const [a, b] = [open(where), open(where)];
      const job = command('acme', 'api', 7);
      expect(await a.enqueue(job)).toBe('accepted');
      expect(await a.enqueue(job)).toBe('duplicate');
      expect(await b.enqueue({ ...job })).toBe('duplicate');
      const runs: Run[] = [];
      a.start(recorder('a', runs), noFailures);
      b.start(recorder('b', runs), noFailures);
      await a.idle();
      expect(runs).toHaveLength(1);
      expect((await b.counts()).completed).toBe(1);
    });

    it('runs the jobs of one pull request one after another, across instances', async () => {
      const where = place();
      const [a, b] = [open(where), open(where)];
      const runs: Run[] = [];
      // One head: none supersedes another.
      for (let i = 0; i < 4; i++) await a.enqueue(gate('acme', 'api', 3, 'same-head'));
      a.start(recorder('a', runs), noFailures);
      b.start(recorder('b', runs), noFailures);
      await a.idle();
      expect(runs).toHaveLength(4);
      expect(maxOverlap(runs)).toBe(1);
    });

    it('runs at most perRepository jobs of one repository at once, and other repositories alongside', async () => {
      const where = place({ concurrency: 10, perRepository: 2 });
      const [a, b] = [open(where), open(where)];
      const runs: Run[] = [];
      const releases = new Map<string, () => void>();
      const behaviour = (job: RunningJob) => {
        const gateOpen = deferred();
        releases.set(job.data.deliveryId, gateOpen.resolve);
        return gateOpen.promise;
      };
      const repoA = [1, 2, 3].map((n) => gate('acme', 'api', n, `a${n}`));
      const repoB = [1, 2].map((n) => gate('acme', 'web', n, `b${n}`));
      for (const job of [...repoA, ...repoB]) await a.enqueue(job);
      a.start(recorder('a', runs, behaviour), noFailures);
      b.start(recorder('b', runs, behaviour), noFailures);

      const started = (job: GateJobData) => runs.some((run) => run.deliveryId === job.deliveryId);
      await waitFor('two jobs of acme/api and both of acme/web', () => repoA.filter(started).length === 2 && repoB.every(started));
      // The third was queued before acme/web's jobs and still waits for a place.
      expect(repoA.filter(started)).toHaveLength(2);
      releases.get(repoA.find(started)!.deliveryId)!();
      await waitFor('the third job of acme/api', () => repoA.every(started));
      for (const job of [...repoA, ...repoB]) await waitFor(`${job.deliveryId} to start`, () => releases.has(job.deliveryId));
      for (const release of releases.values()) release();
      await a.idle();

      const ofRepository = (jobs: GateJobData[]) => runs.filter((run) => jobs.some((job) => job.deliveryId === run.deliveryId));
      expect(maxOverlap(ofRepository(repoA))).toBe(2);
      expect(maxOverlap(runs)).toBe(4);
    });

    it('never runs a queued gate job once a newer head of its pull request is queued, and counts it superseded', async () => {
      const where = place();
      const queue = open(where);
      const older = gate('acme', 'api', 5, 'old-head');
      const newer = gate('acme', 'api', 5, 'new-head');
      await queue.enqueue(older);
      await queue.enqueue(newer);
      const runs: Run[] = [];
      queue.start(recorder('a', runs), noFailures);
      await queue.idle();
      expect(runs.map((run) => run.deliveryId)).toEqual([newer.deliveryId]);
      expect(await queue.counts()).toEqual({ queued: 0, running: 0, completed: 1, failed: 0, superseded: 1 });
    });

    it('runs both gate jobs queued for the same head, one after the other (a later request may ask for more)', async () => {
      const queue = open(place());
      const first = gate('acme', 'api', 6, 'one-head');
      const second = { ...gate('acme', 'api', 6, 'one-head'), forced: 'full' as const, explicit: true };
      await queue.enqueue(first);
      await queue.enqueue(second);
      const runs: Run[] = [];
      queue.start(recorder('a', runs), noFailures);
      await queue.idle();
      expect(runs.map((run) => run.deliveryId)).toEqual([first.deliveryId, second.deliveryId]);
      expect(maxOverlap(runs)).toBe(1);
    });

    it("aborts a running gate job's signal when a newer head of its pull request is queued", async () => {
      const queue = open(place());
      const older = gate('acme', 'api', 8, 'old-head');
      const newer = gate('acme', 'api', 8, 'new-head');
      const runs: Run[] = [];
      let reason: unknown;
      queue.start(
        recorder('a', runs, async (job) => {
          if (job.data.deliveryId !== older.deliveryId) return;
          await new Promise((resolve) => job.signal.addEventListener('abort', resolve));
          reason = job.signal.reason;
          throw reason;
        }),
        noFailures,
      );
      await queue.enqueue(older);
      await waitFor('the older head to start', () => runs.length === 1);
      await queue.enqueue(newer);
      await queue.idle();

      expect(reason).toBeInstanceOf(JobAbortedError);
      expect((reason as JobAbortedError).abortCause).toBe('superseded');
      expect(runs.map((run) => run.deliveryId)).toEqual([older.deliveryId, newer.deliveryId]);
      expect(maxOverlap(runs)).toBe(1);
      expect(await queue.counts()).toEqual({ queued: 0, running: 0, completed: 1, failed: 0, superseded: 1 });
    });

    it('reports a job whose handler throws to onFailed, once, and does not run it again', async () => {
      const queue = open(place());
      const job = command('acme', 'api', 9);
      const failures: { job: RunningJob; error: unknown; failure: JobFailure }[] = [];
      const runs: Run[] = [];
      queue.start(
        recorder('a', runs, async () => {
          throw new Error('boom');
        }),
        (failed, error, failure) => failures.push({ job: failed, error, failure }),
      );
      await queue.enqueue(job);
      await queue.idle();
      await waitFor('onFailed', () => failures.length === 1);
      expect(failures[0]!.job.data).toEqual(job);
      expect(failures[0]!.job.attempt).toBe(1);
      expect((failures[0]!.error as Error).message).toBe('boom');
      expect(failures[0]!.failure).toBe('threw');
      expect(runs).toHaveLength(1);
      expect(await queue.counts()).toEqual({ queued: 0, running: 0, completed: 0, failed: 1, superseded: 0 });
    });

    it('gives the job of a worker killed mid-job to another worker, as attempt 2', async () => {
      const where = place();
      const producer = open(where);
      const job = gate('acme', 'api', 10, 'h1');
      const doomed = child(where);
      await producer.enqueue(job);
      expect(await doomed.waitForStart(job.deliveryId)).toBe(1);
      await doomed.kill();

      const runs: Run[] = [];
      producer.start(recorder('survivor', runs), noFailures);
      await producer.idle();
      expect(runs.map((run) => [run.deliveryId, run.attempt])).toEqual([[job.deliveryId, 2]]);
      expect(await producer.counts()).toEqual({ queued: 0, running: 0, completed: 1, failed: 0, superseded: 0 });
    });

    it('fails a job whose worker died on each of maxAttempts runs, and tells onFailed', async () => {
      const where = place({ maxAttempts: 2 });
      const survivor = open(where);
      const job = gate('acme', 'api', 11, 'h1');
      await survivor.enqueue(job);
      for (const attempt of [1, 2]) {
        const doomed = child(where);
        expect(await doomed.waitForStart(job.deliveryId)).toBe(attempt);
        await doomed.kill();
      }

      const runs: Run[] = [];
      const failures: RunningJob[] = [];
      const kinds: JobFailure[] = [];
      survivor.start(recorder('survivor', runs), (failed, _error, failure) => (failures.push(failed), kinds.push(failure)));
      await survivor.idle();
      await waitFor('onFailed', () => failures.length === 1);
      expect(failures[0]!.data).toEqual(job);
      expect(failures[0]!.attempt).toBe(2);
      // Told apart from a job that threw: only the App can end what the dead runs opened.
      expect(kinds).toEqual(['exhausted']);
      expect(runs).toEqual([]);
      expect(await survivor.counts()).toEqual({ queued: 0, running: 0, completed: 0, failed: 1, superseded: 0 });
    });

    it('runs a gate job whose worker died, once a newer head supersedes it, one more time with its signal already aborted', async () => {
      const where = place();
      const survivor = open(where);
      const older = gate('acme', 'api', 15, 'old-head');
      const newer = gate('acme', 'api', 15, 'new-head');
      const doomed = child(where);
      await survivor.enqueue(older);
      expect(await doomed.waitForStart(older.deliveryId)).toBe(1);
      await doomed.kill();
      // The push arrives while the dead run's job waits for its lease to run out.
      await survivor.enqueue(newer);

      const seen: { deliveryId: string; attempt: number; abortedAtStart?: unknown }[] = [];
      survivor.start(async (job) => {
        const reason = job.signal.reason as JobAbortedError | undefined;
        seen.push({ deliveryId: job.data.deliveryId, attempt: job.attempt, ...(job.signal.aborted ? { abortedAtStart: reason?.abortCause } : {}) });
      }, noFailures);
      await survivor.idle();
      // The dead run may have opened checks that only a handler can end: it gets that run, told
      // from the start that it is superseded. The new head is gated as usual.
      expect(seen.sort((a, b) => a.deliveryId.localeCompare(b.deliveryId))).toEqual([
        { deliveryId: older.deliveryId, attempt: 2, abortedAtStart: 'superseded' },
        { deliveryId: newer.deliveryId, attempt: 1 },
      ]);
      expect(await survivor.counts()).toEqual({ queued: 0, running: 0, completed: 1, failed: 0, superseded: 1 });
    });

    it('shares the work between instances', async () => {
      const where = place({ concurrency: 1 });
      const [a, b] = [open(where), open(where)];
      const runs: Run[] = [];
      // Each instance runs one job at a time, so two jobs in progress together means both took one.
      let bothHeld = false;
      const behaviour = () =>
        waitFor('both instances to hold a job', () => (bothHeld ||= runs.filter((run) => run.end === undefined).length === 2));
      a.start(recorder('a', runs, behaviour), noFailures);
      b.start(recorder('b', runs, behaviour), noFailures);
      await a.enqueue(gate('acme', 'api', 12, 'h1'));
      await a.enqueue(gate('acme', 'web', 13, 'h1'));
      await a.idle();
      expect(runs.map((run) => run.instance).sort()).toEqual(['a', 'b']);
    });

    it('on close, aborts running jobs and gives back the ones that stop, with their attempt unspent', async () => {
      const where = place();
      const [leaving, staying] = [open(where), open(where)];
      const job = gate('acme', 'api', 14, 'h1');
      const runs: Run[] = [];
      let reason: unknown;
      leaving.start(
        recorder('leaving', runs, async (running) => {
          await new Promise((resolve) => running.signal.addEventListener('abort', resolve));
          reason = running.signal.reason;
          throw reason;
        }),
        noFailures,
      );
      await leaving.enqueue(job);
      await waitFor('the job to start', () => runs.length === 1);
      await leaving.close();
      expect((reason as JobAbortedError).abortCause).toBe('closing');
      expect((await staying.counts()).queued).toBe(1);

      staying.start(recorder('staying', runs), noFailures);
      await staying.idle();
      expect(runs.map((run) => [run.instance, run.attempt])).toEqual([
        ['leaving', 1],
        ['staying', 1],
      ]);
    });
  });
}
