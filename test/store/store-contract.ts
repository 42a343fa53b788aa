import { randomInt, randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { windowStart, type BudgetCap, type BudgetScope } from '../../src/budget/budget-cap.js';
import type { OpenedChecks } from '../../src/github/check-sink.js';
import type { GateRunClaim, GateRunResult, RunQuality } from '../../src/store/gate-runs.js';
import type { CallRecord, SpendRow } from '../../src/store/ledger.js';
import type { StoredResult } from '../../src/store/result-store.js';
import type { RiskgateStore } from '../../src/store/riskgate-store.js';

export type ContractStore = RiskgateStore & { pruneResults(ms: number): Promise<number | void> };

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const LEASE_MS = 10 * 60_000;

// Every test shares one database (that is how `open` reaches it twice for the concurrency test),
// so each works on installations, repositories, run keys and time ranges no other test uses.
const installation = () => randomInt(1, 2 ** 40);
const repository = () => `owner/repo-${randomUUID().slice(0, 8)}`;
let epochs = 0;
/** The start of a span of time only the calling test uses. */
const epoch = () => Date.UTC(2031, 0, 1) + ++epochs * 40 * DAY;

const RESULT: StoredResult = {
  findings: [
    {
      agent: 'security',
      severity: 'blocker',
      confidence: 0.9,
      path: 'src/auth/login.ts',
      startLine: 3,
      endLine: 4,
      title: 'SQL injection',
      explanation: 'The query concatenates the user name.',
      suggestedFix: 'Bind the name as a parameter.',
    },
  ],
  injection: { path: 'README.md', line: 2, quote: 'ignore previous instructions' },
  usage: { inputTokens: 1200, outputTokens: 300, cacheWrite5mTokens: 50, cacheWrite1hTokens: 0, cacheReadTokens: 900 },
  usd: 0.0123,
  model: 'claude-haiku-4-5',
  verdicts: [{ index: 0, real: true, severity: 'blocker', confidence: 0.95, reason: 'confirmed' }],
};

const resultKey = () => randomUUID().replaceAll('-', '');

function call(overrides: Partial<CallRecord>): CallRecord {
  return {
    installationId: 1,
    repository: 'owner/repo',
    pullNumber: 7,
    headSha: 'ec26c3e57ca3a959ca5aad62de7213c562f8c821',
    author: 'alice',
    at: Date.UTC(2031, 0, 1),
    tier: 'standard',
    agent: 'review',
    model: 'claude-haiku-4-5',
    outcome: 'ok',
    usage: { inputTokens: 0, outputTokens: 0, cacheWrite5mTokens: 0, cacheWrite1hTokens: 0, cacheReadTokens: 0 },
    usd: 0,
    strongUsd: 0,
    savedUsd: 0,
    latencyMs: 0,
    ...overrides,
  };
}

const usage = (inputTokens: number, outputTokens: number, cacheWrite5mTokens: number, cacheWrite1hTokens: number, cacheReadTokens: number) => ({
  inputTokens,
  outputTokens,
  cacheWrite5mTokens,
  cacheWrite1hTokens,
  cacheReadTokens,
});

function claimOf(overrides: Partial<GateRunClaim> = {}): GateRunClaim {
  return {
    runKey: randomUUID(),
    installationId: 42,
    repository: 'owner/repo',
    pullNumber: 7,
    headSha: 'ec26c3e57ca3a959ca5aad62de7213c562f8c821',
    author: 'alice',
    tier: 'standard',
    owner: 'job-1',
    explicit: false,
    ...overrides,
  };
}

const CHECKS = { repo: { owner: 'owner', repo: 'repo' }, headSha: 'ec26c3e57ca3a959ca5aad62de7213c562f8c821', ids: { review: 11, security: 12 } } as OpenedChecks;

function resultOf(overrides: Partial<GateRunResult> = {}): GateRunResult {
  return {
    state: 'completed',
    conclusion: 'failure',
    durationMs: 4_321,
    usd: 0.75,
    savedUsd: 0.25,
    findings: [
      { agent: 'security', severity: 'blocker', count: 1 },
      { agent: 'review', severity: 'note', count: 3 },
    ],
    ...overrides,
  };
}

const cap = (scope: BudgetScope, limitUsd = 100, window: BudgetCap['window'] = 'day'): BudgetCap => ({ scope, window, limitUsd });
/** Asks what the caps have used, holding nothing. */
const usedBy = async (store: ContractStore, caps: BudgetCap[], now: number) => (await store.holdBudget(caps, now, HOUR, () => 0)).used;

/**
 * The behaviour every RiskgateStore shares. `open` connects to the test's database: called twice,
 * it gives two connections (or pools) to the same data.
 */
export function describeStoreContract(name: string, open: () => Promise<ContractStore>): void {
  describe(`${name} store`, () => {
    let store: ContractStore;
    beforeAll(async () => {
      store = await open();
    });
    afterAll(async () => {
      await store?.close();
    });

    describe('result cache', () => {
      it('gives back what was put under a key, the latest put winning, and nothing for an unknown key', async () => {
        const key = resultKey();
        expect(await store.get(key)).toBeUndefined();
        await store.put(key, RESULT);
        expect(await store.get(key)).toEqual(RESULT);
        const newer = { ...RESULT, findings: [], usd: 0.5 };
        await store.put(key, newer);
        expect(await store.get(key)).toEqual(newer);
        expect(await store.get(resultKey())).toBeUndefined();
      });

      it('treats a stored value that is not a result as a miss', async () => {
        const key = resultKey();
        await store.put(key, { ...RESULT, findings: [{ ...RESULT.findings[0]!, confidence: 7 }] });
        expect(await store.get(key)).toBeUndefined();
        await store.put(key, { model: 'claude-haiku-4-5' } as StoredResult);
        expect(await store.get(key)).toBeUndefined();
      });

      it('evicts entries unused for longer than the age given, a hit counting as a use', async () => {
        // Long before any other test's entries, so the prune below reaches only these two.
        const start = Date.UTC(2001, 0, 1);
        const [read, unread] = [resultKey(), resultKey()];
        vi.useFakeTimers({ toFake: ['Date'] });
        try {
          vi.setSystemTime(start);
          await store.put(read, RESULT);
          await store.put(unread, RESULT);
          vi.setSystemTime(start + HOUR);
          expect(await store.get(read)).toEqual(RESULT);
          vi.setSystemTime(start + 2 * HOUR);
          expect(await store.pruneResults(90 * 60_000)).toBe(1);
          expect(await store.get(unread)).toBeUndefined();
          expect(await store.get(read)).toEqual(RESULT);
        } finally {
          vi.useRealTimers();
        }
      });
    });

    describe('spend ledger', () => {
      it('sums each group (tokens by kind, dollars, the slowest call) and orders groups by the dimensions asked for', async () => {
        const id = installation();
        const base = epoch();
        await store.recordCall(call({ installationId: id, at: base, agent: 'security', model: 'claude-opus-4-6', usage: usage(1, 2, 3, 4, 5), usd: 1.5, strongUsd: 1.5, latencyMs: 300 }));
        await store.recordCall(call({ installationId: id, at: base + 1, agent: 'review', model: 'claude-haiku-4-5', usage: usage(10, 20, 30, 40, 50), usd: 0.25, strongUsd: 1, latencyMs: 100 }));
        await store.recordCall(call({ installationId: id, at: base + 2, agent: 'review', model: 'claude-haiku-4-5', usage: usage(100, 200, 300, 400, 500), usd: 0.5, strongUsd: 2, latencyMs: 250.6 }));
        await store.recordCall(call({ installationId: id, at: base + 3, agent: 'review', model: 'claude-opus-4-6', usage: usage(7, 0, 0, 0, 0), usd: 1, strongUsd: 1, latencyMs: 50 }));

        const row = (group: SpendRow['group'], calls: number, tokens: SpendRow['usage'], usd: number, strongUsd: number, maxLatencyMs: number): SpendRow => ({
          group,
          calls,
          paidCalls: calls,
          cachedCalls: 0,
          localCalls: 0,
          usage: tokens,
          usd,
          strongUsd,
          savedUsd: 0,
          maxLatencyMs,
        });
        expect(await store.spend({ installationId: id, by: ['agent', 'model'] })).toEqual([
          row({ agent: 'review', model: 'claude-haiku-4-5' }, 2, usage(110, 220, 330, 440, 550), 0.75, 3, 251),
          row({ agent: 'review', model: 'claude-opus-4-6' }, 1, usage(7, 0, 0, 0, 0), 1, 1, 50),
          row({ agent: 'security', model: 'claude-opus-4-6' }, 1, usage(1, 2, 3, 4, 5), 1.5, 1.5, 300),
        ]);
        const byModelThenAgent = await store.spend({ installationId: id, by: ['model', 'agent'] });
        expect(byModelThenAgent.map((r) => r.group)).toEqual([
          { model: 'claude-haiku-4-5', agent: 'review' },
          { model: 'claude-opus-4-6', agent: 'review' },
          { model: 'claude-opus-4-6', agent: 'security' },
        ]);
      });

      it('counts calls a provider billed apart from answers the result cache gave', async () => {
        const id = installation();
        const at = epoch();
        for (const outcome of ['ok', 'failed', 'timed_out'] as const) await store.recordCall(call({ installationId: id, at, outcome, usd: 0.1 }));
        await store.recordCall(call({ installationId: id, at, outcome: 'cached', savedUsd: 0.25 }));
        await store.recordCall(call({ installationId: id, at, outcome: 'cached', savedUsd: 0.5 }));

        const [total] = await store.spend({ installationId: id, by: [] });
        expect(total).toMatchObject({ group: {}, calls: 5, paidCalls: 3, cachedCalls: 2, savedUsd: 0.75 });
        expect(total!.usd).toBeCloseTo(0.3, 10);
        const byOutcome = await store.spend({ installationId: id, by: ['outcome'] });
        expect(byOutcome.map((r) => [r.group.outcome, r.calls, r.paidCalls, r.cachedCalls])).toEqual([
          ['cached', 2, 0, 2],
          ['failed', 1, 1, 0],
          ['ok', 1, 1, 0],
          ['timed_out', 1, 1, 0],
        ]);
      });

      it('records which provider answered and whether it was a local model, and groups by provider', async () => {
        const id = installation();
        const at = epoch();
        await store.recordCall(call({ installationId: id, at, model: 'claude-haiku-5-5', usd: 0.1 }));
        await store.recordCall(call({ installationId: id, at, model: 'aws/us.anthropic.claude-sonnet-5-5-v1:0', provider: 'aws', usd: 0.2 }));
        await store.recordCall(call({ installationId: id, at, model: 'local/qwen2.5-coder', provider: 'local', local: true, usd: 0 }));
        await store.recordCall(call({ installationId: id, at, model: 'local/qwen2.5-coder', provider: 'local', local: true, outcome: 'cached' }));
        const byProvider = await store.spend({ installationId: id, by: ['provider'] });
        expect(byProvider.map((r) => [r.group.provider, r.paidCalls, r.localCalls])).toEqual([
          ['anthropic', 1, 0],
          ['aws', 1, 0],
          ['local', 1, 1],
        ]);
        const [total] = await store.spend({ installationId: id, by: [] });
        expect(total).toMatchObject({ calls: 4, paidCalls: 3, cachedCalls: 1, localCalls: 1 });
      });

      it('keeps a call recorded as it was sent (cancelled, its prompt) until its outcome replaces it, or drops it', async () => {
        const id = installation();
        const at = epoch();
        const [answered, cutOff, unbilled] = [randomUUID(), randomUUID(), randomUUID()];
        for (const callId of [answered, cutOff, unbilled]) {
          await store.recordCall(call({ callId, installationId: id, at, outcome: 'cancelled', usage: usage(1000, 0, 0, 0, 0), usd: 0.001 }));
        }
        await store.recordCall(call({ callId: answered, installationId: id, at: at + 5, outcome: 'ok', usage: usage(1100, 200, 0, 0, 0), usd: 0.002, latencyMs: 5 }));
        await store.forgetCall(unbilled);

        const byOutcome = await store.spend({ installationId: id, by: ['outcome'] });
        expect(byOutcome.map((r) => [r.group.outcome, r.calls, r.paidCalls, r.usage.inputTokens, r.usage.outputTokens, r.usd])).toEqual([
          ['cancelled', 1, 1, 1000, 0, 0.001],
          ['ok', 1, 1, 1100, 200, 0.002],
        ]);
      });

      it('puts each call in its UTC day, across midnight', async () => {
        const id = installation();
        const midnight = epoch() + DAY;
        for (const at of [midnight - DAY, midnight - 1, midnight, midnight + DAY - 1]) await store.recordCall(call({ installationId: id, at, usd: 1 }));
        const day = (at: number) => new Date(at).toISOString().slice(0, 10);

        const days = await store.spend({ installationId: id, by: ['day'] });
        expect(days.map((r) => [r.group.day, r.calls])).toEqual([
          [day(midnight - DAY), 2],
          [day(midnight), 2],
        ]);
        expect(day(midnight)).toMatch(/^2031-\d\d-\d\d$/);
      });

      it('keeps calls from `since` (inclusive) to `until` (exclusive), of one repository or installation', async () => {
        const [id, other] = [installation(), installation()];
        const [mine, theirs] = [repository(), repository()];
        const t = epoch();
        await store.recordCall(call({ installationId: id, repository: mine, at: t, usd: 1 }));
        await store.recordCall(call({ installationId: id, repository: mine, at: t + 1000, usd: 2 }));
        await store.recordCall(call({ installationId: id, repository: theirs, at: t + 1000, usd: 4 }));
        await store.recordCall(call({ installationId: id, repository: mine, at: t + 2000, usd: 8 }));
        await store.recordCall(call({ installationId: other, repository: mine, at: t + 1000, usd: 16 }));

        const usd = async (query: Parameters<ContractStore['spend']>[0]) => (await store.spend(query)).reduce((sum, r) => sum + r.usd, 0);
        expect(await usd({ installationId: id, by: [] })).toBe(15);
        expect(await usd({ installationId: id, since: t + 1000, by: [] })).toBe(14);
        expect(await usd({ installationId: id, until: t + 2000, by: [] })).toBe(7);
        expect(await usd({ installationId: id, since: t + 1000, until: t + 2000, by: [] })).toBe(6);
        expect(await usd({ repository: mine, by: [] })).toBe(27);
        expect(await usd({ repository: mine, installationId: other, by: [] })).toBe(16);
        expect(await usd({ repository: mine, since: t + 1, until: t + 2000, by: ['repository'] })).toBe(18);
      });

      it('names installations as strings in groups, and sums everything in one row when grouped by nothing', async () => {
        const id = installation();
        const repo = repository();
        await store.recordCall(call({ installationId: id, repository: repo, at: epoch(), usd: 2, author: 'bob', tier: 'full' }));

        const [grouped] = await store.spend({ installationId: id, by: ['installationId', 'repository', 'author', 'tier'] });
        expect(grouped!.group).toEqual({ installationId: String(id), repository: repo, author: 'bob', tier: 'full' });
        expect(await store.spend({ installationId: id, by: [] })).toHaveLength(1);
        expect(await store.spend({ installationId: installation(), by: [] })).toEqual([
          { group: {}, calls: 0, paidCalls: 0, cachedCalls: 0, localCalls: 0, usage: usage(0, 0, 0, 0, 0), usd: 0, strongUsd: 0, savedUsd: 0, maxLatencyMs: 0 },
        ]);
        expect(await store.spend({ installationId: installation(), by: ['day'] })).toEqual([]);
      });
    });

    describe('gate runs', () => {
      it('claims a new run, and tells another job that it is busy', async () => {
        const t = epoch();
        const claim = claimOf();
        expect(await store.claimRun(claim, t, LEASE_MS)).toEqual({ status: 'claimed' });
        expect(await store.claimRun({ ...claim, owner: 'job-2' }, t + 1000, LEASE_MS)).toEqual({ status: 'busy', owner: 'job-1' });
        // An explicit re-run waits for a live run too.
        expect(await store.claimRun({ ...claim, owner: 'job-3', explicit: true }, t + 2000, LEASE_MS)).toEqual({ status: 'busy', owner: 'job-1' });
      });

      it('gives a new run to exactly one of many jobs claiming it at once through two connections', async () => {
        const second = await open();
        try {
          const t = epoch();
          const claim = claimOf();
          const stores = [store, second];
          const results = await Promise.all(Array.from({ length: 10 }, (_, index) => stores[index % 2]!.claimRun({ ...claim, owner: `job-${index}` }, t, LEASE_MS)));
          const winners = results.flatMap((result, index) => (result.status === 'claimed' ? [`job-${index}`] : []));
          expect(winners).toHaveLength(1);
          expect(results.filter((result) => result.status === 'busy')).toEqual(Array.from({ length: 9 }, () => ({ status: 'busy', owner: winners[0] })));
        } finally {
          await second.close();
        }
      });

      it('gives the same job its run back, with the checks its crashed attempt opened', async () => {
        const t = epoch();
        const claim = claimOf();
        await store.claimRun(claim, t, LEASE_MS);
        await store.attachChecks(claim.runKey, CHECKS);
        expect(await store.claimRun(claim, t + 1000, LEASE_MS)).toEqual({ status: 'claimed', checks: CHECKS });
      });

      it('lets another job take over a run once its lease ran out, keeping its checks', async () => {
        const t = epoch();
        const claim = claimOf();
        await store.claimRun(claim, t, LEASE_MS);
        await store.attachChecks(claim.runKey, CHECKS);
        expect(await store.claimRun({ ...claim, owner: 'job-2' }, t + LEASE_MS, LEASE_MS)).toEqual({ status: 'busy', owner: 'job-1' });
        expect(await store.claimRun({ ...claim, owner: 'job-2' }, t + LEASE_MS + 1, LEASE_MS)).toEqual({ status: 'claimed', checks: CHECKS });
        // The take-over starts a new lease: the old owner, back from the dead, finds it taken.
        expect(await store.claimRun(claim, t + LEASE_MS + 2, LEASE_MS)).toEqual({ status: 'busy', owner: 'job-2' });
        const [run] = await store.listRuns({ since: t, until: t + 1, limit: 10 });
        expect(run).toMatchObject({ runKey: claim.runKey, state: 'running', startedAt: t });
      });

      it('gives an errored or superseded run to the next claim: only a completed run is done', async () => {
        for (const state of ['superseded', 'errored'] as const) {
          const t = epoch();
          const claim = claimOf();
          await store.claimRun(claim, t, LEASE_MS);
          await store.attachChecks(claim.runKey, CHECKS);
          await store.finishRun(claim.runKey, resultOf({ state, conclusion: `${state}-conclusion` }), t + 5000);
          expect(await store.claimRun({ ...claim, owner: 'job-2' }, t + 6000, LEASE_MS)).toEqual({ status: 'claimed' });
          expect(await store.claimRun({ ...claim, owner: 'job-3' }, t + 6001, LEASE_MS)).toEqual({ status: 'busy', owner: 'job-2' });
        }
      });

      it('answers a completed run with its conclusion, unless claimed again on purpose', async () => {
        for (const state of ['completed'] as const) {
          const t = epoch();
          const claim = claimOf();
          await store.claimRun(claim, t, LEASE_MS);
          await store.attachChecks(claim.runKey, CHECKS);
          await store.finishRun(claim.runKey, resultOf({ state, conclusion: `${state}-conclusion` }), t + 5000);

          expect(await store.claimRun({ ...claim, owner: 'job-2' }, t + 6000, LEASE_MS)).toEqual({ status: 'done', conclusion: `${state}-conclusion` });
          // A finished run is not taken over, however old.
          expect(await store.claimRun(claim, t + 10 * LEASE_MS, LEASE_MS)).toEqual({ status: 'done', conclusion: `${state}-conclusion` });
          // Claimed again on purpose: a new start, without the previous attempt's checks.
          expect(await store.claimRun({ ...claim, owner: 'job-3', explicit: true, pullNumber: 8 }, t + 20 * LEASE_MS, LEASE_MS)).toEqual({ status: 'claimed' });
          expect(await store.claimRun({ ...claim, owner: 'job-4' }, t + 20 * LEASE_MS + 1, LEASE_MS)).toEqual({ status: 'busy', owner: 'job-3' });
          const runs = await store.listRuns({ since: t, until: t + 40 * DAY, limit: 10 });
          expect(runs).toEqual([
            {
              runKey: claim.runKey,
              installationId: claim.installationId,
              repository: claim.repository,
              pullNumber: 8,
              headSha: claim.headSha,
              author: claim.author,
              tier: claim.tier,
              state: 'running',
              startedAt: t + 20 * LEASE_MS,
              usd: 0,
              savedUsd: 0,
              findings: [],
            },
          ]);
        }
      });

      it("lists the runs a job left running, with the checks they opened, and finishes them only while the job holds them", async () => {
        const t = epoch();
        const owner = `job-${randomUUID()}`;
        const [withChecks, bare, takenOver, finished] = [claimOf({ owner }), claimOf({ owner, headSha: 'a'.repeat(40) }), claimOf({ owner }), claimOf({ owner })];
        for (const [index, claim] of [withChecks, bare, takenOver, finished].entries()) await store.claimRun(claim, t + index, LEASE_MS);
        await store.attachChecks(withChecks.runKey, CHECKS);
        await store.finishRun(finished.runKey, resultOf(), t + 10);
        expect(await store.claimRun({ ...takenOver, owner: 'job-other' }, t + LEASE_MS + 10, LEASE_MS)).toMatchObject({ status: 'claimed' });

        expect(await store.unfinishedRunsOf(owner)).toEqual([
          { runKey: withChecks.runKey, headSha: withChecks.headSha, startedAt: t, checks: CHECKS },
          { runKey: bare.runKey, headSha: 'a'.repeat(40), startedAt: t + 1 },
        ]);
        const abandoned = resultOf({ state: 'superseded', conclusion: 'cancelled', usd: 0, savedUsd: 0, findings: [] });
        await store.finishRun(withChecks.runKey, abandoned, t + 20, owner);
        // Not the dead job's any more: the job that took it over finishes it.
        await store.finishRun(takenOver.runKey, abandoned, t + 20, owner);
        expect(await store.unfinishedRunsOf(owner)).toEqual([{ runKey: bare.runKey, headSha: 'a'.repeat(40), startedAt: t + 1 }]);
        const states = Object.fromEntries((await store.listRuns({ since: t, until: t + 10, limit: 10 })).map((r) => [r.runKey, r.state]));
        expect(states).toEqual({ [withChecks.runKey]: 'superseded', [bare.runKey]: 'running', [takenOver.runKey]: 'running', [finished.runKey]: 'completed' });
      });

      it('lists the runs started in [since, until), newest first, finished ones with their result', async () => {
        const t = epoch();
        const [first, second, third] = [claimOf({ installationId: installation(), repository: repository(), tier: 'minimal' }), claimOf({ tier: 'full', author: 'bob' }), claimOf()];
        await store.claimRun(first, t + 1000, LEASE_MS);
        await store.claimRun(second, t + 2000, LEASE_MS);
        await store.claimRun(third, t + 3000, LEASE_MS);
        await store.finishRun(second.runKey, resultOf(), t + 2500);

        const runs = await store.listRuns({ since: t + 1000, until: t + 3000, limit: 10 });
        expect(runs).toEqual([
          {
            runKey: second.runKey,
            installationId: second.installationId,
            repository: second.repository,
            pullNumber: second.pullNumber,
            headSha: second.headSha,
            author: 'bob',
            tier: 'full',
            state: 'completed',
            conclusion: 'failure',
            startedAt: t + 2000,
            finishedAt: t + 2500,
            durationMs: 4_321,
            usd: 0.75,
            savedUsd: 0.25,
            findings: resultOf().findings,
          },
          {
            runKey: first.runKey,
            installationId: first.installationId,
            repository: first.repository,
            pullNumber: first.pullNumber,
            headSha: first.headSha,
            author: first.author,
            tier: 'minimal',
            state: 'running',
            startedAt: t + 1000,
            usd: 0,
            savedUsd: 0,
            findings: [],
          },
        ]);
        expect(runs[1]).not.toHaveProperty('conclusion');
        expect((await store.listRuns({ since: t, until: t + DAY, limit: 2 })).map((r) => r.runKey)).toEqual([third.runKey, second.runKey]);
        expect((await store.listRuns({ since: t + 2001, until: t + DAY, limit: 10 })).map((r) => r.runKey)).toEqual([third.runKey]);
      });
      it("keeps a run's quality (schema 5) as recorded, and forgets it when the run is claimed again on purpose", async () => {
        const t = epoch();
        const claim = claimOf();
        await store.claimRun(claim, t, LEASE_MS);
        const quality: RunQuality = { findings: { blocker: 2, warning: 1, note: 0 }, verdict: 'error', agentFailures: 1, timeouts: 2, budgetStop: true, checked: 3, verified: 1, rejected: 2 };
        await store.finishRun(claim.runKey, resultOf({ quality }), t + 100);
        const [run] = await store.listRuns({ since: t, until: t + 1, limit: 1 });
        expect(run?.quality).toEqual(quality);

        await store.claimRun({ ...claim, explicit: true }, t + 200, LEASE_MS);
        const [again] = await store.listRuns({ since: t + 200, until: t + 201, limit: 1 });
        expect(again?.runKey).toBe(claim.runKey);
        expect(again).not.toHaveProperty('quality');
        // A result without quality (an errored run) records none.
        await store.finishRun(claim.runKey, resultOf({ state: 'errored' }), t + 300);
        const [errored] = await store.listRuns({ since: t + 200, until: t + 201, limit: 1 });
        expect(errored).not.toHaveProperty('quality');
      });
    });

    describe('budget holds', () => {
      // Midday in the middle of a month: the day window starts at midnight, the month's on the 1st.
      const NOW = Date.UTC(2031, 5, 15, 12);

      it('counts what the ledger spent in each cap window plus live holds, cap by cap', async () => {
        const id = installation();
        const day = windowStart('day', NOW);
        for (const [at, usd] of [
          [NOW - HOUR, 1],
          [day, 2],
          [day - 1, 4],
          [windowStart('month', NOW) - 1, 8],
        ] as const) {
          await store.recordCall(call({ installationId: id, at, usd }));
        }
        const caps = [cap({ kind: 'installation', installationId: id }, 10, 'day'), cap({ kind: 'installation', installationId: id }, 10, 'month')];

        let seen: readonly number[] = [];
        const hold = await store.holdBudget(caps, NOW, HOUR, (used) => {
          seen = [...used];
          return 0.5;
        });
        expect(seen).toEqual([3, 7]);
        expect(hold).toMatchObject({ usd: 0.5, used: [3, 7] });
        expect(hold.id).not.toBe('');
        expect(await usedBy(store, caps, NOW + 1)).toEqual([3.5, 7.5]);
      });

      it('stops counting a hold once it expires', async () => {
        const repo = repository();
        const caps = [cap({ kind: 'repository', repository: repo })];
        await store.holdBudget(caps, NOW, 1000, () => 2);
        expect(await usedBy(store, caps, NOW + 999)).toEqual([2]);
        expect(await usedBy(store, caps, NOW + 1000)).toEqual([0]);
      });

      it("counts against a cap only the spending and holds in the cap's scope", async () => {
        const [id, other] = [installation(), installation()];
        const [mine, theirs] = [repository(), repository()];
        await store.recordCall(call({ installationId: id, repository: mine, author: 'alice', at: NOW, usd: 1 }));
        await store.recordCall(call({ installationId: id, repository: theirs, author: 'bob', at: NOW, usd: 2 }));
        await store.recordCall(call({ installationId: other, repository: repository(), author: 'alice', at: NOW, usd: 4 }));
        const installationCap = cap({ kind: 'installation', installationId: id });
        const repositoryCap = cap({ kind: 'repository', repository: mine });
        const alice = cap({ kind: 'author', installationId: id, author: 'alice' });
        const bob = cap({ kind: 'author', installationId: id, author: 'bob' });
        const aliceElsewhere = cap({ kind: 'author', installationId: other, author: 'alice' });
        const all = [installationCap, repositoryCap, alice, bob, aliceElsewhere, cap({ kind: 'repository', repository: theirs })];
        expect(await usedBy(store, all, NOW)).toEqual([3, 1, 1, 2, 4, 2]);

        // A hold keeps the scopes of the caps it was taken under, and counts wherever those match.
        await store.holdBudget([alice], NOW, HOUR, () => 10);
        expect(await usedBy(store, all, NOW)).toEqual([13, 1, 11, 2, 4, 2]);
        await store.holdBudget([repositoryCap], NOW, HOUR, () => 20);
        expect(await usedBy(store, all, NOW)).toEqual([13, 21, 11, 2, 4, 2]);
        await store.holdBudget([installationCap, repositoryCap, bob], NOW, HOUR, () => 40);
        expect(await usedBy(store, all, NOW)).toEqual([53, 61, 11, 42, 4, 2]);
      });

      it('holds nothing when decide says nothing', async () => {
        const repo = repository();
        const caps = [cap({ kind: 'repository', repository: repo })];
        await store.recordCall(call({ repository: repo, at: NOW, usd: 3 }));
        expect(await store.holdBudget(caps, NOW, HOUR, () => 0)).toEqual({ id: '', usd: 0, used: [3] });
        expect(await usedBy(store, caps, NOW)).toEqual([3]);
      });

      it('frees the money a hold set aside when it is released', async () => {
        const repo = repository();
        const caps = [cap({ kind: 'repository', repository: repo })];
        const hold = await store.holdBudget(caps, NOW, HOUR, () => 3);
        const other = await store.holdBudget(caps, NOW, HOUR, () => 1);
        expect(await usedBy(store, caps, NOW)).toEqual([4]);
        await store.releaseBudget(hold.id);
        expect(await usedBy(store, caps, NOW)).toEqual([1]);
        await store.releaseBudget('');
        await store.releaseBudget(other.id);
        expect(await usedBy(store, caps, NOW)).toEqual([0]);
      });

      it('grants exactly what fits when many runs hold at once through two connections', async () => {
        const second = await open();
        try {
          const repo = repository();
          const caps = [cap({ kind: 'repository', repository: repo }, 5)];
          const stores = [store, second];
          const holds = await Promise.all(
            Array.from({ length: 20 }, (_, index) => stores[index % 2]!.holdBudget(caps, NOW, HOUR, ([used]) => (used! + 1 <= 5 ? 1 : 0))),
          );
          expect(holds.filter((hold) => hold.id !== '')).toHaveLength(5);
          expect(new Set(holds.map((hold) => hold.used[0]))).toEqual(new Set([0, 1, 2, 3, 4, 5]));
          expect(await usedBy(second, caps, NOW)).toEqual([5]);
        } finally {
          await second.close();
        }
      });
    });

    describe('eval reports', () => {
      it('gives the newest report of each repository, newest first, its JSON as recorded', async () => {
        const [a, b] = [repository(), repository()];
        const t = epoch();
        const report = (n: number) => ({ arms: [{ name: 'routed', recall: { k0: 0.1 * n, k3: null, k10: 1 } }], seed: n, note: 'quotes " and \\ and ünïcode' });
        await store.recordEvalReport({ repository: a, at: t, report: report(1) });
        await store.recordEvalReport({ repository: b, at: t + 1000, report: report(2) });
        await store.recordEvalReport({ repository: a, at: t + 2000, report: report(3) });
        // Two reports of the same instant: the later recorded is the newest.
        await store.recordEvalReport({ repository: b, at: t + 500, report: report(4) });
        await store.recordEvalReport({ repository: b, at: t + 1000, report: report(5) });
        const ours = (await store.latestEvalReports(1000)).filter((r) => r.repository === a || r.repository === b);
        expect(ours).toEqual([
          { repository: a, at: t + 2000, report: report(3) },
          { repository: b, at: t + 1000, report: report(5) },
        ]);
        // The limit counts repositories, newest first.
        const newest = await store.latestEvalReports(1);
        expect(newest).toHaveLength(1);
        expect(newest[0]!.at).toBeGreaterThanOrEqual(t + 2000);
      });
    });

    describe('command replies', () => {
      it('claims a reply once per window, and once ever without one', async () => {
        const key = `refusal:${repository()}#1:reader`;
        const t = epoch();
        expect(await store.claimReply(key, t, HOUR)).toBe(true);
        expect(await store.claimReply(key, t + 1000, HOUR)).toBe(false);
        expect(await store.claimReply(key, t + HOUR - 1, HOUR)).toBe(false);
        expect(await store.claimReply(key, t + HOUR, HOUR)).toBe(true);
        expect(await store.claimReply(`${key}:other`, t + 1000, HOUR)).toBe(true);
        const once = `closed:${repository()}#1`;
        expect(await store.claimReply(once, t)).toBe(true);
        expect(await store.claimReply(once, t + 100 * DAY)).toBe(false);
      });

      it('gives a reply to exactly one of many claims at once through two connections', async () => {
        const second = await open();
        try {
          const key = `refusal:${repository()}#2:reader`;
          const t = epoch();
          const stores = [store, second];
          const claims = await Promise.all(Array.from({ length: 10 }, (_, index) => stores[index % 2]!.claimReply(key, t + index, HOUR)));
          expect(claims.filter(Boolean)).toHaveLength(1);
        } finally {
          await second.close();
        }
      });
    });
  });
}
