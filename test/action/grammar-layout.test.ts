import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build } from 'esbuild';
import { describe, expect, it } from 'vitest';
import { actionBuildOptions, copyGrammars } from '../../scripts/build-action.js';
import { LANGUAGES } from '../../src/code/languages.js';

describe("the Action's grammars beside its bundle", () => {
  it('are copied to dist/grammars/ and found there by the bundled loader, with no node_modules around', async () => {
    // Outside the repository, so node_modules cannot be resolved from the bundle's directory.
    const dir = mkdtempSync(join(tmpdir(), 'riskgate-grammars-'));
    try {
      const dist = join(dir, 'dist');
      await build({ ...actionBuildOptions(join(dist, 'index.js')), entryPoints: ['test/action/fixtures/load-grammars-entry.ts'] });
      const copied = copyGrammars(dist);
      expect(readdirSync(join(dist, 'grammars')).sort()).toEqual([...copied].sort());
      expect(copied).toContain('web-tree-sitter.wasm');
      const out = JSON.parse(execFileSync(process.execPath, [join(dist, 'index.js')], { cwd: dir, encoding: 'utf8' })) as { from: string; grammarDir: string; parsed: Record<string, number> };
      expect(out.from).toBe('bundle');
      expect(out.grammarDir).toBe(join(dist, 'grammars'));
      expect(Object.keys(out.parsed).sort()).toEqual(Object.keys(LANGUAGES).sort());
      // Every grammar parsed its line into one function (classes hold it in Java and C#).
      for (const [language, symbols] of Object.entries(out.parsed)) expect(symbols, language).toBeGreaterThanOrEqual(1);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
