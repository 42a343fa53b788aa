import type { SymbolChange } from './symbol-changes.js';

/**
 * What the code-structure layer found in a change, precomputed for the risk score (which does no
 * I/O): the `structure` factor family reads it.
 */
export interface StructureSummary {
  /** Functions and methods the change added (in parsed files). */
  newFunctions: number;
  /** Exported symbols whose signature the change changed or that it removed: callers may break. */
  breaking: Array<Pick<SymbolChange, 'path' | 'name' | 'kind' | 'change' | 'before' | 'after'>>;
  /** Files parsed at both sides (or the side that exists). */
  filesParsed: number;
}

export function summarizeStructure(changes: readonly SymbolChange[], filesParsed: number): StructureSummary {
  return {
    newFunctions: changes.filter((c) => c.change === 'added' && c.kind === 'function').length,
    breaking: changes
      .filter((c) => c.exported && (c.change === 'removed' || c.change === 'changed'))
      .map(({ path, name, kind, change, before, after }) => ({ path, name, kind, change, ...(before !== undefined ? { before } : {}), ...(after !== undefined ? { after } : {}) })),
    filesParsed,
  };
}
