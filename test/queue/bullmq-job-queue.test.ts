import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll } from 'vitest';
import { describeQueueContract } from './queue-contract.js';
import { REDIS_URL } from './queue-harness.js';

// Test files run in parallel against one server: every key of this run starts with its own prefix.
const run = `riskgate-test-${randomUUID().slice(0, 8)}`;
let places = 0;

afterAll(async () => {
  const redis = new Redis(REDIS_URL);
  for await (const keys of redis.scanStream({ match: `${run}*`, count: 500 }) as AsyncIterable<string[]>) {
    if (keys.length > 0) await redis.del(...keys);
  }
  await redis.quit();
});

describeQueueContract('bullmq', () => `${run}-${++places}`);
