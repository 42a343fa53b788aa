import { existsSync, writeFileSync } from 'node:fs';
import type { RiskModel } from '../calibrate/risk-model-file.js';
import type { RiskgateConfig } from '../config/config-schema.js';
import type { PullFileRow } from '../diff/from-pull-files.js';
import type { GitAttributes } from '../diff/match-git-attributes.js';
import type { Tier } from '../plan/tier.js';
import type { UntrustedText } from '../risk/risk-factor.js';
import { cachedReviewer } from './cached-reviewer.js';
import type { PreparedChange } from './review-change.js';
import type { ContextBlock, LeftOutContext } from './pack-context.js';
import type { StructureSummary } from '../code/structure-summary.js';

/** What preparing a pull request's change takes: plain data, so it can cross to a worker thread. */
export interface PreparationRequest {
  config: RiskgateConfig;
  /** The base branch's calibrated model, when it has one. */
  model?: RiskModel;
  /** The base branch's .gitattributes: where files earn vendored or generated. */
  attributes?: GitAttributes;
  /** GitHub's listFiles rows. */
  rows: PullFileRow[];
  /** The pull request's own count of changed files (the listing stops at 3,000). */
  changedFiles?: number;
  text?: UntrustedText;
  forced?: Tier;
  /** Context for the models beside the diff (guidelines, open blockers, the code-structure layer's blocks): plain data too. */
  context?: ContextBlock[];
  unavailable?: LeftOutContext[];
  structure?: StructureSummary;
}

/**
 * Turns a pull request's files into a PreparedChange: listFiles rows -> diff, classification, risk
 * score, riskgate's own checks, packing. In-process (the Action, tests) or on a worker thread with
 * a deadline (the App, whose event loop must keep answering webhooks).
 */
export type ChangePreparer = (request: PreparationRequest) => Promise<PreparedChange>;

/**
 * riskgate's own processing of a change failed on the change: it overran its deadline, ran out of
 * memory or threw. The input is the change (the config is validated, the code the same for every
 * change), so the change made the gate fail, and it fails at every tier.
 */
export class ChangeProcessingError extends Error {
  override name = 'ChangeProcessingError';
}

// Test hook, inert unless set: scoring waits, blocking its thread like a slow rule would, until
// the file this names exists (it writes `<file>.held` when it starts waiting). The App tests hold
// it to show that webhooks are answered meanwhile, and that the deadline ends it.
const HOLD_SCORING_ENV = 'RISKGATE_TEST_HOLD_SCORING';

function holdForTest(): void {
  const path = process.env[HOLD_SCORING_ENV];
  if (!path) return;
  writeFileSync(`${path}.held`, '');
  const cell = new Int32Array(new SharedArrayBuffer(4));
  while (!existsSync(path)) Atomics.wait(cell, 0, 0, 20);
}

/** The preparation itself, synchronous, on whatever thread calls it. */
export function prepareChangeNow(request: PreparationRequest): PreparedChange {
  holdForTest();
  const reviewer = cachedReviewer(request.config, request.model, request.attributes);
  const diff = reviewer.fromPullFiles(request.rows, request.changedFiles);
  return reviewer.prepareChange({
    diff,
    ...(request.text ? { text: request.text } : {}),
    ...(request.forced ? { forced: request.forced } : {}),
    ...(request.context ? { context: request.context } : {}),
    ...(request.unavailable ? { unavailable: request.unavailable } : {}),
    ...(request.structure ? { structure: request.structure } : {}),
  });
}

/**
 * On the caller's thread, with no deadline: the Action gates one pull request per job (its job's
 * `timeout-minutes` bounds it, and its checks then never read as passing), the CLI one change.
 */
export const prepareInProcess: ChangePreparer = async (request) => {
  try {
    return prepareChangeNow(request);
  } catch (error) {
    throw new ChangeProcessingError(`scoring this change failed: ${error instanceof Error ? error.message : String(error)}`);
  }
};
