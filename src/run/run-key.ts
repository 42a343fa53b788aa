import { createHash } from 'node:crypto';
import type { RiskgateConfig } from '../config/config-schema.js';
import type { Tier } from '../plan/tier.js';

/**
 * The identity of a gate run's work: the same repository, head, tier and config gives the same
 * answer, so it is done once however many deliveries or workers ask for it.
 */
export function runKeyOf(repository: string, headSha: string, tier: Tier, config: RiskgateConfig): string {
  const configHash = createHash('sha256').update(JSON.stringify(config)).digest('hex');
  return createHash('sha256').update(JSON.stringify([repository, headSha, tier, configHash])).digest('hex');
}
