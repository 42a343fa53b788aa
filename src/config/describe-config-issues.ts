import { closest, distance } from 'fastest-levenshtein';
import type { z } from 'zod';

// Turns zod's issues into one line per problem: the key path, what was wrong, what is allowed.

interface SchemaDef {
  type: string;
  shape?: Record<string, unknown>;
  innerType?: unknown;
  in?: unknown;
  valueType?: unknown;
  options?: unknown[];
}

function defOf(schema: unknown): SchemaDef | undefined {
  return (schema as { _zod?: { def?: SchemaDef } } | undefined)?._zod?.def;
}

/** The object keys the schema accepts at `path`, or undefined where any key is allowed. */
export function keysAt(schema: z.ZodType, path: readonly PropertyKey[]): string[] | undefined {
  let current: unknown = schema;
  for (let i = 0; ; ) {
    const def = defOf(current);
    if (!def) return undefined;
    if (def.innerType !== undefined) {
      current = def.innerType;
      continue;
    }
    if (def.type === 'pipe') {
      current = def.in;
      continue;
    }
    // A value of several forms: the keys of the first form that is a mapping.
    if (def.type === 'union') return def.options?.map((option) => keysAt(option as z.ZodType, path.slice(i))).find((keys) => keys !== undefined);
    if (i === path.length) return def.type === 'object' && def.shape ? Object.keys(def.shape) : undefined;
    const key = path[i++];
    if (def.type === 'object' && def.shape) current = def.shape[String(key)];
    else if (def.type === 'record') current = def.valueType;
    else return undefined;
  }
}

function pathText(path: readonly PropertyKey[]): string {
  if (path.length === 0) return '(top level)';
  return path.map((p, i) => (typeof p === 'number' ? `[${p}]` : i === 0 ? String(p) : `.${String(p)}`)).join('');
}

function show(value: unknown): string {
  if (value === undefined) return 'nothing';
  const text = JSON.stringify(value);
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}

// Keys that look like where or how to reach a model: those are the operator's, never a repository's.
const OPERATOR_SETTING = /url|endpoint|api[-_]?key|token|secret|credential|region|project|provider|host/i;
const OPERATOR_NOTE =
  '; endpoints and credentials are never read from a repository (a pull request must not point its own gate at a server): the operator declares providers in the environment (RISKGATE_PROVIDERS, see docs/providers.md)';

export function didYouMean(key: string, allowed: readonly string[]): string | undefined {
  if (allowed.length === 0) return undefined;
  const best = closest(key, [...allowed]);
  return distance(key, best) <= Math.max(2, Math.floor(key.length / 3)) ? best : undefined;
}

/** Where a key path is in the source file, as "line 3, column 5"; `key`: that key of the mapping at `path`. */
export type ConfigLocator = (path: readonly PropertyKey[], key?: string) => string | undefined;

export function describeConfigIssues(schema: z.ZodType, issues: readonly z.core.$ZodIssue[], locate?: ConfigLocator): string[] {
  const at = (path: readonly PropertyKey[], key?: string) => {
    const found = locate?.(path, key);
    return found ? `${found}: ` : '';
  };
  return issues.flatMap((issue) => {
    const where = `${at(issue.path)}${pathText(issue.path)}`;
    switch (issue.code) {
      case 'unrecognized_keys': {
        const allowed = keysAt(schema, issue.path) ?? [];
        return issue.keys.map((key) => {
          const guess = didYouMean(key, allowed);
          const hint = guess ? `; did you mean "${guess}"?` : '';
          const list = allowed.length ? ` (allowed: ${allowed.join(', ')})` : '';
          const operator = OPERATOR_SETTING.test(key) ? OPERATOR_NOTE : '';
          return `${at(issue.path, key)}${pathText([...issue.path, key])}: unknown key${hint}${list}${operator}`;
        });
      }
      case 'invalid_value':
        return [`${where}: ${show(issue.input)} is not allowed; allowed: ${issue.values.map((v) => show(v)).join(', ')}`];
      case 'invalid_type':
        return [`${where}: expected ${issue.expected}, got ${issue.input === undefined ? 'nothing' : `${typeof issue.input} ${show(issue.input)}`}`];
      case 'invalid_union': {
        // Each form's own problems; the form the value came closest to speaks: the one that got
        // deepest into the value, else one that at least took its type.
        const depth = (branch: readonly z.core.$ZodIssue[]) => Math.max(0, ...branch.map((i) => i.path.length));
        const typeOnly = (branch: readonly z.core.$ZodIssue[]) => branch.every((i) => i.code === 'invalid_type' && i.path.length === 0);
        const best = [...issue.errors].sort((a, b) => depth(b) - depth(a) || Number(typeOnly(a)) - Number(typeOnly(b)))[0];
        if (!best) return [`${where}: ${issue.message}`];
        const described = describeConfigIssues(schema, best.map((i) => ({ ...i, path: [...issue.path, ...i.path] })), locate);
        const mapping = keysAt(schema, issue.path);
        return depth(best) === 0 && mapping ? described.map((line) => `${line}; or a mapping with keys: ${mapping.join(', ')}`) : described;
      }
      case 'too_small':
      case 'too_big':
        return [`${where}: ${issue.message.replace(/^Too (small|big): /, '')}, got ${show(issue.input)}`];
      default:
        return [`${where}: ${issue.message}`];
    }
  });
}
