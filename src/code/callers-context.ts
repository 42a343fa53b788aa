import { runGit } from '../git/run-git.js';
import { tokensForChars } from '../plan/estimate-cost.js';
import { stripInvisible } from '../risk/invisible-characters.js';
import { lineShownToModels } from '../risk/line-shown-to-models.js';
import type { ContextBlock } from '../run/pack-context.js';
import type { SourceReader } from './source-reader.js';
import type { SymbolChange } from './symbol-changes.js';

/** At most this many call sites per symbol, each this many lines (the call in the middle). */
export const MAX_CALL_SITES = 10;
export const CALL_SITE_LINES = 15;
/** Symbols whose callers are looked up, at most (the most changed first). */
export const MAX_CALLER_SYMBOLS = 8;
export const CALLERS_PRIORITY = 10;
// A name this short or this common matches everywhere: its "callers" would be noise.
const MIN_NAME_CHARS = 3;
const TOO_COMMON: ReadonlySet<string> = new Set(['constructor', '__init__', 'new', 'main', 'init', 'run', 'get', 'set', 'toString', 'equals', 'hashCode', 'initialize', 'call', 'apply', 'handle', 'update', 'create', 'delete', 'close', 'open', 'read', 'write']);

export interface CallSite {
  path: string;
  line: number;
}

/** Where a name is used at the head: `git grep` in a clone. The App and the Action have none. */
export interface CallerFinder {
  find(name: string, rev: string): Promise<CallSite[]>;
}

/** The last part of a qualified name: what a call site writes. */
export const callName = (symbol: Pick<SymbolChange, 'name'>): string => symbol.name.slice(symbol.name.lastIndexOf('.') + 1);

/** Whether a symbol's callers are worth looking up: exported, changed or removed, a distinctive name. */
export function wantsCallers(change: SymbolChange): boolean {
  const name = callName(change);
  return change.exported && (change.change === 'changed' || change.change === 'removed') && name.length >= MIN_NAME_CHARS && !TOO_COMMON.has(name) && /^[\p{L}_$][\p{L}\p{N}_$]*$/u.test(name);
}

// Enough hits to pick 10 outside the definition; a name used everywhere stops here.
const MAX_GREP_HITS = 200;

/** `git grep` at a revision: fixed string, whole word, text files, a few hits per file. */
export function gitCallerFinder(root: string): CallerFinder {
  return {
    async find(name, rev) {
      let out: string;
      try {
        out = await runGit(root, ['grep', '-n', '-z', '-w', '-F', '-I', '--max-count=3', '--no-color', '-e', name, rev, '--']);
      } catch {
        // git grep exits 1 when nothing matches.
        return [];
      }
      const sites: CallSite[] = [];
      const prefix = `${rev}:`;
      for (const record of out.split('\n')) {
        if (sites.length >= MAX_GREP_HITS) break;
        const [file, line] = record.split('\0');
        if (!file || !line) continue;
        sites.push({ path: file.startsWith(prefix) ? file.slice(prefix.length) : file, line: Number(line) });
      }
      return sites;
    },
  };
}

const visible = (text: string) => lineShownToModels(stripInvisible(text).text).text;

/**
 * The callers of a changed or removed exported symbol, as the head has them: up to 10 call sites
 * of 15 lines, other files first, the definition itself left out.
 */
export async function callersContext(change: SymbolChange, finder: CallerFinder, reader: SourceReader, head: string): Promise<ContextBlock | undefined> {
  const name = callName(change);
  const found = await finder.find(name, head);
  const sites = found
    .filter((s) => !(s.path === change.path && s.line >= change.startLine && s.line <= change.endLine))
    .sort((a, b) => Number(a.path === change.path) - Number(b.path === change.path) || (a.path < b.path ? -1 : a.path > b.path ? 1 : a.line - b.line));
  const chosen: CallSite[] = [];
  for (const site of sites) {
    // Two hits within one window are one call site.
    if (chosen.some((c) => c.path === site.path && Math.abs(c.line - site.line) < CALL_SITE_LINES)) continue;
    chosen.push(site);
    if (chosen.length >= MAX_CALL_SITES) break;
  }
  if (chosen.length === 0) return undefined;
  const parts: string[] = [];
  const texts = new Map<string, string[] | undefined>();
  for (const site of chosen) {
    if (!texts.has(site.path)) {
      const read = await reader.readFile(site.path, head);
      texts.set(site.path, read.status === 'read' ? read.text.split('\n') : undefined);
    }
    const lines = texts.get(site.path);
    if (!lines) continue;
    const half = Math.floor(CALL_SITE_LINES / 2);
    const start = Math.max(1, site.line - half);
    const end = Math.min(lines.length, start + CALL_SITE_LINES - 1);
    const width = String(end).length;
    const body = [];
    for (let n = start; n <= end; n++) body.push(`${String(n).padStart(width)}   ${visible(lines[n - 1] ?? '')}`);
    parts.push(`#### ${site.path}:${site.line}\n${body.join('\n')}`);
  }
  if (parts.length === 0) return undefined;
  const what = change.change === 'removed' ? `removed ${change.kind} ${change.name}` : `${change.kind} ${change.name} (signature changed to \`${change.after?.split('\n')[0] ?? ''}\`)`;
  const more = sites.length > chosen.length ? ` (${parts.length} of at least ${sites.length} uses shown)` : '';
  const text = `### Callers of the ${what} from ${change.path}, as at the head${more}. Unchanged code that uses it: check it still works with the change.\n${parts.join('\n')}`;
  return { kind: 'callers', label: `callers of ${change.name}`, text, tokens: tokensForChars(text.length), priority: CALLERS_PRIORITY, path: change.path };
}
