import type { AgentName, Tier } from '../plan/tier.js';
import type { AgentRun } from './run-agents.js';

// What a run reports while it runs, for a terminal or a check run to show before the last answer:
// the score and the plan are known in milliseconds, the agents take tens of seconds.
export type ReviewProgress =
  /** The tier and what it runs; again with `rerun` when a reported injection sends the run to full. */
  | { kind: 'planned'; score: number; tier: Tier; reasons: readonly string[]; agents: ReadonlyArray<{ agent: AgentName; model: string }>; rerun?: boolean }
  /** A call was sent (a cached answer sends none and reports only its outcome). */
  | { kind: 'agent-started'; agent: AgentName; model: string }
  | { kind: 'agent-finished'; run: AgentRun }
  /** The strong model's re-check of fast-model findings answered. */
  | { kind: 'verified'; run: AgentRun; checked: number; confirmed: number; rejected: number };

export type ProgressListener = (event: ReviewProgress) => void;

/** A listener that throws must not stop the run: progress is a courtesy, the report is the result. */
export function notifyProgress(listener: ProgressListener | undefined, event: ReviewProgress): void {
  if (!listener) return;
  try {
    listener(event);
  } catch {
    // ignored: see above
  }
}
