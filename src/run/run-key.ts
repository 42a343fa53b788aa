import { createHash } from 'node:crypto';
import type { RiskModel } from '../calibrate/risk-model-file.js';
import type { RiskgateConfig } from '../config/config-schema.js';
import type { Tier } from '../plan/tier.js';

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

/**
 * The identity of a gate run's work: the same repository, head, tier, config and calibrated model
 * gives the same answer, so it is done once however many deliveries or workers ask for it. Without
 * a model the key is what it was before models existed.
 */
export function runKeyOf(repository: string, headSha: string, tier: Tier, config: RiskgateConfig, model?: RiskModel): string {
  const configHash = sha256(JSON.stringify(config));
  const modelHash = model ? [sha256(JSON.stringify(model))] : [];
  return sha256(JSON.stringify([repository, headSha, tier, configHash, ...modelHash]));
}
