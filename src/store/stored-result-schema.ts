import { z } from 'zod';
import { AGENTS } from '../plan/tier.js';
import { FINDING_CATEGORIES, SEVERITIES } from '../findings/finding.js';
import type { StoredResult } from './result-store.js';

const count = z.number().int().nonnegative();

/**
 * A cached result as read back from any store: a truncated, edited or outdated entry fails this
 * and is a miss, never a crash or a lie.
 */
export const storedResultSchema = z.object({
  findings: z.array(
    z.object({
      agent: z.enum(AGENTS),
      severity: z.enum(SEVERITIES),
      category: z.enum(FINDING_CATEGORIES).optional(),
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

/** A stored result from its JSON text, or undefined when the text is not one. */
export function parseStoredResult(text: string): StoredResult | undefined {
  try {
    const parsed = storedResultSchema.safeParse(JSON.parse(text));
    return parsed.success ? (parsed.data as StoredResult) : undefined;
  } catch {
    return undefined;
  }
}
