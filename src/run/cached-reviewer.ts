import type { RiskModel } from '../calibrate/risk-model-file.js';
import type { RiskgateConfig } from '../config/config-schema.js';
import type { GitAttributes } from '../diff/match-git-attributes.js';
import { createReviewer, type Reviewer } from './review-change.js';

// Configs kept compiled: one per repository config (and calibrated model) in use; a reviewer holds no per-run state.
const KEPT_REVIEWERS = 64;
const reviewers = new Map<string, Reviewer>();

/**
 * The reviewer for a config and, when the repository has one, its calibrated model, compiled
 * once: compiling its globs took about 20 ms per gate (up to 110 ms in a cold process), blocking
 * the event loop that answers webhooks.
 */
export function cachedReviewer(config: RiskgateConfig, model?: RiskModel, attributes?: GitAttributes): Reviewer {
  // A model is a few kilobytes of JSON: keyed on all of it, two models never share a reviewer.
  const key = JSON.stringify([config, model ?? null, attributes?.lines ?? []]);
  let reviewer = reviewers.get(key);
  if (reviewer) {
    reviewers.delete(key); // most recently used last
  } else {
    reviewer = createReviewer(config, model, attributes);
    if (reviewers.size >= KEPT_REVIEWERS) reviewers.delete(reviewers.keys().next().value!);
  }
  reviewers.set(key, reviewer);
  return reviewer;
}
