import type { Agent } from './agent.js';

/** Correctness: what breaks at run time. */
export const reviewAgent: Agent = {
  name: 'review',
  promptVersion: 2,
  brief: () => `Your role: the correctness reviewer.
Look for defects the added lines introduce: wrong logic and off-by-one errors, null or undefined access, broken or swallowed error handling, missing awaits and unhandled rejections, races and other concurrency mistakes, resource leaks (files, connections, timers, listeners), misuse of a library's or platform's API, wrong units or encodings, and changes that break existing callers.
Leave security and test coverage to the other agents unless the defect is plainly a correctness bug.`,
  cacheInputs: () => '',
};
