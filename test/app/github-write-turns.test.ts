import { describe, expect, it } from 'vitest';
import { WRITE_TURN_EXPIRATION_MS, withShortWriteTurns } from '../../src/app/github-write-turns.js';

/** A stand-in for Bottleneck: records the groups made and what each turn is scheduled with. */
function fakeBottleneck() {
  const groups: Array<{ options: Record<string, unknown>; scheduled: Array<{ key: string; options: Record<string, unknown> }> }> = [];
  class Group {
    private readonly record: (typeof groups)[number];
    constructor(options: Record<string, unknown>) {
      this.record = { options, scheduled: [] };
      groups.push(this.record);
    }
    key(key: string) {
      return {
        schedule: async (options: Record<string, unknown>, task: (...args: unknown[]) => unknown, ...args: unknown[]) => {
          this.record.scheduled.push({ key, options });
          return task(...args);
        },
      };
    }
  }
  return { Bottleneck: { Group }, groups };
}

describe('write turns shared in Redis', () => {
  it("expire after WRITE_TURN_EXPIRATION_MS instead of the plugin's 60 s, in groups like the plugin's", async () => {
    const { Bottleneck, groups } = fakeBottleneck();
    const connection = {};
    const throttle = withShortWriteTurns({ Bottleneck, connection, enabled: true })!;
    expect(groups.map((g) => g.options)).toEqual([
      { id: 'octokit-write', maxConcurrent: 1, minTime: 1_000, timeout: 120_000, connection },
      { id: 'octokit-notifications', maxConcurrent: 1, minTime: 3_000, timeout: 120_000, connection },
    ]);
    const write = throttle.write as { key(id: string): { schedule(options: object, task: () => string): Promise<string> } };
    // What the plugin schedules a clustered write's turn with (wrap-request.js).
    expect(await write.key('42').schedule({ expiration: 60_000, priority: 0, weight: 0 }, () => 'ran')).toBe('ran');
    expect(groups[0]!.scheduled).toEqual([{ key: '42', options: { expiration: WRITE_TURN_EXPIRATION_MS, priority: 0, weight: 0 } }]);
    expect(WRITE_TURN_EXPIRATION_MS).toBeLessThan(60_000);
    // The turn outlives its longest legitimate hold: the notifications group's three seconds.
    expect(WRITE_TURN_EXPIRATION_MS).toBeGreaterThan(3_000);
    // Every Octokit of the process shares the same groups.
    expect(withShortWriteTurns({ Bottleneck, connection })!.write).toBe(throttle.write);
    expect(groups).toHaveLength(2);
  });

  it('leaves throttling without Redis as it is: a turn dies with its process', () => {
    const { Bottleneck } = fakeBottleneck();
    const local = { Bottleneck, enabled: true };
    expect(withShortWriteTurns(local)).toBe(local);
    expect(withShortWriteTurns(undefined)).toBeUndefined();
  });
});
