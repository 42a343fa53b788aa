import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DATABASE_FILE } from '../../src/store/data-directory.js';
import { openSqlite } from '../../src/store/sqlite/open-sqlite.js';
import { SqliteStore } from '../../src/store/sqlite/sqlite-store.js';
import { describeStoreContract } from './store-contract.js';

const PROCESS_SCRIPT = fileURLToPath(new URL('./sqlite-store-process.ts', import.meta.url));

let directory: string;
beforeAll(async () => {
  directory = await mkdtemp(join(tmpdir(), 'riskgate-sqlite-store-'));
});
afterAll(async () => {
  await rm(directory, { recursive: true, force: true });
});

const databasePath = () => join(directory, DATABASE_FILE);

describeStoreContract('SQLite', async () => SqliteStore.inDataDirectory(directory));

function startProcess(args: string[]): { child: ChildProcessWithoutNullStreams; lines: AsyncIterator<string>; exit: Promise<number | null> } {
  const child = spawn(process.execPath, ['--import', 'tsx', PROCESS_SCRIPT, databasePath(), ...args]);
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  const exit = new Promise<number | null>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolve(code) : reject(new Error(`exit ${code}: ${stderr}`))));
  });
  async function* readLines(): AsyncGenerator<string> {
    let buffered = '';
    for await (const chunk of child.stdout.setEncoding('utf8')) {
      buffered += chunk as string;
      let newline: number;
      while ((newline = buffered.indexOf('\n')) >= 0) {
        yield buffered.slice(0, newline);
        buffered = buffered.slice(newline + 1);
      }
    }
  }
  return { child, lines: readLines(), exit };
}

async function nextLine(lines: AsyncIterator<string>): Promise<string> {
  const { value, done } = await lines.next();
  if (done) throw new Error('the process ended without a line');
  return value;
}

describe('SQLite store file', () => {
  it('shows another process what this one committed', async () => {
    const store = SqliteStore.inDataDirectory(directory);
    try {
      const installationId = 900_001;
      await store.recordCall({
        installationId,
        repository: 'owner/repo',
        pullNumber: 1,
        headSha: 'abc',
        author: 'alice',
        at: Date.now(),
        tier: 'standard',
        agent: 'review',
        model: 'claude-haiku-4-5',
        outcome: 'ok',
        usage: { inputTokens: 1, outputTokens: 1, cacheWrite5mTokens: 0, cacheWrite1hTokens: 0, cacheReadTokens: 0 },
        usd: 0.01,
        strongUsd: 0.05,
        savedUsd: 0,
        latencyMs: 10,
      });
      await store.put('f00d', { findings: [], usage: { inputTokens: 1, outputTokens: 1, cacheWrite5mTokens: 0, cacheWrite1hTokens: 0, cacheReadTokens: 0 }, usd: 0.01, model: 'claude-haiku-4-5' });
      const runKey = 'run-seen-by-another-process';
      await store.claimRun({ runKey, installationId, repository: 'owner/repo', pullNumber: 1, headSha: 'abc', author: 'alice', tier: 'standard', owner: 'parent', explicit: false }, Date.now(), 60_000);

      const { lines, exit } = startProcess(['read', String(installationId), 'f00d', runKey]);
      expect(JSON.parse(await nextLine(lines))).toEqual({ calls: 1, model: 'claude-haiku-4-5', claim: { status: 'busy', owner: 'parent' } });
      await exit;
    } finally {
      await store.close();
    }
  });

  it('lets processes holding budget at once grant exactly what fits', async () => {
    const repository = 'owner/held-by-processes';
    const processes = Array.from({ length: 4 }, () => startProcess(['hold', repository, '10']));
    for (const { lines } of processes) expect(await nextLine(lines)).toBe('ready');
    for (const { child } of processes) child.stdin.end('go\n');
    const granted = await Promise.all(processes.map(async ({ lines }) => (JSON.parse(await nextLine(lines)) as { granted: number }).granted));
    await Promise.all(processes.map(({ exit }) => exit));
    expect(granted.reduce((sum, n) => sum + n, 0)).toBe(5);
  });

  it('treats a row whose JSON was cut short as a miss', async () => {
    const store = SqliteStore.inDataDirectory(directory);
    const raw = openSqlite(databasePath());
    try {
      await store.put('c0ffee', { findings: [], usage: { inputTokens: 1, outputTokens: 1, cacheWrite5mTokens: 0, cacheWrite1hTokens: 0, cacheReadTokens: 0 }, usd: 0, model: 'm' });
      expect(await store.get('c0ffee')).toBeDefined();
      raw.prepare("UPDATE results SET value = substr(value, 1, 20) WHERE key = 'c0ffee'").run();
      expect(await store.get('c0ffee')).toBeUndefined();
    } finally {
      raw.close();
      await store.close();
    }
  });

  it('leaves out an eval report whose JSON was cut short', async () => {
    const store = SqliteStore.inDataDirectory(directory);
    const raw = openSqlite(databasePath());
    try {
      await store.recordEvalReport({ repository: 'owner/cut-report', at: Date.UTC(2040, 0, 1), report: { arms: [] } });
      expect((await store.latestEvalReports(1))[0]?.repository).toBe('owner/cut-report');
      raw.prepare("UPDATE eval_reports SET report = substr(report, 1, 5) WHERE repository = 'owner/cut-report'").run();
      expect((await store.latestEvalReports(1000)).map((r) => r.repository)).not.toContain('owner/cut-report');
    } finally {
      raw.close();
      await store.close();
    }
  });

  it('versions its tables in store_schema, leaving user_version to others sharing the file', async () => {
    // Opening again finds the tables made: it neither makes them twice nor loses their rows.
    const store = SqliteStore.inDataDirectory(directory);
    await store.close();
    const raw = openSqlite(databasePath());
    try {
      expect(raw.prepare('SELECT version FROM store_schema ORDER BY version').all()).toEqual([{ version: 1 }, { version: 2 }, { version: 3 }, { version: 4 }, { version: 5 }, { version: 6 }]);
      expect(raw.pragma('user_version', { simple: true })).toBe(0);
      expect((raw.prepare('SELECT count(*) AS n FROM calls').get() as { n: number }).n).toBeGreaterThan(0);
    } finally {
      raw.close();
    }
  });
});
