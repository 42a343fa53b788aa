// A second process on the test's SQLite file, run by sqlite-store.test.ts:
//   node --import tsx sqlite-store-process.ts <database> read <installationId> <resultKey> <runKey>
//   node --import tsx sqlite-store-process.ts <database> hold <repository> <attempts>
import { createInterface } from 'node:readline';
import { SqliteStore } from '../../src/store/sqlite/sqlite-store.js';

const [path, command, ...args] = process.argv.slice(2);
const store = new SqliteStore(path!);

if (command === 'read') {
  const [installationId, resultKey, runKey] = args;
  const [spent] = await store.spend({ installationId: Number(installationId), by: [] });
  const result = await store.get(resultKey!);
  const claim = await store.claimRun(
    { runKey: runKey!, installationId: 1, repository: 'owner/repo', pullNumber: 1, headSha: 'abc', author: 'alice', tier: 'standard', owner: 'child', explicit: false },
    Date.now(),
    60_000,
  );
  console.log(JSON.stringify({ calls: spent?.calls, model: result?.model, claim }));
} else if (command === 'hold') {
  const [repository, attempts] = args;
  // Wait for the parent's go, so that every process holds at the same time.
  console.log('ready');
  await new Promise<void>((resolve) => createInterface({ input: process.stdin }).once('line', () => resolve()));
  let granted = 0;
  for (let attempt = 0; attempt < Number(attempts); attempt++) {
    const hold = await store.holdBudget([{ scope: { kind: 'repository', repository: repository! }, window: 'day', limitUsd: 5 }], Date.now(), 60_000, ([used]) => {
      // Deciding slowly widens the gap between reading what is used and holding more: without
      // the lock, other processes would read the same total in between.
      const until = Date.now() + 2;
      while (Date.now() < until);
      return used! + 1 <= 5 ? 1 : 0;
    });
    if (hold.id) granted++;
  }
  console.log(JSON.stringify({ granted }));
}
await store.close();
