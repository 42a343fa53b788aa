import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { breakerSettingsFromEnv, InProcessCircuitBreaker } from '../../src/model/circuit-breaker.js';
import { RedisCircuitBreaker } from '../../src/model/redis-circuit-breaker.js';

const settings = { failures: 3, windowMs: 60_000, openMs: 30_000 };

describe('InProcessCircuitBreaker', () => {
  it('opens after N failures within the window, for the open time, per provider', async () => {
    let now = 1_000_000;
    const breaker = new InProcessCircuitBreaker(settings, () => now);
    await breaker.recordFailure('a');
    now += 59_000;
    await breaker.recordFailure('a');
    // The first failure leaves the window before the third arrives: still closed.
    now += 2_000;
    await breaker.recordFailure('a');
    expect(await breaker.isOpen('a')).toBe(false);
    await breaker.recordFailure('a');
    expect(await breaker.isOpen('a')).toBe(true);
    expect(await breaker.isOpen('b')).toBe(false);
    now += 30_001;
    expect(await breaker.isOpen('a')).toBe(false);
  });

  it('reads its settings from the environment, naming a wrong variable', () => {
    expect(breakerSettingsFromEnv({})).toEqual({ failures: 5, windowMs: 60_000, openMs: 30_000 });
    expect(breakerSettingsFromEnv({ RISKGATE_BREAKER_FAILURES: '2', RISKGATE_BREAKER_OPEN_SECONDS: '90' })).toEqual({ failures: 2, windowMs: 60_000, openMs: 90_000 });
    expect(() => breakerSettingsFromEnv({ RISKGATE_BREAKER_FAILURES: '0' })).toThrow('RISKGATE_BREAKER_FAILURES: "0" is not a whole number from 1 to 1000');
    expect(() => breakerSettingsFromEnv({ RISKGATE_BREAKER_OPEN_SECONDS: 'soon' })).toThrow('RISKGATE_BREAKER_OPEN_SECONDS: "soon" is not a whole number from 1 to 3600');
  });
});

describe('RedisCircuitBreaker', () => {
  const prefix = `riskgate-breaker-test-${process.pid}-${Date.now()}`;
  const one = new Redis('redis://127.0.0.1:6379');
  const two = new Redis('redis://127.0.0.1:6379');
  afterAll(async () => {
    const keys = await one.keys(`${prefix}*`);
    if (keys.length) await one.del(...keys);
    await Promise.all([one.quit(), two.quit()]);
  });

  it('counts failures from two connections together and opens for both', async () => {
    const a = new RedisCircuitBreaker(one, settings, prefix);
    const b = new RedisCircuitBreaker(two, settings, prefix);
    await a.recordFailure('aws');
    await b.recordFailure('aws');
    expect(await a.isOpen('aws')).toBe(false);
    await b.recordFailure('aws');
    expect(await a.isOpen('aws')).toBe(true);
    expect(await b.isOpen('aws')).toBe(true);
    expect(await b.isOpen('local')).toBe(false);
    expect(await one.pttl(`${prefix}:breaker:aws:open`)).toBeGreaterThan(25_000);
  });

  it('reads as closed and reports the trouble when Redis cannot be reached', async () => {
    const down = new Redis('redis://127.0.0.1:1', { lazyConnect: true, enableOfflineQueue: false, maxRetriesPerRequest: 0 });
    down.on('error', () => {});
    const errors: string[] = [];
    const breaker = new RedisCircuitBreaker(down, settings, prefix, (error) => errors.push(error.message));
    await breaker.recordFailure('aws');
    expect(await breaker.isOpen('aws')).toBe(false);
    expect(errors).toHaveLength(2);
    down.disconnect();
  });
});
