import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { buildLinguistTable, renderLinguistTable } from '../../scripts/linguist-table-source.js';
import { languageOf } from '../../src/diff/linguist-table.js';

describe('the generated linguist table', () => {
  it('is what the installed linguist-languages produces (run scripts/generate-linguist-table.ts when not)', async () => {
    const committed = readFileSync(new URL('../../src/diff/linguist-table.generated.ts', import.meta.url), 'utf8');
    expect(committed).toBe(renderLinguistTable(await buildLinguistTable()));
  });

  it('prefers file names, then the longest extension', () => {
    expect(languageOf('a/Dockerfile')?.name).toBe('Dockerfile');
    expect(languageOf('types/index.d.ts')?.name).toBe('TypeScript');
    expect(languageOf('x/Y.JAVA')?.name).toBe('Java');
    expect(languageOf('noextension')).toBeUndefined();
  });
});
