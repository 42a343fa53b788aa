import type { Finding } from '../findings/finding.js';
import type { Usage } from '../model/model-port.js';

/** An agent's answer as the result cache keeps it: enough to report it again without a call. */
export interface StoredResult {
  findings: Finding[];
  injection?: { path?: string; line?: number; quote?: string };
  usage: Usage;
  usd: number;
  model: string;
  /** The strong model's verdicts on escalated findings, for a verification call. */
  verdicts?: Array<{ index: number; real: boolean; severity: Finding['severity']; confidence: number; reason: string }>;
}

/**
 * The result cache port: answers keyed by content (agent, model, prompt versions, per-file diff
 * hashes), so a re-run or a rebase that leaves the files' changes as they were costs nothing.
 */
export interface ResultStore {
  get(key: string): Promise<StoredResult | undefined>;
  put(key: string, result: StoredResult): Promise<void>;
}

/** For `--no-cache`: remembers nothing. */
export const NO_RESULT_STORE: ResultStore = {
  get: () => Promise.resolve(undefined),
  put: () => Promise.resolve(),
};
