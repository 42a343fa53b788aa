import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { RiskgateConfig } from '../config/config-schema.js';
import { CONFIG_PATH, defaultConfig, parseConfig } from '../config/load-config.js';
import { readFileAtRevision } from '../git/resolve-change.js';
import { UsageError } from './cli-io.js';

export interface ResolvedConfig {
  config: RiskgateConfig;
  /** Where it came from, shown in the output. */
  source: string;
}

export function readConfigFile(cwd: string, file: string): ResolvedConfig {
  const path = resolve(cwd, file);
  if (!existsSync(path)) throw new UsageError(`config file not found: ${file}`);
  return { config: parseConfig(readFileSync(path, 'utf8'), file), source: file };
}

/**
 * `--config FILE` when given; else, for a git range, the config file as it is at the base
 * revision (a change cannot loosen the rules it is judged by); else the working tree's file.
 */
export async function resolveConfig(
  cwd: string,
  explicit: string | undefined,
  git?: { root: string; base: string },
): Promise<ResolvedConfig> {
  if (explicit) return readConfigFile(cwd, explicit);
  if (git) {
    const text = await readFileAtRevision(git.root, git.base, CONFIG_PATH);
    if (text === undefined) return { config: defaultConfig(), source: 'built-in defaults' };
    const source = `${CONFIG_PATH} at ${git.base.slice(0, 12)} (the base)`;
    return { config: parseConfig(text, source), source };
  }
  const local = join(cwd, CONFIG_PATH);
  if (existsSync(local)) return readConfigFile(cwd, CONFIG_PATH);
  return { config: defaultConfig(), source: 'built-in defaults' };
}
