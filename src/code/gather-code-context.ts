import { isAuthored, type Diff, type DiffFile } from '../diff/diff-file.js';
import type { ContextBlock, LeftOutContext } from '../run/pack-context.js';
import { callersContext, wantsCallers, MAX_CALLER_SYMBOLS, type CallerFinder } from './callers-context.js';
import { functionContext } from './function-context.js';
import { languageOfPath } from './languages.js';
import { parseSource, type ParsedSource } from './parse-source.js';
import type { SourceReader } from './source-reader.js';
import { summarizeStructure, type StructureSummary } from './structure-summary.js';
import { compareSymbols, type SymbolChange } from './symbol-changes.js';

/** Which additions to gather: `review.context.*` in the config, or an eval arm. */
export interface CodeContextSwitches {
  functions: boolean;
  callers: boolean;
}

export interface CodeContextSources {
  reader: SourceReader;
  base: string;
  head: string;
  /** A clone to grep for callers; absent (the App, the Action): callers are listed as unavailable. */
  callers?: CallerFinder;
}

export interface CodeContext {
  blocks: ContextBlock[];
  /** What could not be looked up, for the prompt's list of what was left out. */
  unavailable: LeftOutContext[];
  /** For the `structure` risk factors. */
  structure: StructureSummary;
  symbolChanges: SymbolChange[];
  /** Why a file was not parsed (too large, a grammar that failed): shown, never fatal. */
  warnings: string[];
}

/** Files parsed at most per change, the most changed first: the rest keep the diff's own context. */
export const MAX_CODE_FILES = 40;

const isCode = (file: DiffFile) => !file.binary && file.unseen === undefined && isAuthored(file.kind) && (file.kind === 'source' || file.kind === 'test');

async function parseOrWarn(path: string, text: string, warnings: string[]): Promise<ParsedSource | undefined> {
  const spec = languageOfPath(path);
  if (!spec) return undefined;
  try {
    return await parseSource(spec, text);
  } catch (error) {
    warnings.push(`${path}: not parsed (${error instanceof Error ? error.message : String(error)}); git's hunk heading is used instead`);
    return undefined;
  }
}

/**
 * The code-structure layer over one change: reads each changed source file at the base and the
 * head (bounded by the reader), parses it, and gives the enclosing-function blocks, the symbol
 * changes, the callers of changed exported symbols, and the structure summary the score reads.
 * Nothing here decides a tier: it adds what the models see and two factors that only add points.
 */
export async function gatherCodeContext(diff: Diff, sources: CodeContextSources, switches: CodeContextSwitches): Promise<CodeContext> {
  const warnings: string[] = [];
  const blocks: ContextBlock[] = [];
  const changes: SymbolChange[] = [];
  let filesParsed = 0;
  const files = diff.files
    .filter(isCode)
    .sort((a, b) => b.additions + b.deletions - (a.additions + a.deletions))
    .slice(0, MAX_CODE_FILES);
  for (const file of files) {
    const spec = languageOfPath(file.path);
    const needHead = file.status !== 'deleted' && (switches.functions || spec !== undefined);
    const head = needHead ? await sources.reader.readFile(file.path, sources.head) : undefined;
    if (head?.status === 'skipped') warnings.push(`${file.path}: not read at the head (${head.reason})`);
    const headText = head?.status === 'read' ? head.text : undefined;
    const parsedHead = headText !== undefined ? await parseOrWarn(file.path, headText, warnings) : undefined;
    try {
      if (switches.functions && headText !== undefined && file.hunks.length > 0) blocks.push(...functionContext(file, headText, parsedHead));
      if (!spec) continue;
      let baseSymbols: ParsedSource['symbols'] = [];
      if (file.status !== 'added') {
        const base = await sources.reader.readFile(file.previousPath ?? file.path, sources.base);
        if (base.status === 'skipped') warnings.push(`${file.path}: not read at the base (${base.reason})`);
        if (base.status === 'read') {
          const parsedBase = await parseOrWarn(file.path, base.text, warnings);
          if (!parsedBase) continue;
          baseSymbols = parsedBase.symbols;
          parsedBase.dispose();
        } else if (base.status === 'skipped') {
          continue;
        }
      }
      if (file.status !== 'deleted' && !parsedHead) continue;
      changes.push(...compareSymbols(file.path, baseSymbols, parsedHead?.symbols ?? []));
      filesParsed++;
    } finally {
      parsedHead?.dispose();
    }
  }
  const unavailable: LeftOutContext[] = [];
  if (switches.callers) {
    const wanted = changes.filter(wantsCallers).slice(0, MAX_CALLER_SYMBOLS);
    for (const change of wanted) {
      if (!sources.callers) {
        unavailable.push({ kind: 'callers', label: `callers of ${change.name} (${change.path})`, reason: 'unavailable' });
        continue;
      }
      const block = await callersContext(change, sources.callers, sources.reader, sources.head);
      if (block) blocks.push(block);
    }
  }
  return { blocks, unavailable, structure: summarizeStructure(changes, filesParsed), symbolChanges: changes, warnings };
}
