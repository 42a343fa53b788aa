import type { CodeSymbol } from './parse-source.js';

/** A top-level symbol (or member) that a change added, removed, or whose signature it changed. */
export interface SymbolChange {
  path: string;
  name: string;
  kind: CodeSymbol['kind'];
  change: 'added' | 'removed' | 'changed';
  /** Visible outside its file at the base (removed, changed) or the head (added). */
  exported: boolean;
  /** The base's signature(s): overloads are joined by newlines. */
  before?: string;
  after?: string;
  /** Where it is at the head (added, changed) or was at the base (removed). */
  startLine: number;
  endLine: number;
}

function byName(symbols: readonly CodeSymbol[]): Map<string, CodeSymbol[]> {
  const named = new Map<string, CodeSymbol[]>();
  for (const symbol of symbols) {
    const list = named.get(symbol.name);
    if (list) list.push(symbol);
    else named.set(symbol.name, [symbol]);
  }
  return named;
}

const signatures = (list: readonly CodeSymbol[]) => list.map((s) => s.signature).sort().join('\n');

/**
 * Compares a file's symbols at the base and the head by qualified name; overloads of one name are
 * compared as a set of signatures. A body that changed under the same signature is no symbol change.
 */
export function compareSymbols(path: string, base: readonly CodeSymbol[], head: readonly CodeSymbol[]): SymbolChange[] {
  const before = byName(base);
  const after = byName(head);
  const changes: SymbolChange[] = [];
  for (const [name, list] of after) {
    const first = list[0]!;
    const old = before.get(name);
    if (!old) {
      changes.push({ path, name, kind: first.kind, change: 'added', exported: list.some((s) => s.exported), after: signatures(list), startLine: first.startLine, endLine: first.endLine });
    } else if (signatures(old) !== signatures(list)) {
      changes.push({ path, name, kind: first.kind, change: 'changed', exported: old.some((s) => s.exported), before: signatures(old), after: signatures(list), startLine: first.startLine, endLine: first.endLine });
    }
  }
  for (const [name, list] of before) {
    if (after.has(name)) continue;
    const first = list[0]!;
    changes.push({ path, name, kind: first.kind, change: 'removed', exported: list.some((s) => s.exported), before: signatures(list), startLine: first.startLine, endLine: first.endLine });
  }
  return changes;
}
