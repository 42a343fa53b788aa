import { createHmac, timingSafeEqual } from 'node:crypto';
import { z } from 'zod';
import { MAX_OPEN_BLOCKERS, openBlockerSchema } from '../findings/carry-over-blockers.js';
import { TIERS } from '../plan/tier.js';

// What the next run on this pull request needs from this one. It travels at the very end of the
// umbrella check run's text: only the app that created a check run can change it, and nothing
// untrusted (paths, titles, model text) comes after it. Only the last marker, ending the text,
// counts; the App also signs it, so a marker that untrusted text smuggles in never verifies.

export const gateStateSchema = z.object({
  v: z.literal(1),
  headSha: z.string().regex(/^[0-9a-f]{7,64}$/),
  tier: z.enum(TIERS),
  /** The tier a maintainer forced on this head: a rerun keeps it (commands never lower a tier). */
  forcedTier: z.enum(TIERS).optional(),
  openBlockers: z.array(openBlockerSchema).max(MAX_OPEN_BLOCKERS),
});
export type GateState = z.infer<typeof gateStateSchema>;

/**
 * What signs and checks a state: the App's key (HMAC-SHA256) and the repository the check run
 * belongs to, so a state signed in one repository never verifies in another. The Action has no
 * secret of its own and writes and reads states unsigned.
 */
export interface StateSeal {
  key: Uint8Array;
  repository: string;
}

const MARKER_START = '<!-- riskgate-state:';
// v1: unsigned (riskgate before signing); v2: the payload, then `.` and its MAC when signed.
const MARKER = /^<!-- riskgate-state:v([12]):([A-Za-z0-9_-]+)(?:\.([A-Za-z0-9_-]+))? -->\s*$/;

const macOf = (seal: StateSeal, payload: string) =>
  createHmac('sha256', seal.key).update(`riskgate-state:v2\n${seal.repository.toLowerCase()}\n${payload}`).digest('base64url');

/** An HTML comment, invisible in the rendered check run and kept verbatim by the API; signed when sealed. */
export function encodeGateState(state: GateState, seal?: StateSeal): string {
  const payload = Buffer.from(JSON.stringify(state)).toString('base64url');
  return `${MARKER_START}v2:${payload}${seal ? `.${macOf(seal, payload)}` : ''} -->`;
}

/** A state read from a check run's text, or why the marker there was not trusted. */
export type StateReading = { state: GateState } | { problem: string } | { none: true };

/**
 * The state at the end of a check run's text. Only the last marker counts, and only when nothing
 * but whitespace follows it; with a seal, only a state whose MAC verifies for this repository.
 */
export function readGateState(text: string | null | undefined, seal?: StateSeal): StateReading {
  const at = text ? text.lastIndexOf(MARKER_START) : -1;
  if (!text || at === -1) return { none: true };
  const match = MARKER.exec(text.slice(at));
  if (!match) return { problem: 'the last state marker is malformed or is not at the end of the text' };
  const [, version, payload, mac] = match;
  if (seal) {
    if (version === '1' || !mac) return { problem: 'the state is not signed' };
    const expected = Buffer.from(macOf(seal, payload!));
    const given = Buffer.from(mac);
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) return { problem: "the state's MAC does not verify" };
  }
  try {
    const parsed = gateStateSchema.safeParse(JSON.parse(Buffer.from(payload!, 'base64url').toString('utf8')));
    return parsed.success ? { state: parsed.data } : { problem: 'the state does not match its schema' };
  } catch {
    return { problem: 'the state is not JSON' };
  }
}

/** The state in a check run's text; anything missing, misplaced, malformed or unsigned reads as none. */
export function decodeGateState(text: string | null | undefined, seal?: StateSeal): GateState | undefined {
  const reading = readGateState(text, seal);
  return 'state' in reading ? reading.state : undefined;
}
