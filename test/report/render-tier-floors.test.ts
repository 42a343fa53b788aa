import { describe, expect, it } from 'vitest';
import { validateConfig } from '../../src/config/load-config.js';
import { decideGate } from '../../src/report/decide-gate.js';
import { renderChecks } from '../../src/report/render-checks.js';
import { createReviewer } from '../../src/run/review-change.js';
import { makeDiff } from '../support/make-diff.js';

const SHA = 'd'.repeat(40);
const POLICY = { failOn: 'blocker' as const, onError: 'by-tier' as const };

function umbrellaOf(diffText: string) {
  const reviewer = createReviewer(validateConfig({}, 'test'));
  const report = reviewer.assess({ diff: reviewer.parse(diffText) }, 'no model in this test');
  const decision = decideGate(report, [], POLICY);
  const context = { headSha: SHA, configSource: 'built-in defaults', resolvedBlockers: 0, offerFullRun: false, state: { v: 1 as const, headSha: SHA, tier: report.tier, openBlockers: [] } };
  return { report, umbrella: renderChecks(report, decision, context).umbrella };
}

describe('the umbrella says which floor set the tier', () => {
  it('in the why sentence and beside the factor', () => {
    const { report, umbrella } = umbrellaOf(makeDiff({ path: 'src/auth/check.ts', status: 'added', added: ['export const check = (input: string) => eval(input);'] }));
    expect(report.tier).toBe('thorough');
    // The drivers with their evidence, the score, then the floor that raised the tier off the band.
    const why = umbrella.summary.split('\n').filter((l) => l.startsWith('**Why '));
    expect(why).toHaveLength(1);
    expect(why[0]).toMatch(/^\*\*Why thorough:\*\* `export const check = \(input: st…` at `src\/auth\/check\.ts:1` \(\+12\), `sensitive\.auth` at `src\/auth\/check\.ts` \(\+5\), `size\.changed-lines` at `src\/auth\/check\.ts` \(\+4\.5\) \(score \d+\/100\); tier floor thorough on pattern\.dynamic-code \\\(tiers\.floors\\\): 1 added line\\\(s\\\) evaluate code built at run time .*\\\(src\/auth\/check\.ts\\\)\.$/);
    expect(umbrella.summary).not.toContain('is in the minimal band');
    expect(umbrella.summary).toMatch(/\| `pattern\.dynamic-code` \| 1 added line\\\(s\\\) .* \*\*\(tier floor: thorough\)\*\* \|/);
  });

  it('a hostile file name in the floor reason stays text', () => {
    // A path git can hold (no empty component), with HTML, a link and a table cell in it.
    const path = 'src/auth/a<img src=x>[x](https:e.example)|.ts';
    const { umbrella } = umbrellaOf(makeDiff({ path, status: 'added', added: ['eval(input);'] }));
    const tierLine = umbrella.summary.split('\n').find((l) => l.startsWith('**Why thorough:**'))!;
    expect(tierLine).toContain('tier floor thorough on pattern.dynamic-code');
    expect(tierLine).not.toMatch(/<img|\]\(|[^\\]\|/);
  });
});
