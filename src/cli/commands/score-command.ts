import { createReadStream } from 'node:fs';
import { resolve } from 'node:path';
import type { Tier } from '../../plan/tier.js';
import { writeLine, type CliIo } from '../cli-io.js';
import { formatScore } from '../format-score.js';
import { readChangeInput, type ChangeInputOptions } from '../read-change-input.js';
import { scoreChangeInput } from '../score-change-input.js';
import { resolveAttributes } from '../resolve-attributes.js';
import { resolveConfig } from '../resolve-config.js';
import { scoreJsonl } from './score-jsonl.js';

export interface ScoreOptions extends ChangeInputOptions {
  json?: boolean;
  jsonl?: boolean;
  tier?: Tier;
}

export async function scoreCommand(io: CliIo, options: ScoreOptions): Promise<number> {
  if (options.jsonl) {
    const { config } = await resolveConfig(io.cwd, options.config);
    const input = options.diff && options.diff !== '-' ? createReadStream(resolve(io.cwd, options.diff)) : io.stdin;
    const failures = await scoreJsonl(input, io.stdout, config, await resolveAttributes(io.cwd));
    if (failures > 0) io.stderr.write(`riskgate: ${failures} line(s) could not be scored (see their "error" fields)\n`);
    return failures > 0 ? 1 : 0;
  }
  const input = await readChangeInput(io, options);
  const { result } = await scoreChangeInput(input, options.tier);
  const modelSource = input.model?.source;
  if (options.json) {
    await writeLine(io.stdout, JSON.stringify({ ...result, source: input.label, config: input.resolved.source, ...(modelSource ? { modelSource } : {}) }, null, 2));
  } else {
    await writeLine(io.stdout, formatScore(result, { label: input.label, configSource: input.resolved.source, ...(modelSource ? { modelSource } : {}) }, io.term));
  }
  return 0;
}
