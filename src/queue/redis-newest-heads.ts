import type { Redis } from 'ioredis';
import { RedisScript } from './redis-script.js';

// A pull request's record lives as long as delivery ids do; an older job cannot outlive it.
const RECORD_TTL_MS = 8 * 24 * 60 * 60 * 1000;

// KEYS: the pull request's record (head, seq of the newest gate job; cutoff: gate jobs with a
// lower seq are superseded). ARGV: the new job's seq, its head ('' when unknown), record TTL.
// A job supersedes older ones when its head differs from the newest head (or either is unknown);
// one that arrives after a newer job (concurrent enqueues) is itself superseded if heads differ.
const RECORD = new RedisScript(`
local seq = tonumber(ARGV[1])
local head = ARGV[2]
local newestSeq = tonumber(redis.call('HGET', KEYS[1], 'seq') or '0')
local newestHead = redis.call('HGET', KEYS[1], 'head')
local cutoff = tonumber(redis.call('HGET', KEYS[1], 'cutoff') or '0')
local differs = head == '' or not newestHead or newestHead == '' or newestHead ~= head
if seq > newestSeq then
  if differs then cutoff = math.max(cutoff, seq) end
  redis.call('HSET', KEYS[1], 'seq', seq, 'head', head)
elseif differs then
  cutoff = math.max(cutoff, seq + 1)
end
redis.call('HSET', KEYS[1], 'cutoff', cutoff)
redis.call('PEXPIRE', KEYS[1], ARGV[3])
return cutoff`);

/**
 * The newest gate job of each pull request, in Redis: gate jobs are numbered as they are queued,
 * and a job numbered below its pull request's cutoff has been superseded by a newer head.
 */
export class RedisNewestHeads {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
  ) {}

  /** The number for a gate job about to be queued. */
  async nextSeq(): Promise<number> {
    return this.redis.incr(`${this.prefix}:gate-seq`);
  }

  /** Called once the job is queued: a crash before this leaves older jobs to run, never a gap. */
  async record(pullKey: string, seq: number, headSha: string | undefined): Promise<void> {
    await RECORD.run(this.redis, [this.keyOf(pullKey)], [seq, headSha ?? '', RECORD_TTL_MS]);
  }

  async isSuperseded(pullKey: string, seq: number): Promise<boolean> {
    const cutoff = await this.redis.hget(this.keyOf(pullKey), 'cutoff');
    return cutoff !== null && seq < Number(cutoff);
  }

  private keyOf(pullKey: string): string {
    return `${this.prefix}:newest-head:${pullKey}`;
  }
}
