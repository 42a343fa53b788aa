// A worker in a process of its own, for the tests that kill one mid-job: it opens the queue named on
// its command line, announces each job it starts, and never finishes one.
import { openQueue, type QueuePlace } from './queue-harness.js';

const place = JSON.parse(process.argv[2]!) as QueuePlace;
const queue = openQueue(place);
queue.start(
  async (job) => {
    process.stdout.write(`${JSON.stringify({ id: job.id, attempt: job.attempt, deliveryId: job.data.deliveryId })}\n`);
    await new Promise(() => undefined);
  },
  () => undefined,
);
