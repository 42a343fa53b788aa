import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { calibrateModel, MIN_BUGGY, MIN_COMMITS, MIN_TEST_BUGGY } from '../../src/calibrate/calibrate-model.js';
import { FEATURE_IDS, FEATURES } from '../../src/calibrate/change-features.js';
import { MODEL_FORMAT_VERSION, parseRiskModel, riskModelSchema, type RiskModel } from '../../src/calibrate/risk-model-file.js';
import type { RiskgateConfig } from '../../src/config/config-schema.js';
import { defaultConfig } from '../../src/config/load-config.js';
import { CalibrationError } from '../../src/history/calibration-error.js';
import { compileFixRules } from '../../src/history/find-fixes.js';
import { mineHistory, type MinedHistory } from '../../src/history/mine-history.js';
import { day, fastImport, GitFixture } from '../support/git-fixture.js';
import { syntheticHistory, type Synthetic } from '../support/synthetic-history.js';

const config: RiskgateConfig = defaultConfig();
const rules = compileFixRules(config.calibrate);
const mineOptions = (until: Date) => ({
  until,
  rules,
  maxCommitFiles: config.calibrate.max_commit_files,
  maxCommitLines: config.calibrate.max_commit_lines,
  isTracedPath: (p: string) => p.endsWith('.py'),
});

const fixtures: GitFixture[] = [];
afterAll(() => {
  for (const f of fixtures) f.cleanup();
});

async function mined(synthetic: Synthetic, until: Date): Promise<{ history: MinedHistory; shas: string[] }> {
  const fixture = new GitFixture('riskgate-calibrate-');
  fixtures.push(fixture);
  const shas = fastImport(fixture, synthetic.commits);
  return { history: await mineHistory(fixture.dir, mineOptions(until)), shas };
}

describe('calibrateModel on a synthetic three-year history', () => {
  const COUNT = 260;
  const synthetic = syntheticHistory(COUNT, { seed: 7, withFixes: true, daysApart: 4 });
  const until = new Date(day(COUNT * 4 + 10) * 1000);
  const now = new Date('2025-01-01T00:00:00.000Z');
  let history: MinedHistory;
  let shas: string[];
  let model: RiskModel;

  beforeAll(async () => {
    ({ history, shas } = await mined(synthetic, until));
    model = calibrateModel(history, config, rules, { until, riskgateVersion: 'test', now });
  });

  it('SZZ finds exactly the planted bug-introducing commits, each with its fix\'s time', () => {
    expect(history.commits).toHaveLength(COUNT);
    expect(new Set(history.fixes)).toEqual(new Set([...synthetic.fixes].map((i) => shas[i])));
    expect(new Set(history.fixTimes.keys())).toEqual(new Set([...synthetic.buggy].map((i) => shas[i])));
    for (const i of synthetic.buggy) {
      const times = history.fixTimes.get(shas[i]!)!;
      expect(times).toHaveLength(1);
      expect(times[0]).toBeGreaterThan(synthetic.commits[i]!.when);
      expect(times[0]).toBeLessThan(synthetic.commits[i]!.when + 20 * 86_400);
    }
  });

  it('writes a model the file schema accepts, describing this history and window', () => {
    expect(riskModelSchema.safeParse(model).error).toBeUndefined();
    expect(model).toMatchObject({
      format: 'riskgate-model',
      version: MODEL_FORMAT_VERSION,
      createdAt: now.toISOString(),
      riskgateVersion: 'test',
      head: shas.at(-1),
      window: { since: null, until: until.toISOString(), labelHorizonDays: config.calibrate.label_horizon_days },
      labelling: { fixWhen: 'keyword', fixPatterns: config.calibrate.fix_patterns, maxCommitFiles: 100, maxCommitLines: 10_000 },
      counts: { commits: COUNT, merges: 0, largeCommits: 0, fixes: synthetic.fixes.size },
    });
    // Only commits older than the label horizon are trained on; every one of them is in the history.
    const horizon = until.getTime() / 1000 - config.calibrate.label_horizon_days * 86_400;
    const labelled = synthetic.commits.filter((c) => c.when <= horizon);
    expect(model.counts.trainingCommits).toBe(labelled.length);
    expect(model.counts.trainingCommits).toBeGreaterThanOrEqual(MIN_COMMITS);
    expect(model.counts.trainingBuggy).toBe([...synthetic.buggy].filter((i) => synthetic.commits[i]!.when <= horizon).length);
    expect(model.validation.trainBuggy).toBeGreaterThanOrEqual(MIN_BUGGY);
    expect(model.validation.testBuggy).toBeGreaterThanOrEqual(MIN_TEST_BUGGY);
    expect(Date.parse(model.validation.testFrom) - Date.parse(model.validation.trainUntil)).toBe(config.calibrate.validation_gap_days * 86_400_000);
  });

  it('the history variant reads every feature, the diff variant none of the history ones', () => {
    expect(model.variants.history.features.map((f) => f.id)).toEqual([...FEATURE_IDS]);
    expect(model.variants.diff.features.map((f) => f.id)).toEqual(FEATURES.filter((f) => f.source !== 'history').map((f) => f.id));
    expect(model.validation.rows.map((r) => r.inputs)).toEqual(['history', 'diff']);
  });

  it('ranks the held-out newer commits better than lines added does', () => {
    const [historyRow, diffRow] = model.validation.rows;
    expect(historyRow!.model.auc).toBeGreaterThan(0.6);
    expect(historyRow!.model.auc).toBeGreaterThan(historyRow!.linesAdded.auc!);
    expect(diffRow!.model.auc).toBeGreaterThan(0.6);
  });

  it('raise-only features never get a negative weight, lines added included', () => {
    for (const variant of [model.variants.history, model.variants.diff]) {
      const weights = new Map(variant.features.map((f) => [f.id, f.weight]));
      expect(weights.get('la')).toBeGreaterThanOrEqual(0);
      for (const feature of FEATURES.filter((f) => f.raiseOnly)) {
        if (weights.has(feature.id)) expect(weights.get(feature.id), `${variant.inputs}.${feature.id}`).toBeGreaterThanOrEqual(0);
      }
      // Fixes here are small one-line changes that are never buggy: left free, "fix" would lower the
      // score. Raise-only holds it at zero: a message saying "fix" cannot buy a lower tier.
      expect(weights.get('fix')).toBe(0);
      expect(variant.points.perLogit).toBeGreaterThan(0);
    }
  });

  it('survives a JSON round trip unchanged', () => {
    expect(parseRiskModel(JSON.stringify(model, null, 2), 'model.json')).toEqual(model);
  });

  it('refuses another format version, saying to calibrate again', () => {
    expect(() => parseRiskModel(JSON.stringify({ ...model, version: 2 }), '.github/riskgate-model.json')).toThrow(
      /^\.github\/riskgate-model\.json: model format version 2, this riskgate reads version 1: run riskgate calibrate again$/,
    );
  });

  it('names the path of a missing or wrong field', () => {
    const copy = JSON.parse(JSON.stringify(model)) as { variants: { history: { points: { base?: number } } }; head?: string };
    delete copy.variants.history.points.base;
    expect(() => parseRiskModel(JSON.stringify(copy), 'm.json')).toThrow(/^m\.json: variants\.history\.points\.base: /);
    const noHead = JSON.parse(JSON.stringify(model)) as { head?: string };
    delete noHead.head;
    expect(() => parseRiskModel(JSON.stringify(noHead), 'm.json')).toThrow(/^m\.json: head: /);
    const negative = JSON.parse(JSON.stringify(model)) as RiskModel;
    negative.variants.diff.features[0]!.sd = -1;
    expect(() => parseRiskModel(JSON.stringify(negative), 'm.json')).toThrow(/^m\.json: variants\.diff\.features\.0\.sd: /);
    expect(() => parseRiskModel('{"format": ', 'm.json')).toThrow(/^m\.json: not JSON/);
  });

  it('a since that leaves too few commits says to try an earlier one', () => {
    const since = new Date(until.getTime() - 400 * 86_400_000);
    expect(() => calibrateModel(history, config, rules, { since, until, riskgateVersion: 'test' })).toThrow(
      /too short a history: \d+ commits .* \(try an earlier --since\)$/,
    );
  });

  it('a validation gap that leaves nothing to train on is refused, naming the setting', () => {
    const wide: RiskgateConfig = { ...config, calibrate: { ...config.calibrate, validation_gap_days: 2_000 } };
    const error = (() => {
      try {
        calibrateModel(history, wide, rules, { until, riskgateVersion: 'test' });
      } catch (e) {
        return e;
      }
    })();
    expect(error).toBeInstanceOf(CalibrationError);
    expect((error as Error).message).toMatch(/too few bug-introducing commits to validate on: 0 in the older part/);
    expect((error as Error).message).toMatch(/calibrate\.validation_gap_days/);
  });
});

describe('calibrateModel refuses histories that cannot give a model', () => {
  it('250 commits without a single fix: too few fixes, pointing at the fix patterns', async () => {
    const synthetic = syntheticHistory(250, { seed: 3, withFixes: false, daysApart: 2 });
    const until = new Date(day(700) * 1000);
    const { history } = await mined(synthetic, until);
    expect(history.fixes.size).toBe(0);
    const attempt = () => calibrateModel(history, config, rules, { until, riskgateVersion: 'test' });
    expect(attempt).toThrow(CalibrationError);
    expect(attempt).toThrow(/^too few fixes to learn from: 0 fix commits traced 0 of 250 commits as bug-introducing; calibrate needs at least 30 \(check calibrate\.fix_patterns/);
  });

  it('20 commits: too short a history', async () => {
    const synthetic = syntheticHistory(20, { seed: 5, withFixes: true, daysApart: 4 });
    const until = new Date(day(400) * 1000);
    const { history } = await mined(synthetic, until);
    const attempt = () => calibrateModel(history, config, rules, { until, riskgateVersion: 'test' });
    expect(attempt).toThrow(CalibrationError);
    expect(attempt).toThrow(/^too short a history: 20 commits \(over \d+ days\) are old enough to be labelled, .*at least 200$/);
  });
});
