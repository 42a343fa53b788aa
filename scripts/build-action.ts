import { build, type BuildOptions } from 'esbuild';
import { fileURLToPath } from 'node:url';

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

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  await build(actionBuildOptions());
}
