import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll } from 'vitest';
import { describeQueueContract } from './queue-contract.js';

const directory = mkdtempSync(join(tmpdir(), 'riskgate-queue-'));
let places = 0;

afterAll(() => rmSync(directory, { recursive: true, force: true }));

describeQueueContract('sqlite', () => join(directory, `riskgate-${++places}.db`));
