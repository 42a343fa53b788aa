import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Language, Parser } from 'web-tree-sitter';
import { LANGUAGES, type CodeLanguage, type LanguageSpec } from './languages.js';

/** The tree-sitter runtime's own WASM file. */
export const RUNTIME_WASM = 'web-tree-sitter.wasm';
/** Where the Action's bundle keeps the WASM files: `dist/grammars/`, beside `dist/index.js`. */
export const BUNDLED_GRAMMAR_DIR = 'grammars';

export const grammarFile = (spec: Pick<LanguageSpec, 'grammar'>): string => `tree-sitter-${spec.grammar}.wasm`;

export interface GrammarLocation {
  /** Directory of the runtime's WASM. */
  runtimeDir: string;
  /** Directory of the grammars' WASM. */
  grammarDir: string;
  /** `bundle` when found beside the Action's bundle, `packages` from node_modules. */
  from: 'bundle' | 'packages';
}

/**
 * Finds the WASM files: beside the running bundle first (the Action has no node_modules), else
 * in the pinned packages. `here` is the module's own URL; the bundle's is `dist/index.js`.
 */
export function locateGrammars(here: string = import.meta.url): GrammarLocation {
  const bundled = join(dirname(fileURLToPath(here)), BUNDLED_GRAMMAR_DIR);
  if (existsSync(join(bundled, RUNTIME_WASM))) return { runtimeDir: bundled, grammarDir: bundled, from: 'bundle' };
  const require = createRequire(here);
  try {
    return {
      runtimeDir: dirname(require.resolve(`web-tree-sitter/${RUNTIME_WASM}`)),
      grammarDir: dirname(require.resolve(`@repomix/tree-sitter-wasms/out/${grammarFile(LANGUAGES.c)}`)),
      from: 'packages',
    };
  } catch {
    throw new Error(`the tree-sitter grammars are not installed: no ${bundled}/${RUNTIME_WASM} and no web-tree-sitter / @repomix/tree-sitter-wasms package`);
  }
}

let location: GrammarLocation | undefined;
let runtime: Promise<void> | undefined;
const parsers = new Map<CodeLanguage, Promise<Parser>>();

function initRuntime(): Promise<void> {
  location ??= locateGrammars();
  const dir = location.runtimeDir;
  runtime ??= Parser.init({ locateFile: (file: string) => join(dir, file) });
  return runtime;
}

/**
 * A parser for one language, its grammar loaded on first use and kept: a PR in two languages
 * loads two grammars, not twelve. A grammar that fails to load fails each later call too, so
 * the caller falls back to git's heading for that language.
 */
export function parserFor(spec: LanguageSpec): Promise<Parser> {
  let parser = parsers.get(spec.id);
  if (!parser) {
    parser = (async () => {
      await initRuntime();
      const bytes = await readFile(join(location!.grammarDir, grammarFile(spec)));
      const language = await Language.load(new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength));
      const made = new Parser();
      made.setLanguage(language);
      return made;
    })();
    parsers.set(spec.id, parser);
  }
  return parser;
}

/** For the bench: forget the loaded grammars so a load can be timed again. */
export function forgetGrammars(): void {
  for (const parser of parsers.values()) void parser.then((p) => p.delete(), () => undefined);
  parsers.clear();
}
