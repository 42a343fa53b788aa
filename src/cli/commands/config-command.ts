import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { stringify } from 'yaml';
import { CONFIG_PATH, parseConfig } from '../../config/load-config.js';
import { UsageError, writeLine, type CliIo } from '../cli-io.js';
import { resolveConfig } from '../resolve-config.js';

export async function configValidateCommand(io: CliIo, file = CONFIG_PATH): Promise<number> {
  const path = resolve(io.cwd, file);
  if (!existsSync(path)) throw new UsageError(`config file not found: ${file}`);
  parseConfig(readFileSync(path, 'utf8'), file);
  await writeLine(io.stdout, `riskgate: ${file} is valid`);
  return 0;
}

/** The effective config, defaults filled in: what riskgate will actually use. */
export async function configShowCommand(io: CliIo, file: string | undefined): Promise<number> {
  const { config, source } = await resolveConfig(io.cwd, file);
  await writeLine(io.stdout, `# effective riskgate config (from ${source})\n${stringify(config)}`);
  return 0;
}
