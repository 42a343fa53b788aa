import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import type { BreakerSettings, CircuitBreaker } from './circuit-breaker.js';

export const DEFAULT_BREAKER_PREFIX = 'riskgate';

// One step on the server, so two processes failing at once both count and one of them opens it:
// drop failures older than the window, add this one, and open when the count reaches the limit.
const RECORD_FAILURE = `
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', tonumber(ARGV[1]) - tonumber(ARGV[2]))
redis.call('ZADD', KEYS[1], ARGV[1], ARGV[5])
redis.call('PEXPIRE', KEYS[1], ARGV[2])
if redis.call('ZCARD', KEYS[1]) >= tonumber(ARGV[3]) then
  redis.call('SET', KEYS[2], '1', 'PX', ARGV[4])
  redis.call('DEL', KEYS[1])
end
return 1`;

/**
 * The breaker every process of a deployment shares (REDIS_URL): what one App replica or one CLI
 * run learnt of a provider's outage, the next skips. Redis trouble is never a reason to skip a
 * provider: a breaker that cannot reach Redis reads as closed and counts nothing.
 */
export class RedisCircuitBreaker implements CircuitBreaker {
  constructor(
    private readonly redis: Redis,
    private readonly settings: BreakerSettings,
    private readonly prefix = DEFAULT_BREAKER_PREFIX,
    private readonly onError: (error: Error) => void = () => {},
  ) {}

  private key(provider: string, part: 'failures' | 'open'): string {
    return `${this.prefix}:breaker:${provider}:${part}`;
  }

  async isOpen(provider: string): Promise<boolean> {
    try {
      return (await this.redis.exists(this.key(provider, 'open'))) === 1;
    } catch (error) {
      this.onError(error as Error);
      return false;
    }
  }

  async recordFailure(provider: string): Promise<void> {
    const { failures, windowMs, openMs } = this.settings;
    try {
      await this.redis.eval(RECORD_FAILURE, 2, this.key(provider, 'failures'), this.key(provider, 'open'), Date.now(), windowMs, failures, openMs, randomUUID());
    } catch (error) {
      this.onError(error as Error);
    }
  }
}
