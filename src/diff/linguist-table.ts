import { LINGUIST_TABLE } from './linguist-table.generated.js';

export type LanguageType = 'programming' | 'markup' | 'data' | 'prose';

export interface LinguistTable {
  extensions: Record<string, readonly [string, LanguageType]>;
  filenames: Record<string, readonly [string, LanguageType]>;
}

export interface Language {
  name: string;
  type: LanguageType;
}

/** Linguist's language for a path, by exact file name first, then by extension. */
export function languageOf(path: string): Language | undefined {
  const base = path.slice(path.lastIndexOf('/') + 1);
  const byName = LINGUIST_TABLE.filenames[base];
  if (byName) return { name: byName[0], type: byName[1] };
  const lower = base.toLowerCase();
  // Longest extension first: `.d.ts` before `.ts`, `.blade.php` before `.php`.
  for (let dot = lower.indexOf('.', 1); dot !== -1; dot = lower.indexOf('.', dot + 1)) {
    const hit = LINGUIST_TABLE.extensions[lower.slice(dot)];
    if (hit) return { name: hit[0], type: hit[1] };
  }
  return undefined;
}
