import { describe, expect, it } from 'vitest';
import { validateConfig } from '../../src/config/load-config.js';
import type { Finding } from '../../src/findings/finding.js';
import { ZERO_USAGE } from '../../src/model/model-port.js';
import { DEFAULT_PRICES } from '../../src/plan/prices.js';
import { decideGate } from '../../src/report/decide-gate.js';
import { MAX_CHECK_TEXT_CHARS } from '../../src/report/fit-check-text.js';
import { formatTokens, formatUsd, plural } from '../../src/report/format-amounts.js';
import { decodeGateState, type GateState } from '../../src/report/gate-state.js';
import { renderChecks, renderRunning, type RenderContext } from '../../src/report/render-checks.js';
import { createReviewer, type ReviewReport } from '../../src/run/review-change.js';
import type { AgentRun } from '../../src/run/run-agents.js';
import { makeDiff } from '../support/make-diff.js';

// The check-run text is data: what a reader sees first, in what order, with which counts.

const SHA = 'c'.repeat(40);
const STATE: GateState = { v: 1, headSha: SHA, tier: 'thorough', openBlockers: [] };
const POLICY = { failOn: 'blocker' as const, onError: 'by-tier' as const };
const FAST = 'claude-haiku-5-5';
const STRONG = 'claude-sonnet-5-5';
const CONTEXT: RenderContext = { headSha: SHA, configSource: 'test', resolvedBlockers: 0, offerFullRun: true, state: STATE, repository: 'octo/shop', strong: { model: STRONG, price: DEFAULT_PRICES[STRONG]! } };
const reviewer = createReviewer(validateConfig({}, 'test'));

const finding = (over: Partial<Finding> = {}): Finding => ({ agent: 'review', severity: 'warning', confidence: 0.9, path: 'src/auth/session.ts', startLine: 2, endLine: 2, title: 'Title', explanation: 'Why.', ...over });
const usage = { ...ZERO_USAGE, inputTokens: 12_345, outputTokens: 800, cacheReadTokens: 4_000 };

/** A scored change under src/auth with eval and a DROP TABLE, its agents answered as given. */
function scoredReport(runs: Partial<Record<AgentRun['agent'], Partial<AgentRun>>>, findings: Finding[]): ReviewReport {
  const diff = reviewer.parse(
    makeDiff({ path: 'src/auth/session.ts', added: ['export function load(input: string) {', '  return eval(input);', '}'] }) +
      makeDiff({ path: 'migrations/0042.sql', added: ['-- drop the old table', 'ALTER TABLE a ADD b int;', 'ALTER TABLE a ADD c int;', 'DROP TABLE users;'] }),
  );
  const base = reviewer.assess({ diff }, 'test');
  return {
    ...base,
    findings,
    agents: base.agents.map((a): AgentRun => {
      const over = runs[a.agent];
      if (!over) return { ...a, outcome: 'skipped', reason: 'not at this tier' };
      return { ...a, outcome: 'ok', reason: undefined, model: FAST, modelClass: 'fast', usage, usd: 0.0031, latencyMs: 2_100, findings: [], ...over } as AgentRun;
    }),
    usd: Object.values(runs).reduce((sum, r) => sum + (r.usd ?? 0.0031), 0),
  } as ReviewReport;
}

const lineIndex = (text: string, pattern: RegExp) => text.split('\n').findIndex((l) => pattern.test(l));

describe('the umbrella check leads with what matters', () => {
  const blocker = finding({ agent: 'security', severity: 'blocker', startLine: 2, endLine: 2, title: 'eval of request input' });
  const warning = finding({ agent: 'review', severity: 'warning', path: 'migrations/0042.sql', startLine: 4, endLine: 4, title: 'Drops a table with data' });
  const r = scoredReport({ review: { findings: [warning] }, security: { model: STRONG, modelClass: 'strong', usd: 0.004, findings: [blocker] } }, [blocker, warning]);
  const rendered = renderChecks(r, decideGate(r, [], POLICY), CONTEXT);
  const summary = rendered.umbrella.summary;

  it('verdict, blocker, warning, cost line, why sentence, then the tables folded in <details>', () => {
    const at = {
      verdict: lineIndex(summary, /^\*\*failure\*\*: 1 finding at blocker or above$/),
      heading: lineIndex(summary, /^### 1 blocker, 1 warning$/),
      blocker: lineIndex(summary, /^- \*\*blocker\*\* \[`src\/auth\/session\.ts:2`\]\(\/octo\/shop\/blob\/c{40}\/src\/auth\/session\.ts#L2\): eval of request input _\(security agent; confidence 0\.90\)_$/),
      warning: lineIndex(summary, /^- \*\*warning\*\* \[`migrations\/0042\.sql:4`\]\(\/octo\/shop\/blob\/c{40}\/migrations\/0042\.sql#L4\): Drops a table with data/),
      cost: lineIndex(summary, /^\*\*\$0\.007\*\* for 2 model calls; all on the strong model: \$0\.\d{2,3}\.$/),
      why: lineIndex(summary, /^\*\*Why \w+:\*\* /),
      factors: lineIndex(summary, /^<details><summary>Risk score \d+\/100: \d+ factors<\/summary>$/),
      agents: lineIndex(summary, /^<details><summary>Agents: 2 findings, \$0\.007<\/summary>$/),
    };
    expect(Object.values(at).every((i) => i >= 0)).toBe(true);
    expect(Object.values(at)).toEqual(Object.values(at).sort((a, b) => a - b));
    // Nothing but the verdict, the findings and blank lines comes before the cost line.
    expect(summary.split('\n').slice(0, at.cost).filter((l) => l !== '')).toHaveLength(4);
    // The tables are below, and only below, the fold.
    expect(lineIndex(summary, /^\| points \| factor/)).toBeGreaterThan(at.factors);
    expect(lineIndex(summary, /^\| agent \| outcome/)).toBeGreaterThan(at.agents);
    expect(summary).not.toMatch(/is in the \w+ band/);
  });

  it('the why sentence names the top drivers with their evidence and points', () => {
    const why = summary.split('\n').find((l) => l.startsWith('**Why '))!;
    expect(why).toBe(
      `**Why thorough:** \`size.changed-lines\` at \`migrations/0042.sql\` (+13.5), \`return eval(input);\` at \`src/auth/session.ts:2\` (+12), \`DROP TABLE users;\` at \`migrations/0042.sql:4\` (+12) (score ${r.score.score}/100).`,
    );
    // Highest points first.
    const points = [...why.matchAll(/\(\+(\d+(?:\.\d+)?)\)/g)].map((m) => Number(m[1]));
    expect(points).toEqual([...points].sort((a, b) => b - a));
    expect(points).toHaveLength(3);
  });

  it('says 1 finding, 2 findings, 1 file: no "(s)" and no four-decimal dollars in what riskgate writes', () => {
    const lead = summary.slice(0, summary.indexOf('<details>'));
    expect(lead).not.toMatch(/\(s\)|\\\(s\\\)/);
    expect(rendered.umbrella.title).toMatch(/: 2 findings: 1 blocker, 1 warning$/);
    expect(rendered.agents.find((c) => c.name === 'riskgate / security')!.title).toBe('1 finding: 1 blocker');
    for (const text of [summary, ...rendered.agents.map((c) => `${c.title}\n${c.summary}`)]) expect(text).not.toMatch(/\$\d+\.\d{4}|finding\(s\)|file\(s\)/);
    // Tokens with separators, once.
    expect(summary).toContain('| review | ok | `claude-haiku-5-5` | 12,345 / 4,000 / 800 | 1 | $0.003 |');
  });

  it('skipped agents show a dash, not $0, in the agents table', () => {
    const row = summary.split('\n').find((l) => l.startsWith('| tests |'))!;
    expect(row).toBe('| tests | skipped | – | – | 0 | – |');
  });
});

describe('one source of truth for counts', () => {
  // Security raised two problems review raised too: the gate reports them once, under review.
  const a = finding({ agent: 'review', severity: 'blocker', startLine: 2, endLine: 2, title: 'eval of untrusted input' });
  const b = finding({ agent: 'review', severity: 'warning', startLine: 1, endLine: 3, title: 'Loader skips validation' });
  const a2 = { ...a, agent: 'security' as const, title: 'Untrusted input reaches eval' };
  const b2 = { ...b, agent: 'security' as const, title: 'validation skipped by loader' };
  const dropped = { ...b, agent: 'security' as const, path: 'src/other.ts', title: 'Low-confidence guess', confidence: 0.1 };
  const r = scoredReport({ review: { findings: [a, b] }, security: { findings: [a2, b2, dropped] }, tests: { findings: [] } }, [a, b]);
  const decision = decideGate(r, [], POLICY);
  const rendered = renderChecks(r, decision, CONTEXT);

  it('the agents table adds up to the findings the umbrella shows', () => {
    const rows = rendered.umbrella.summary.split('\n').filter((l) => /^\| (review|security|tests|\*\*total\*\*) \|/.test(l));
    const findingsCell = (row: string) => row.split('|').map((c) => c.trim())[5]!;
    const counted = rows.slice(0, 3).map((row) => Number(/^(\d+)/.exec(findingsCell(row))![1]));
    const total = Number(findingsCell(rows[3]!));
    const shown = rendered.umbrella.summary.split('\n').filter((l) => /^- \*\*(blocker|warning|note)\*\* /.test(l)).length;
    expect(counted).toEqual([2, 0, 0]);
    expect([counted.reduce((x, y) => x + y, 0), total, shown, decision.findings.length]).toEqual([2, 2, 2, 2]);
    expect(findingsCell(rows[1]!)).toBe('0 (+2 merged into review)');
  });

  it('an agent whose findings were merged lists them with where they went, and is not green', () => {
    const security = rendered.agents.find((c) => c.name === 'riskgate / security')!;
    expect(security.conclusion).toBe('failure');
    expect(security.title).toBe('2 findings, reported under review');
    expect(security.summary).not.toMatch(/^No findings\.$/m);
    expect(security.summary).toContain("### Merged into another agent's finding (2)");
    expect(security.summary).toMatch(/- \*\*blocker\*\* \[`src\/auth\/session\.ts:2`\]\([^)]+\): Untrusted input reaches eval: merged into the review agent's \*\*blocker\*\* at \[`src\/auth\/session\.ts:2`\]\([^)]+\) \(eval of untrusted input\)/);
    expect(security.summary).toContain('1 more finding it raised is not reported');
    // Annotated once, on the check that reports them.
    expect(security.annotations).toEqual([]);
    expect(rendered.agents.find((c) => c.name === 'riskgate / review')!.annotations).toHaveLength(2);
    // The umbrella names who else raised it.
    expect(rendered.umbrella.summary).toMatch(/eval of untrusted input _\(review agent; also raised by security; confidence 0\.90\)_/);
  });

  it('a verification that answered says what it ruled, never that the strong model could not be asked', () => {
    const verifier: AgentRun = { ...r.agents[0]!, agent: 'review', outcome: 'ok', model: STRONG, modelClass: 'strong', findings: [] };
    const unjudged = { ...a, verification: 'unjudged' as const };
    const answered: ReviewReport = { ...r, findings: [unjudged, b], verification: { checked: 3, confirmed: 1, rejected: 1, unverified: 0, unjudged: 1, run: verifier } };
    const text = renderChecks(answered, decideGate(answered, [], POLICY), CONTEXT);
    const all = [text.umbrella.summary, text.umbrella.text!, ...text.agents.flatMap((c) => [c.summary, ...c.annotations.map((n) => n.message)])].join('\n');
    expect(all).not.toContain('could not be asked');
    expect(text.umbrella.summary).toContain('Verification on `claude-sonnet-5-5`: verified 3: 1 confirmed, 1 rejected, 1 not judged');
    expect(all).toContain('not verified: the strong model answered but gave no verdict on it');
    // One that could not run says so, with its reason, and its findings are marked unverified.
    const failedRun = { ...verifier, outcome: 'timed_out' as const, reason: 'no answer in 60 s' };
    const failed: ReviewReport = { ...answered, findings: [{ ...a, verification: 'unverified' as const }, b], verification: { checked: 3, confirmed: 0, rejected: 0, unverified: 3, unjudged: 0, run: failedRun } };
    const failedText = renderChecks(failed, decideGate(failed, [], POLICY), CONTEXT);
    expect(failedText.umbrella.summary).toContain('Verification on `claude-sonnet-5-5`: verification of 3 findings could not run \\(no answer in 60 s\\): shown as reported, unverified.');
    expect(failedText.agents.flatMap((c) => c.annotations.map((n) => n.message)).join()).toContain('not verified: the strong model could not be asked');
  });
});

describe('a docs-only change', () => {
  const diff = reviewer.parse(makeDiff({ path: 'docs/guide.md', added: ['More words.'] }));
  const base = reviewer.assess({ diff }, 'test');
  const r: ReviewReport = { ...base, agents: base.agents.map((a) => ({ ...a, outcome: a.outcome === 'unavailable' ? 'ok' : a.outcome, reason: undefined, model: a.outcome === 'unavailable' ? FAST : undefined })) };
  const rendered = renderChecks(r, decideGate(r, [], POLICY), CONTEXT);

  it('has one "Run full gates" button, on the umbrella, and its skipped checks point there', () => {
    expect(r.tier).toBe('minimal');
    expect(rendered.agents.filter((c) => c.conclusion === 'skipped')).toHaveLength(2);
    expect([rendered.umbrella, ...rendered.agents].flatMap((c) => c.actions.map((x) => `${c.name}: ${x.label}`))).toEqual(['riskgate: Run full gates']);
    for (const skipped of rendered.agents.filter((c) => c.conclusion === 'skipped')) expect(skipped.summary).toContain('Press **Run full gates** on the `riskgate` check');
  });

  it('says "No findings." and a cost line with no calls', () => {
    expect(rendered.umbrella.summary).toMatch(/\n\nNo findings\.\n\n\*\*\$0\*\*: no model calls\.\n\n\*\*Why minimal:\*\* /);
  });
});

describe('while running', () => {
  it('shows the score, the tier, why, and which agents run on which model', () => {
    const diff = reviewer.parse(makeDiff({ path: 'src/auth/check.ts', status: 'added', added: ['export const check = (input: string) => eval(input);'] }));
    const score = reviewer.assess({ diff }, 'test').score;
    const running = renderRunning(score);
    expect(score.plan.tier).toBe('thorough');
    expect(running.title).toBe(`Running: risk ${score.score}/100, thorough tier`);
    const lines = running.summary.split('\n');
    expect(lines[0]).toMatch(/^\*\*Running\*\* the thorough tier: review and security on `claude-sonnet-5-5`, tests on `claude-haiku-5-5` \(estimated (\$0\.\d{1,3}|<\$0\.001)\)\.$/);
    expect(lineIndex(running.summary, /^\*\*Why thorough:\*\* `export const check = .* tier floor thorough on pattern\.dynamic-code/)).toBeGreaterThan(0);
    expect(running.summary).not.toMatch(/^Running$/m);
  });
});

describe('amounts, one format', () => {
  it.each([
    [0, '$0'],
    [0.0004, '<$0.001'],
    [0.0094, '$0.009'],
    [0.03, '$0.03'],
    [0.1234, '$0.123'],
    [0.9999, '$1.00'],
    [1.2449, '$1.24'],
    [1234.5, '$1,234.50'],
  ])('%s dollars read %s', (usd, text) => expect(formatUsd(usd)).toBe(text));

  it('tokens with thousands separators, counts with their noun', () => {
    expect([formatTokens(12_345), formatTokens(999), formatTokens(1_234_567.4)]).toEqual(['12,345', '999', '1,234,567']);
    expect([plural(0, 'finding'), plural(1, 'finding'), plural(2, 'finding'), plural(1, 'file'), plural(3, 'retry', 'retries')]).toEqual(['0 findings', '1 finding', '2 findings', '1 file', '3 retries']);
  });
});

describe('the 65,535-character limit with the new layout', () => {
  it('a run of 400 long blockers keeps the summary and text within it, the lead first and the state whole', () => {
    const many = Array.from({ length: 400 }, (_, i) => finding({ agent: 'security', severity: 'blocker', startLine: 2, endLine: 2, path: `src/${'deep/'.repeat(30)}f${i}.ts`, title: `Blocker ${i} ${'t'.repeat(180)}`, explanation: 'y'.repeat(2_000) }));
    const r = scoredReport({ security: { findings: many } }, many);
    const rendered = renderChecks(r, decideGate(r, [], POLICY), CONTEXT);
    const { summary, text } = rendered.umbrella;
    expect(summary.length).toBeLessThanOrEqual(MAX_CHECK_TEXT_CHARS);
    expect(text!.length).toBeLessThanOrEqual(MAX_CHECK_TEXT_CHARS);
    expect(decodeGateState(text)).toEqual(STATE);
    expect(summary.split('\n').filter((l) => l.startsWith('- **blocker**'))).toHaveLength(30);
    expect(summary).toContain('- …and 370 more below, under **All findings**, and as annotations on the agent checks');
    expect(lineIndex(summary, /^\*\*Why /)).toBeGreaterThan(lineIndex(summary, /^- …and 370 more/));
    const security = rendered.agents.find((c) => c.name === 'riskgate / security')!;
    expect(security.summary.length).toBeLessThanOrEqual(MAX_CHECK_TEXT_CHARS);
    expect(security.annotations).toHaveLength(400);
  });
});
