import { readFileSync } from 'node:fs';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build } from 'esbuild';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { ACTION_BUNDLE, actionBuildOptions, REPO_ROOT } from '../../scripts/build-action.js';

describe('the committed Action bundle', () => {
  it('is byte for byte what a fresh build of the sources produces (run `npm run build:action`)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'riskgate-dist-'));
    try {
      const outfile = join(dir, 'index.js');
      await build(actionBuildOptions(outfile));
      const fresh = readFileSync(outfile, 'utf8');
      const committed = readFileSync(join(REPO_ROOT, ACTION_BUNDLE), 'utf8');
      // A plain equality keeps a 3 MB diff out of the report; the message says what to do.
      expect(committed === fresh, 'dist/index.js is stale: run `npm run build:action` and commit dist/').toBe(true);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('action.yml runs that bundle on node24 and declares the inputs the code reads', () => {
    const action = parse(readFileSync(join(REPO_ROOT, 'action.yml'), 'utf8')) as { runs: { using: string; main: string }; inputs: Record<string, unknown>; outputs: Record<string, unknown> };
    expect(action.runs).toEqual({ using: 'node24', main: ACTION_BUNDLE });
    const source = readFileSync(join(REPO_ROOT, 'src/action/run-action.ts'), 'utf8');
    const read = [...source.matchAll(/(?:getInput|choice<\w+>|dollars)\('([\w-]+)'/g)].map((m) => m[1]).sort();
    expect(Object.keys(action.inputs).sort()).toEqual([...new Set(read)].sort());
    const set = [...source.matchAll(/setOutput\('([\w-]+)'/g)].map((m) => m[1]);
    expect(Object.keys(action.outputs).sort()).toEqual([...new Set(set)].sort());
  });
});
