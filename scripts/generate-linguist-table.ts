// Writes src/diff/linguist-table.generated.ts from linguist-languages. Importing that package at
// run time costs about 180 ms (1,600 modules), too slow for a CLI that scores in milliseconds, so
// the table is generated once; test/diff/linguist-table.test.ts fails when it is out of date.
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { buildLinguistTable, renderLinguistTable } from './linguist-table-source.js';

const target = fileURLToPath(new URL('../../src/diff/linguist-table.generated.ts', import.meta.url));
writeFileSync(target, renderLinguistTable(await buildLinguistTable()));
console.log(`wrote ${target}`);
