import { createHash } from 'node:crypto';
import type { RiskModel } from '../calibrate/risk-model-file.js';
import type { RiskgateConfig } from '../config/config-schema.js';
import type { GitAttributes } from '../diff/match-git-attributes.js';
import type { Tier } from '../plan/tier.js';

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

/**
 * The identity of a gate run's work: the same repository, head, tier, config and calibrated model
 * gives the same answer, so it is done once however many deliveries or workers ask for it. Without
 * a model the key is what it was before models existed. The base's linguist attributes decide
 * file kinds, so they are part of it when there are any.
 */
export function runKeyOf(repository: string, headSha: string, tier: Tier, config: RiskgateConfig, model?: RiskModel, attributes?: GitAttributes): string {
  const configHash = sha256(JSON.stringify(config));
  const modelHash = model ? [sha256(JSON.stringify(model))] : [];
  const attributesHash = attributes && attributes.lines.length > 0 ? [`gitattributes:${sha256(JSON.stringify(attributes.lines))}`] : [];
  return sha256(JSON.stringify([repository, headSha, tier, configHash, ...modelHash, ...attributesHash]));
}
