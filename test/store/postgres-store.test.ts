import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { PostgresStore } from '../../src/store/postgres/postgres-store.js';
import { describeStoreContract } from './store-contract.js';

const DATABASE_URL = 'postgres://postgres@127.0.0.1:5432/test';
// Test files run in parallel against one database: each run keeps to schemas of its own.
const schemaName = () => `riskgate_test_${randomBytes(6).toString('hex')}`;
const schemas: string[] = [];

function openIn(schema: string): Promise<PostgresStore> {
  if (!schemas.includes(schema)) schemas.push(schema);
  return PostgresStore.open({ connectionString: DATABASE_URL, schema });
}

async function inDatabase<T>(work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: DATABASE_URL });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

afterAll(async () => {
  await inDatabase(async (client) => {
    for (const schema of schemas) await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
  });
});

const contractSchema = schemaName();
describeStoreContract('PostgreSQL', () => openIn(contractSchema));

describe('PostgreSQL store database', () => {
  it('creates its tables once when several processes start at once', async () => {
    const schema = schemaName();
    const stores = await Promise.all(Array.from({ length: 4 }, () => openIn(schema)));
    await Promise.all(stores.map((store) => store.close()));
    const versions = await inDatabase(async (client) => (await client.query(`SELECT version FROM "${schema}".store_schema ORDER BY version`)).rows);
    expect(versions).toEqual([{ version: 1 }, { version: 2 }, { version: 3 }, { version: 4 }, { version: 5 }, { version: 6 }]);
  });

  it('treats a row whose JSON was cut short as a miss', async () => {
    const store = await openIn(contractSchema);
    try {
      await store.put('c0ffee', { findings: [], usage: { inputTokens: 1, outputTokens: 1, cacheWrite5mTokens: 0, cacheWrite1hTokens: 0, cacheReadTokens: 0 }, usd: 0, model: 'm' });
      expect(await store.get('c0ffee')).toBeDefined();
      await inDatabase((client) => client.query(`UPDATE "${contractSchema}".results SET value = substr(value, 1, 20) WHERE key = 'c0ffee'`));
      expect(await store.get('c0ffee')).toBeUndefined();
    } finally {
      await store.close();
    }
  });

  it('refuses a schema name it would have to quote', async () => {
    await expect(PostgresStore.open({ connectionString: DATABASE_URL, schema: 'x"; DROP TABLE calls; --' })).rejects.toThrow(/schema name/);
  });
});
