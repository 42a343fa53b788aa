/** Why a running job's signal was aborted. */
export type JobAbortCause =
  /** A gate job for a newer head of the same pull request was queued. */
  | 'superseded'
  /** The queue is closing: a job that stops now is given back to the queue, not failed. */
  | 'closing'
  /** This worker stopped holding the job (its lease expired); another worker may be running it. */
  | 'lease-lost';

const MESSAGES: Record<JobAbortCause, string> = {
  superseded: 'a gate job for a newer head of this pull request was queued',
  closing: 'the job queue is closing',
  'lease-lost': "this worker's lease on the job expired",
};

/** The reason a `RunningJob.signal` carries, so a handler can tell a superseded run from a shutdown. */
export class JobAbortedError extends Error {
  override readonly name = 'JobAbortedError';

  constructor(readonly abortCause: JobAbortCause) {
    super(MESSAGES[abortCause]);
  }
}
