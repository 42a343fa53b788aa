/** One unit of work: gate a pull request head for one webhook delivery. */
export interface GateJob {
  /** GitHub's delivery id: a re-delivery carries the same one and must not run twice. */
  deliveryId: string;
  /** Jobs with the same key (one pull request) run one after another, never together. */
  key: string;
  run(): Promise<void>;
}

export type EnqueueResult = 'accepted' | 'duplicate';

/** Where webhook handlers put work so the webhook is answered at once. */
export interface JobQueue {
  enqueue(job: GateJob): EnqueueResult;
  /** Resolves when no job is queued or running. */
  idle(): Promise<void>;
}
