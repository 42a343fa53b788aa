import { createInterface } from 'node:readline';
import type { Readable, Writable } from 'node:stream';
import { z } from 'zod';
import type { RiskgateConfig } from '../../config/config-schema.js';
import type { GitAttributes } from '../../diff/match-git-attributes.js';
import { createChangeScorer } from '../../run/score-change.js';
import { writeLine } from '../cli-io.js';

const lineSchema = z.object({
  id: z.union([z.string(), z.number()]),
  diff: z.string(),
  title: z.string().optional(),
  body: z.string().optional(),
});

/**
 * Batch mode: one JSON object per input line, one result per output line, in input order.
 * Lines are read, scored and written one at a time, so memory does not grow with the batch.
 * A bad line yields `{"id", "error"}` and the batch goes on. Returns the count of bad lines.
 */
export async function scoreJsonl(input: Readable, output: Writable, config: RiskgateConfig, attributes?: GitAttributes): Promise<number> {
  const scorer = createChangeScorer(config, undefined, attributes);
  const lines = createInterface({ input, crlfDelay: Infinity });
  let failures = 0;
  let lineNumber = 0;
  for await (const raw of lines) {
    lineNumber++;
    if (raw.trim() === '') continue;
    let id: unknown = null;
    let result: Record<string, unknown>;
    try {
      const parsed: unknown = JSON.parse(raw);
      id = (parsed as { id?: unknown } | null)?.id ?? null;
      const item = lineSchema.safeParse(parsed);
      if (!item.success) {
        const issue = item.error.issues[0]!;
        throw new Error(`line ${lineNumber}: ${issue.path.join('.') || 'line'}: ${issue.message}`);
      }
      const { title, body } = item.data;
      const scored = scorer.scoreText(item.data.diff, { ...(title ? { title } : {}), ...(body ? { body } : {}) });
      result = {
        id: item.data.id,
        score: scored.score,
        tier: scored.tier,
        additions: scored.additions,
        deletions: scored.deletions,
        factors: scored.factors,
        floors: scored.floors,
      };
    } catch (error) {
      failures++;
      const message = error instanceof SyntaxError ? `line ${lineNumber}: not JSON: ${error.message}` : (error as Error).message;
      result = { id, error: message };
    }
    await writeLine(output, JSON.stringify(result));
  }
  return failures;
}
