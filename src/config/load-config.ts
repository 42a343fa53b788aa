import { isMap, isScalar, LineCounter, parseDocument, type Document } from 'yaml';
import { configSchema, type RiskgateConfig } from './config-schema.js';
import { ConfigError } from './config-error.js';
import { describeConfigIssues, type ConfigLocator } from './describe-config-issues.js';

export const CONFIG_PATH = '.github/riskgate.yml';

// YAML aliases (`*name`) repeat what an anchor (`&name`) holds: nested nine deep, nine each, a
// 1 KB file ("billion laughs") expands to 9^9 items. The yaml package stops such a document with
// "ReferenceError: Excessive alias count indicates a resource exhaustion attack"; the cap is named
// here so the error becomes a config problem the check run names, not a crash that posts no check.
// A riskgate config needs few aliases, if any.
export const MAX_YAML_ALIAS_EXPANSIONS = 100;

/** The built-in defaults: what riskgate uses when a repository has no config file. */
export function defaultConfig(): RiskgateConfig {
  return configSchema.parse({});
}

/** Validates a parsed config object; `source` names it in errors, `locate` the line of each problem. */
export function validateConfig(value: unknown, source: string, locate?: ConfigLocator): RiskgateConfig {
  const result = configSchema.safeParse(value ?? {}, { reportInput: true });
  if (result.success) return result.data;
  throw new ConfigError(source, describeConfigIssues(configSchema, result.error.issues, locate));
}

/**
 * The line and column of a key path in the YAML: the key itself for an unknown key, else the value;
 * a path that is not in the file (a required key left out) points at the nearest mapping that is.
 */
function yamlLocator(doc: Document, lines: LineCounter): ConfigLocator {
  const position = (offset: number) => {
    const { line, col } = lines.linePos(offset);
    return `line ${line}, column ${col}`;
  };
  return (path, key) => {
    for (let depth = path.length; depth >= 0; depth--) {
      const node = depth === 0 ? doc.contents : doc.getIn(path.slice(0, depth) as unknown[], true);
      const range = node && typeof node === 'object' ? (node as { range?: readonly number[] | null }).range : undefined;
      if (!range) continue;
      if (key !== undefined && depth === path.length && isMap(node)) {
        const pair = node.items.find((p) => isScalar(p.key) && String(p.key.value) === key);
        if (pair && isScalar(pair.key) && pair.key.range) return position(pair.key.range[0]);
      }
      // A mapping's range starts at its first key: name that key's line for a whole-mapping problem.
      return position(range[0]!);
    }
    return undefined;
  };
}

/** Parses and validates YAML config text. An empty file means all defaults. */
export function parseConfig(text: string, source: string): RiskgateConfig {
  const lines = new LineCounter();
  const doc = parseDocument(text, { prettyErrors: true, uniqueKeys: true, lineCounter: lines });
  if (doc.errors.length > 0) {
    throw new ConfigError(
      source,
      doc.errors.map((e) => {
        const at = e.linePos?.[0];
        const message = e.message.split('\n')[0]!.replace(/ at line \d+, column \d+:?$/, '');
        return `YAML${at ? ` line ${at.line}, column ${at.col}` : ''}: ${message}`;
      }),
    );
  }
  let value: unknown;
  try {
    value = doc.toJS({ maxAliasCount: MAX_YAML_ALIAS_EXPANSIONS });
  } catch (error) {
    if (!(error instanceof ReferenceError)) throw error;
    // An alias to no anchor is a syntax error above; what is left here is expansion beyond the cap.
    throw new ConfigError(source, [
      `YAML: its aliases (*name) expand to more than ${MAX_YAML_ALIAS_EXPANSIONS} copies of their anchors (&name), as a "billion laughs" document does to exhaust memory; write the values out or use fewer aliases`,
    ]);
  }
  if (value !== null && value !== undefined && (typeof value !== 'object' || Array.isArray(value))) {
    throw new ConfigError(source, [`(top level): expected a mapping of keys, got ${Array.isArray(value) ? 'a list' : typeof value}`]);
  }
  return validateConfig(value, source, yamlLocator(doc, lines));
}
