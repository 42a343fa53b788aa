import { JobAbortedError, type JobAbortCause } from './job-aborted-error.js';

/** Aborts a running job's signal once, remembering why: the queue decides the job's fate by it. */
export class JobAbortControl {
  private readonly controller = new AbortController();
  private cause?: JobAbortCause;

  get signal(): AbortSignal {
    return this.controller.signal;
  }

  /** Why the signal was aborted, if it was. */
  get abortCause(): JobAbortCause | undefined {
    return this.cause;
  }

  /** The first cause wins: a superseded job interrupted by a shutdown is still superseded. */
  abort(cause: JobAbortCause): void {
    if (this.cause) return;
    this.cause = cause;
    this.controller.abort(new JobAbortedError(cause));
  }
}
