import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { z } from 'zod';
import { AGENTS } from '../plan/tier.js';
import { SEVERITIES } from '../findings/finding.js';
import type { ResultStore, StoredResult } from './result-store.js';

const count = z.number().int().nonnegative();
// What is read back is checked: a truncated or edited file is a miss, never a crash or a lie.
const storedResultSchema = z.object({
  findings: z.array(
    z.object({
      agent: z.enum(AGENTS),
      severity: z.enum(SEVERITIES),
      confidence: z.number().min(0).max(1),
      path: z.string(),
      startLine: count,
      endLine: count,
      title: z.string(),
      explanation: z.string(),
      suggestedFix: z.string().optional(),
    }),
  ),
  injection: z.object({ path: z.string().optional(), line: count.optional(), quote: z.string().optional() }).optional(),
  usage: z.object({ inputTokens: count, outputTokens: count, cacheWrite5mTokens: count, cacheWrite1hTokens: count, cacheReadTokens: count }),
  usd: z.number().nonnegative(),
  model: z.string(),
  verdicts: z
    .array(z.object({ index: count, real: z.boolean(), severity: z.enum(SEVERITIES), confidence: z.number().min(0).max(1), reason: z.string() }))
    .optional(),
});

/** Where results are kept when nothing else is configured: RISKGATE_DATA_DIR, else the user's cache directory. */
export function defaultResultDirectory(env: NodeJS.ProcessEnv = process.env): string {
  if (env.RISKGATE_DATA_DIR) return join(env.RISKGATE_DATA_DIR, 'results');
  return join(env.XDG_CACHE_HOME || join(homedir(), '.cache'), 'riskgate', 'results');
}

/** The embedded result cache: one JSON file per key, written atomically (temporary file, then rename). */
export class FileResultStore implements ResultStore {
  constructor(private readonly directory: string) {}

  private pathOf(key: string): string {
    if (!/^[0-9a-f]{16,128}$/.test(key)) throw new Error(`result keys are hex digests, not "${key.slice(0, 40)}"`);
    return join(this.directory, key.slice(0, 2), `${key}.json`);
  }

  async get(key: string): Promise<StoredResult | undefined> {
    let text: string;
    try {
      text = await readFile(this.pathOf(key), 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw error;
    }
    try {
      const parsed = storedResultSchema.safeParse(JSON.parse(text));
      return parsed.success ? (parsed.data as StoredResult) : undefined;
    } catch {
      return undefined;
    }
  }

  async put(key: string, result: StoredResult): Promise<void> {
    const path = this.pathOf(key);
    await mkdir(join(this.directory, key.slice(0, 2)), { recursive: true });
    const temporary = `${path}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`;
    await writeFile(temporary, JSON.stringify(result));
    await rename(temporary, path);
  }
}
