import { parseDocument } from 'yaml';
import { configSchema, type RiskgateConfig } from './config-schema.js';
import { ConfigError } from './config-error.js';
import { describeConfigIssues } from './describe-config-issues.js';

export const CONFIG_PATH = '.github/riskgate.yml';

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
  const value: unknown = doc.toJS();
  if (value !== null && value !== undefined && (typeof value !== 'object' || Array.isArray(value))) {
    throw new ConfigError(source, [`(top level): expected a mapping of keys, got ${Array.isArray(value) ? 'a list' : typeof value}`]);
  }
  return validateConfig(value, source);
}
