import { z } from 'zod';
import { MAX_OPEN_BLOCKERS, openBlockerSchema } from '../findings/carry-over-blockers.js';
import { TIERS } from '../plan/tier.js';

// What the next run on this pull request needs from this one. It travels at the end of the
// umbrella check run's text: only the app that created a check run can change it, so a PR author
// cannot write it (unlike a comment or a commit status description).

export const gateStateSchema = z.object({
  v: z.literal(1),
  headSha: z.string().regex(/^[0-9a-f]{7,64}$/),
  tier: z.enum(TIERS),
  /** The tier a maintainer forced on this head: a rerun keeps it (commands never lower a tier). */
  forcedTier: z.enum(TIERS).optional(),
  openBlockers: z.array(openBlockerSchema).max(MAX_OPEN_BLOCKERS),
});
export type GateState = z.infer<typeof gateStateSchema>;

const STATE_MARKER = /<!-- riskgate-state:v1:([A-Za-z0-9_-]+) -->/;

/** An HTML comment: invisible in the rendered check run, kept verbatim by the API. */
export function encodeGateState(state: GateState): string {
  return `<!-- riskgate-state:v1:${Buffer.from(JSON.stringify(state)).toString('base64url')} -->`;
}

/** The state in a check run's text; anything missing, truncated or malformed reads as none. */
export function decodeGateState(text: string | null | undefined): GateState | undefined {
  const match = text ? STATE_MARKER.exec(text) : null;
  if (!match) return undefined;
  try {
    const parsed = gateStateSchema.safeParse(JSON.parse(Buffer.from(match[1]!, 'base64url').toString('utf8')));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}
