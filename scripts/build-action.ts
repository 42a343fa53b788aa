import { build, type BuildOptions } from 'esbuild';
import { copyFileSync, mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { LANGUAGES } from '../src/code/languages.js';
import { BUNDLED_GRAMMAR_DIR, grammarFile, RUNTIME_WASM } from '../src/code/load-grammar.js';

// The Action's bundle: one ESM file with every dependency, committed under dist/ because a
// workflow runs the repository as it is, without `npm ci`. CI rebuilds it and compares bytes.

export const REPO_ROOT = fileURLToPath(new URL('..', import.meta.url));
export const ACTION_BUNDLE = 'dist/index.js';

export function actionBuildOptions(outfile: string = ACTION_BUNDLE): BuildOptions {
  return {
    absWorkingDir: REPO_ROOT,
    entryPoints: ['src/action/main.ts'],
    outfile,
    bundle: true,
    platform: 'node',
    format: 'esm',
    // GitHub runs it on node24; node20 syntax runs there and on the Node 20 the tests use.
    target: 'node20',
    // CommonJS dependencies call require(); an ESM bundle has none unless it makes one.
    banner: { js: "import { createRequire as __riskgateCreateRequire } from 'node:module';\nconst require = __riskgateCreateRequire(import.meta.url);" },
    legalComments: 'eof',
    logLevel: 'warning',
  };
}

/**
 * The tree-sitter runtime and grammar WASM files the code-structure layer loads, copied to
 * `grammars/` beside the bundle (the Action runs without node_modules; src/code/load-grammar.ts
 * looks there first). Returns the files copied.
 */
export function copyGrammars(bundleDir: string = join(REPO_ROOT, dirname(ACTION_BUNDLE))): string[] {
  const require = createRequire(join(REPO_ROOT, 'package.json'));
  const target = join(bundleDir, BUNDLED_GRAMMAR_DIR);
  mkdirSync(target, { recursive: true });
  const files = [
    { from: require.resolve(`web-tree-sitter/${RUNTIME_WASM}`), name: RUNTIME_WASM },
    ...[...new Set(Object.values(LANGUAGES).map(grammarFile))].map((name) => ({ from: require.resolve(`@repomix/tree-sitter-wasms/out/${name}`), name })),
  ];
  for (const file of files) copyFileSync(file.from, join(target, file.name));
  return files.map((f) => f.name);
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  await build(actionBuildOptions());
  copyGrammars();
}
