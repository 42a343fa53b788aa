import type { AgentName } from '../plan/tier.js';
import type { RiskFactor } from '../risk/risk-factor.js';

/** What an agent may draw on besides the shared context: riskgate's own deterministic findings. */
export interface AgentBrief {
  /** The risk score's factors, largest first. */
  factors: readonly RiskFactor[];
  /** Fences untrusted text with the run's boundary (excerpts in the factors come from the diff). */
  fence(label: string, text: string): string;
}

/**
 * One reviewing agent. Every agent shares the cached prefix (shared instructions, then the pull
 * request); what differs is the short brief sent after it. Adding an agent is one file that
 * implements this and one line in the registry.
 */
export interface Agent {
  readonly name: AgentName;
  /** Raise whenever `brief` changes meaning: cached results of older prompts are not reused. */
  readonly promptVersion: number;
  /** The agent's own instructions, sent after the cached prefix. */
  brief(input: AgentBrief): string;
  /** Text of the brief that is not in the diff yet changes the answer: part of the result-cache key. */
  cacheInputs(input: AgentBrief): string;
}
