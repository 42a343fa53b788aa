import { parseDocument } from 'yaml';
import { configSchema, type RiskgateConfig } from './config-schema.js';
import { ConfigError } from './config-error.js';
import { describeConfigIssues } from './describe-config-issues.js';

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

/** Validates a parsed config object; `source` names it in errors. */
export function validateConfig(value: unknown, source: string): RiskgateConfig {
  const result = configSchema.safeParse(value ?? {}, { reportInput: true });
  if (result.success) return result.data;
  throw new ConfigError(source, describeConfigIssues(configSchema, result.error.issues));
}

/** Parses and validates YAML config text. An empty file means all defaults. */
export function parseConfig(text: string, source: string): RiskgateConfig {
  const doc = parseDocument(text, { prettyErrors: true, uniqueKeys: true });
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
  return validateConfig(value, source);
}
