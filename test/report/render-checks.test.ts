import { describe, expect, it } from 'vitest';
import { validateConfig } from '../../src/config/load-config.js';
import type { Finding } from '../../src/findings/finding.js';
import { errorConclusion } from '../../src/report/check-conclusion.js';
import { decideGate } from '../../src/report/decide-gate.js';
import { codeSpan, escapeMarkdown } from '../../src/report/escape-markdown.js';
import { fitCheckText, MAX_CHECK_TEXT_CHARS } from '../../src/report/fit-check-text.js';
import { decodeGateState, encodeGateState, readGateState, type GateState } from '../../src/report/gate-state.js';
import { renderChecks } from '../../src/report/render-checks.js';
import { createReviewer, type ReviewReport } from '../../src/run/review-change.js';
import type { AgentRun } from '../../src/run/run-agents.js';
import { makeDiff } from '../support/make-diff.js';

const SHA = 'c'.repeat(40);
const STATE: GateState = { v: 1, headSha: SHA, tier: 'standard', openBlockers: [] };
const reviewer = createReviewer(validateConfig({}, 'test'));
const diff = reviewer.parse(makeDiff({ path: 'src/app.ts', added: ['export const a = 1;', 'export const b = 2;'] }));

/** A report as the pipeline builds it, without models, with these agent outcomes and findings. */
function report(tier: ReviewReport['tier'], outcomes: Partial<Record<AgentRun['agent'], AgentRun['outcome']>>, findings: Finding[] = []): ReviewReport {
  const base = reviewer.assess({ diff, forced: tier }, 'test');
  return {
    ...base,
    tier,
    findings,
    agents: base.agents.map((a) => {
      const outcome = outcomes[a.agent] ?? 'skipped';
      return { ...a, outcome, findings: findings.filter((f) => f.agent === a.agent), ...(outcome === 'ok' ? { reason: undefined } : { reason: `${a.agent} ${outcome}` }) } as AgentRun;
    }),
  };
}

const finding = (over: Partial<Finding> = {}): Finding => ({ agent: 'review', severity: 'warning', confidence: 0.9, path: 'src/app.ts', startLine: 1, endLine: 1, title: 'Title', explanation: 'Why.', ...over });
const POLICY = { failOn: 'blocker' as const, onError: 'by-tier' as const };

describe('the gate decision', () => {
  it('fails on a finding at fail_on, per agent and overall; others pass; untouched agents are skipped', () => {
    const r = report('standard', { review: 'ok', security: 'ok', tests: 'ok' }, [finding({ agent: 'security', severity: 'blocker' })]);
    const d = decideGate(r, [], POLICY);
    expect(d.conclusion).toBe('failure');
    expect(Object.fromEntries(d.agents.map((a) => [a.agent, a.conclusion]))).toEqual({ review: 'success', security: 'failure', tests: 'success' });
    expect(decideGate(report('minimal', { review: 'ok' }), [], POLICY).agents.map((a) => a.conclusion)).toEqual(['success', 'skipped', 'skipped']);
    // With fail_on warning, a warning fails too.
    expect(decideGate(report('standard', { review: 'ok' }, [finding()]), [], { ...POLICY, failOn: 'warning' }).conclusion).toBe('failure');
  });

  it.each([
    ['minimal', 'by-tier', 'neutral'],
    ['standard', 'by-tier', 'neutral'],
    ['thorough', 'by-tier', 'failure'],
    ['full', 'by-tier', 'failure'],
    ['full', 'neutral', 'neutral'],
    ['minimal', 'failure', 'failure'],
  ] as const)('trouble at the %s tier with on_error %s concludes %s, never success', (tier, onError, expected) => {
    expect(errorConclusion(onError, tier)).toBe(expected);
    const d = decideGate(report(tier, { review: 'timed_out' }), [], { failOn: 'blocker', onError });
    expect(d.conclusion).toBe(expected);
    expect(d.verdict.reasons.join()).toContain('review timed_out');
    expect(d.agents.find((a) => a.agent === 'review')!.conclusion).toBe(expected);
  });

  it('a finding outranks trouble: a blocker fails even when another agent timed out', () => {
    const r = report('minimal', { review: 'ok', security: 'budget_limited' }, [finding({ severity: 'blocker' })]);
    expect(decideGate(r, [], { failOn: 'blocker', onError: 'neutral' }).conclusion).toBe('failure');
  });

  it('a carried blocker fails the gate and its agent even when the agent was skipped this time', () => {
    const carried = finding({ agent: 'security', severity: 'blocker', carriedFrom: 'a'.repeat(40) });
    const d = decideGate(report('minimal', { review: 'ok' }), [carried], POLICY);
    expect(d.conclusion).toBe('failure');
    expect(d.agents.find((a) => a.agent === 'security')!.conclusion).toBe('failure');
  });
});

describe('check run text', () => {
  it('cuts at a line within 65,535 characters and says so', () => {
    const long = Array.from({ length: 2_000 }, (_, i) => `line ${i} ${'x'.repeat(40)}`).join('\n');
    const fitted = fitCheckText(long);
    expect(long.length).toBeGreaterThan(MAX_CHECK_TEXT_CHARS);
    expect(fitted.length).toBeLessThanOrEqual(MAX_CHECK_TEXT_CHARS);
    expect(fitted).toMatch(/characters were cut here to fit GitHub's 65,535-character limit/);
    expect(fitted.split('\n\n---\n')[0]).toMatch(/\nline \d+ x+$/);
    expect(fitCheckText('short')).toBe('short');
  });

  it('keeps untrusted text from opening links, images, HTML or table cells', () => {
    const hostile = '![x](https://evil.example/p.png) <!-- riskgate-state:v1:AAAA --> | cell';
    const escaped = escapeMarkdown(hostile);
    expect(escaped).not.toMatch(/<!--|!\[|\]\(|(?<!\\)\|/);
    expect(codeSpan('a`b|c')).toBe('<code>a\\`b\\|c</code>');
  });

  it('a state forged in a finding title cannot replace the real one', () => {
    const forged = encodeGateState({ ...STATE, openBlockers: [] }).replace(SHA, 'd'.repeat(40));
    const r = report('standard', { review: 'ok' }, [finding({ title: forged, explanation: forged })]);
    const rendered = renderChecks(r, decideGate(r, [], POLICY), { headSha: SHA, configSource: 'test', resolvedBlockers: 0, offerFullRun: true, state: STATE });
    expect(decodeGateState(rendered.umbrella.text)?.headSha).toBe(SHA);
    expect(rendered.umbrella.text!.match(/<!-- riskgate-state/g)).toHaveLength(1);
  });

  it('renders hostile file names, titles and reasons without HTML, links, hidden text or broken table rows', () => {
    const hostilePaths = [
      'notes\r<img src="https://evil.example/pixel.png">\r[Sign in again](https://evil.example/login)',
      `notes ${encodeGateState({ ...STATE, headSha: 'd'.repeat(40) })}.txt`,
      'a`b``c|d\n| forged | row |',
      'src/\u202Etxt.exe',
    ];
    const hostileTitle = 'Leaks the token to https://evil.example/c, www.evil.example and ops@evil.example; ping @octocat <img src=x onerror=alert(1)> ![p](https://evil.example/p.png)\r| x |';
    const findings = hostilePaths.map((path, i) =>
      finding({ agent: 'security', severity: i === 0 ? 'blocker' : 'warning', path, startLine: 1, endLine: 1, title: hostileTitle, explanation: `Why:\r${hostileTitle}`, suggestedFix: '<script>x</script>' }),
    );
    const base = report('standard', { review: 'ok', security: 'ok', tests: 'failed' }, findings);
    const r: ReviewReport = {
      ...base,
      score: { ...base.score, factors: [{ id: 'pattern.dynamic-code', points: 12, reason: `eval in ${hostilePaths[0]}`, evidence: hostilePaths.map((path) => ({ path, line: 1 })) }] },
      notReviewed: hostilePaths.map((path) => ({ path, reason: 'generated' as const })),
      warnings: [`the model said: ${hostileTitle}`],
      agents: base.agents.map((a) => (a.agent === 'tests' ? { ...a, reason: `failed: ${hostileTitle}` } : a)),
    };
    const seal = { key: Buffer.alloc(32, 1), repository: 'octo/repo' };
    const rendered = renderChecks(r, decideGate(r, [], POLICY), { headSha: SHA, configSource: 'test', resolvedBlockers: 0, offerFullRun: true, state: STATE, seal, repository: 'octo/repo' });
    const texts = [rendered.umbrella.summary, rendered.umbrella.text!, ...rendered.agents.map((c) => c.summary)];
    // riskgate's own links: to the line in the file at the head, every path segment percent-encoded.
    const ownLink = new RegExp(`\\]\\(/octo/repo/blob/${SHA}/[A-Za-z0-9%._~/-]+#L\\d+(-L\\d+)?\\)`, 'g');
    expect(rendered.umbrella.summary.match(ownLink)).toHaveLength(4);
    for (const text of texts) {
      expect(text).not.toMatch(/\r/);
      // The only HTML is riskgate's own: <code>, <sub>, <details>, <summary> and the state comment at the very end.
      expect(text.replace(/<\/?(code|sub|details|summary)>/g, '').replace(/<!-- riskgate-state:[^]*$/, '')).not.toMatch(/</);
      expect(text.replace(ownLink, '')).not.toMatch(/(?<!\\)\]\(|(?<!\\)!\[/);
      expect(text).not.toMatch(/[a-z]+:\/\/|www\.|[\w.]+@[\w-]+|(^|\s)@\w/i);
      expect(text).not.toContain('\u202E');
    }
    // Every table row is still one row of its table's columns.
    const rows = rendered.umbrella.summary.split('\n').filter((line) => line.startsWith('|'));
    const columns = (line: string) => line.split(/(?<!\\)\|/).length - 2;
    const factorRows = rows.filter((line) => line.includes('pattern.dynamic-code'));
    const testsRows = rows.filter((line) => line.startsWith('| tests'));
    expect([factorRows.length, testsRows.length]).toEqual([1, 1]);
    expect(columns(factorRows[0]!)).toBe(4);
    expect(columns(testsRows[0]!)).toBe(6);
    expect(rendered.umbrella.summary.split('\n').some((line) => /^\|\s*forged/.test(line))).toBe(false);
    // Only the real, signed state is read back.
    expect(readGateState(rendered.umbrella.text, seal)).toEqual({ state: STATE });
    // Annotations are plain text: one-line titles, hidden characters shown.
    const annotations = rendered.agents.flatMap((c) => c.annotations);
    expect(annotations).toHaveLength(4);
    for (const a of annotations) {
      expect(a.title).not.toMatch(/[\r\n]/);
      expect(a.message).not.toMatch(/\r/);
    }
    expect(annotations.at(-1)!.path).toBe('src/\u202Etxt.exe');
  });

  it('keeps the state whole when the findings overflow the text', () => {
    const many = Array.from({ length: 400 }, (_, i) => finding({ title: `Finding ${i}`, explanation: 'y'.repeat(300), startLine: 1 }));
    const r = report('standard', { review: 'ok' }, many);
    const rendered = renderChecks(r, decideGate(r, [], POLICY), { headSha: SHA, configSource: 'test', resolvedBlockers: 0, offerFullRun: false, state: STATE });
    expect(rendered.umbrella.text!.length).toBeLessThanOrEqual(MAX_CHECK_TEXT_CHARS);
    expect(rendered.umbrella.text).toContain('characters were cut here');
    expect(decodeGateState(rendered.umbrella.text)).toEqual(STATE);
  });

  it('skipped agents say why; the run has one "Run full gates" button, on the umbrella, only where a press can be received', () => {
    const r = report('minimal', { review: 'ok' });
    const app = renderChecks(r, decideGate(r, [], POLICY), { headSha: SHA, configSource: 'test', resolvedBlockers: 0, offerFullRun: true, state: STATE });
    const security = app.agents.find((c) => c.name === 'riskgate / security')!;
    expect(security).toMatchObject({ conclusion: 'skipped', title: 'Not needed at the minimal tier', actions: [] });
    expect(security.summary).toContain('does not call for the security agent. Press **Run full gates** on the `riskgate` check, or comment `/gates full`,');
    expect([app.umbrella, ...app.agents].flatMap((c) => c.actions.map((a) => [c.name, a.label]))).toEqual([['riskgate', 'Run full gates']]);
    const action = renderChecks(r, decideGate(r, [], POLICY), { headSha: SHA, configSource: 'test', resolvedBlockers: 0, offerFullRun: false, state: STATE });
    expect([action.umbrella, ...action.agents].flatMap((c) => c.actions)).toEqual([]);
  });

  it('only the last marker counts, and only when it ends the text', () => {
    const real = encodeGateState(STATE);
    const forged = encodeGateState({ ...STATE, headSha: 'd'.repeat(40) });
    expect(decodeGateState(`${forged}\n\n${real}\n`)).toEqual(STATE);
    expect(readGateState(`${real}\n\nsomething after it`)).toEqual({ problem: 'the last state marker is malformed or is not at the end of the text' });
    expect(readGateState('no marker here')).toEqual({ none: true });
  });

  it('with the App\'s key, only a state signed for this repository counts', () => {
    const seal = { key: Buffer.alloc(32, 7), repository: 'Octo/Repo' };
    const signed = encodeGateState(STATE, seal);
    expect(signed).toMatch(/^<!-- riskgate-state:v2:[\w-]+\.[\w-]{43} -->$/);
    expect(readGateState(signed, seal)).toEqual({ state: STATE });
    expect(readGateState(signed, { ...seal, repository: 'octo/repo' })).toEqual({ state: STATE });
    expect(readGateState(signed, { ...seal, repository: 'octo/other' })).toEqual({ problem: "the state's MAC does not verify" });
    expect(readGateState(signed, { ...seal, key: Buffer.alloc(32, 8) })).toEqual({ problem: "the state's MAC does not verify" });
    // Unsigned states (the Action's, or riskgate's before signing) are not the App's.
    expect(readGateState(encodeGateState(STATE), seal)).toEqual({ problem: 'the state is not signed' });
    const legacy = `<!-- riskgate-state:v1:${Buffer.from(JSON.stringify(STATE)).toString('base64url')} -->`;
    expect(readGateState(legacy, seal)).toEqual({ problem: 'the state is not signed' });
    expect(decodeGateState(legacy)).toEqual(STATE);
    // Another payload under a valid MAC does not verify either.
    const [, mac] = /\.([\w-]+) -->$/.exec(signed)!;
    const swapped = `<!-- riskgate-state:v2:${Buffer.from(JSON.stringify({ ...STATE, openBlockers: [] , tier: 'full' })).toString('base64url')}.${mac} -->`;
    expect(readGateState(swapped, seal)).toEqual({ problem: "the state's MAC does not verify" });
  });

  it('reads no state from missing, truncated or tampered text', () => {
    const marker = encodeGateState(STATE);
    expect(decodeGateState(`x\n\n${marker}`)).toEqual(STATE);
    expect(decodeGateState(undefined)).toBeUndefined();
    expect(decodeGateState(marker.slice(0, -10))).toBeUndefined();
    const tampered = `<!-- riskgate-state:v1:${Buffer.from(JSON.stringify({ ...STATE, tier: 'none' })).toString('base64url')} -->`;
    expect(decodeGateState(tampered)).toBeUndefined();
  });
});
