import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { summarize } from '../../src/dashboard/dashboard-data.js';
import { SqliteStore } from '../../src/store/sqlite/sqlite-store.js';

const NOW = Date.UTC(2026, 0, 15, 12);
const usage = { inputTokens: 1000, outputTokens: 100, cacheWrite5mTokens: 0, cacheWrite1hTokens: 0, cacheReadTokens: 0 };
const identity = { installationId: 1, repository: 'o/r', pullNumber: 1, headSha: 'a'.repeat(40), author: 'alice', at: NOW - 1000, tier: 'minimal' as const, agent: 'review', outcome: 'ok' as const, savedUsd: 0, latencyMs: 10 };

describe('the dashboard and a local model', () => {
  it('marks a model only local calls answered as local ($0), and a billed one not', async () => {
    const directory = mkdtempSync(join(tmpdir(), 'riskgate-dash-local-'));
    const store = SqliteStore.inDataDirectory(directory);
    try {
      await store.recordCall({ ...identity, model: 'local/qwen2.5-coder', provider: 'local', local: true, usage, usd: 0, strongUsd: 0.004 });
      await store.recordCall({ ...identity, model: 'claude-haiku-5-5', usage, usd: 0.00015, strongUsd: 0.004 });
      const summary = await summarize(store, 30, NOW);
      expect(summary.models).toEqual([
        { model: 'claude-haiku-5-5', usd: 0.00015, calls: 1 },
        { model: 'local/qwen2.5-coder', usd: 0, calls: 1, local: true },
      ]);
    } finally {
      await store.close();
      rmSync(directory, { recursive: true, force: true });
    }
  });
});
