import type { HistoryFeatures } from '../calibrate/change-features.js';
import type { StructureSummary } from '../code/structure-summary.js';
import type { Diff } from '../diff/diff-file.js';
import type { RiskWeights } from './weights.js';

/** Where a factor comes from: a path, and a new-side line when one line is the reason. */
export interface Evidence {
  path: string;
  line?: number;
  /** A short, display-safe excerpt (hidden characters made visible, secrets redacted). */
  excerpt?: string;
}

/** One reason in the score: what a reviewer reads to check it. */
export interface RiskFactor {
  /** Stable id, `family.name` (e.g. `pattern.tls-disabled`). */
  id: string;
  points: number;
  /** One line a human can check against the diff. */
  reason: string;
  evidence: Evidence[];
  /**
   * Every path the factor fired on, deduplicated and uncapped: evidence stops at MAX_EVIDENCE, so
   * an author could otherwise hide a sixth hit from whatever reads the evidence (tier floors).
   */
  files?: string[];
  /** How many pieces of evidence there were when `evidence` holds fewer (the most telling first). */
  evidenceTotal?: number;
}

/** Pull-request text: written by the author, so it may add points and never remove them. */
export interface UntrustedText {
  title?: string;
  body?: string;
}

export interface RiskInput {
  diff: Diff;
  text?: UntrustedText;
  /** The change's history features, when a local clone can give them (a calibrated model reads them). */
  history?: HistoryFeatures;
  /**
   * Paths whose added lines a dangerous-pattern rule matched (the `pattern.*` factors), filled in
   * by the scorer before the families that may lower a score run: no discount stands beside them.
   */
  patternPaths?: ReadonlySet<string>;
  /** What the code-structure layer found (symbol changes, new functions), when files could be read: the `structure` factors. */
  structure?: StructureSummary;
}

/**
 * A family of related factors, one file each under `factors/`. `mayLower` is false for every
 * family whose input an author controls: the scorer clamps their points at zero, so no PR text
 * or unseen content can ever lower a score, whatever a family returns.
 */
export interface FactorFamily {
  readonly family: string;
  readonly mayLower: boolean;
  evaluate(input: RiskInput): RiskFactor[];
}

/** What a family needs to be built: settings from config, compiled once per config. */
export interface FamilySettings {
  weights: RiskWeights;
  sensitivePaths: Record<string, readonly string[]>;
  permissionPaths: readonly string[];
}

export type FamilyFactory = (settings: FamilySettings) => FactorFamily;

/** At most this many evidence entries per factor: enough to check, short enough to read. */
export const MAX_EVIDENCE = 5;
