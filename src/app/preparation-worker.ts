import { parentPort } from 'node:worker_threads';
import { prepareChangeNow, type PreparationRequest } from '../run/change-preparer.js';

// A scoring worker thread's entry (see prepare-in-worker.ts): prepares the changes it is sent, one
// at a time, and posts each result back. A throw is reported, and the worker stays for the next.

export interface PreparationMessage {
  id: number;
  request: PreparationRequest;
}

export type PreparationReply = { id: number } & ({ prepared: ReturnType<typeof prepareChangeNow> } | { failed: string });

parentPort!.on('message', ({ id, request }: PreparationMessage) => {
  let reply: PreparationReply;
  try {
    reply = { id, prepared: prepareChangeNow(request) };
  } catch (error) {
    reply = { id, failed: error instanceof Error ? error.message : String(error) };
  }
  parentPort!.postMessage(reply);
});
