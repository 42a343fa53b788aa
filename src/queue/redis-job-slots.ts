import type { Redis } from 'ioredis';
import { RedisScript } from './redis-script.js';

// Milliseconds from the server's clock, so every process measures leases against one clock.
const NOW = `
local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
`;

// Keeps the holders set alive at least as long as its newest lease.
const KEEP_HOLDERS = `
if redis.call('PTTL', KEYS[2]) < lease then redis.call('PEXPIRE', KEYS[2], lease) end
`;

// KEYS: the pull request's lock, the repository's holders (a sorted set scored by lease expiry).
// ARGV: holder, lease ms, per-repository limit. Takes both or neither.
const ACQUIRE = new RedisScript(`${NOW}
local lease = tonumber(ARGV[2])
if redis.call('EXISTS', KEYS[1]) == 1 then return 0 end
redis.call('ZREMRANGEBYSCORE', KEYS[2], '-inf', now)
if redis.call('ZCARD', KEYS[2]) >= tonumber(ARGV[3]) then return 0 end
redis.call('SET', KEYS[1], ARGV[1], 'PX', lease)
redis.call('ZADD', KEYS[2], now + lease, ARGV[1])
${KEEP_HOLDERS}
return 1`);

// ARGV: holder, lease ms. 0 when the lease has already run out (the slot may be someone else's).
const RENEW = new RedisScript(`${NOW}
local lease = tonumber(ARGV[2])
if redis.call('GET', KEYS[1]) ~= ARGV[1] then return 0 end
redis.call('PEXPIRE', KEYS[1], lease)
redis.call('ZADD', KEYS[2], now + lease, ARGV[1])
${KEEP_HOLDERS}
return 1`);

// ARGV: holder. Releases only what this holder has.
const RELEASE = new RedisScript(`
if redis.call('GET', KEYS[1]) == ARGV[1] then redis.call('DEL', KEYS[1]) end
redis.call('ZREM', KEYS[2], ARGV[1])
return 1`);

export interface SlotClaim {
  pullKey: string;
  repository: string;
  /** Unique to one run of one job, so a run never releases a slot a later run of the same job holds. */
  holder: string;
}

/**
 * Per-pull-request locks and per-repository semaphores in Redis, shared by every process: a run
 * holds its pull request's lock and one of its repository's places for a lease it renews; a
 * holder that dies frees both when the lease runs out.
 */
export class RedisJobSlots {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
    private readonly leaseMs: number,
    private readonly perRepository: number,
  ) {}

  async acquire(claim: SlotClaim): Promise<boolean> {
    return (await ACQUIRE.run(this.redis, this.keysOf(claim), [claim.holder, this.leaseMs, this.perRepository])) === 1;
  }

  /** False when the lease was lost: the run no longer holds its slot. */
  async renew(claim: SlotClaim): Promise<boolean> {
    return (await RENEW.run(this.redis, this.keysOf(claim), [claim.holder, this.leaseMs])) === 1;
  }

  async release(claim: SlotClaim): Promise<void> {
    await RELEASE.run(this.redis, this.keysOf(claim), [claim.holder]);
  }

  private keysOf(claim: SlotClaim): string[] {
    return [`${this.prefix}:pull-lock:${claim.pullKey}`, `${this.prefix}:repository-holders:${claim.repository}`];
  }
}
