import { closest, distance } from 'fastest-levenshtein';
import type { z } from 'zod';

// Turns zod's issues into one line per problem: the key path, what was wrong, what is allowed.

interface SchemaDef {
  type: string;
  shape?: Record<string, unknown>;
  innerType?: unknown;
  in?: unknown;
  valueType?: unknown;
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

export function didYouMean(key: string, allowed: readonly string[]): string | undefined {
  if (allowed.length === 0) return undefined;
  const best = closest(key, [...allowed]);
  return distance(key, best) <= Math.max(2, Math.floor(key.length / 3)) ? best : undefined;
}

export function describeConfigIssues(schema: z.ZodType, issues: readonly z.core.$ZodIssue[]): string[] {
  return issues.flatMap((issue) => {
    const where = pathText(issue.path);
    switch (issue.code) {
      case 'unrecognized_keys': {
        const allowed = keysAt(schema, issue.path) ?? [];
        return issue.keys.map((key) => {
          const guess = didYouMean(key, allowed);
          const hint = guess ? `; did you mean "${guess}"?` : '';
          const list = allowed.length ? ` (allowed: ${allowed.join(', ')})` : '';
          return `${pathText([...issue.path, key])}: unknown key${hint}${list}`;
        });
      }
      case 'invalid_value':
        return [`${where}: ${show(issue.input)} is not allowed; allowed: ${issue.values.map((v) => show(v)).join(', ')}`];
      case 'invalid_type':
        return [`${where}: expected ${issue.expected}, got ${issue.input === undefined ? 'nothing' : `${typeof issue.input} ${show(issue.input)}`}`];
      case 'too_small':
      case 'too_big':
        return [`${where}: ${issue.message.replace(/^Too (small|big): /, '')}, got ${show(issue.input)}`];
      default:
        return [`${where}: ${issue.message}`];
    }
  });
}
