import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { validateConfig } from '../../src/config/load-config.js';
import { LINGUIST_ATTRIBUTES } from '../../src/diff/classify-file.js';
import { parseGitAttributes } from '../../src/diff/match-git-attributes.js';
import { cachedReviewer } from '../../src/run/cached-reviewer.js';
import { runKeyOf } from '../../src/run/run-key.js';
import { AUTH_FILE, HEAD_SHA, REPO } from '../support/example-pull.js';
import { riskModelFixture } from '../support/risk-model-fixture.js';
import { addedFile } from '../support/webhooks.js';

const config = () => validateConfig({}, 'test');

describe('a calibrated model in the compiled reviewer and the run key', () => {
  it('keys reviewers on the config and the model: an equal model shares one, another model or none does not', () => {
    const model = riskModelFixture();
    const plain = cachedReviewer(config());
    const calibrated = cachedReviewer(config(), model);
    expect(cachedReviewer(config())).toBe(plain);
    expect(calibrated).not.toBe(plain);
    expect(cachedReviewer(config(), riskModelFixture())).toBe(calibrated);
    const other = riskModelFixture({ counts: { ...model.counts, trainingCommits: 1201 } });
    expect(cachedReviewer(config(), other)).not.toBe(calibrated);

    const input = { diff: plain.fromPullFiles([AUTH_FILE]) };
    expect(plain.prepare(input).score.model).toBeUndefined();
    const scored = calibrated.prepare(input).score;
    expect(scored.model).toMatchObject({ path: '.github/riskgate-model.json', inputs: 'diff', trainingCommits: 1200 });
    expect(scored.factors.map((f) => f.id)).toContain('model.baseline');
    // The assessment without agents (no key, a fork) is scored by the model too.
    expect(calibrated.assess(input, 'no key').score.model?.inputs).toBe('diff');
  });

  it('a model changes the run key; without one the key is what it always was', () => {
    const model = riskModelFixture();
    const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');
    const key = runKeyOf(REPO, HEAD_SHA, 'standard', config());
    // The key of runs recorded before models existed: a durable store's runs still match.
    expect(key).toBe(sha256(JSON.stringify([REPO, HEAD_SHA, 'standard', sha256(JSON.stringify(config()))])));
    expect(runKeyOf(REPO, HEAD_SHA, 'standard', config(), undefined)).toBe(key);
    expect(runKeyOf(REPO, HEAD_SHA, 'standard', config(), model)).not.toBe(key);
    expect(runKeyOf(REPO, HEAD_SHA, 'standard', config(), riskModelFixture())).toBe(runKeyOf(REPO, HEAD_SHA, 'standard', config(), model));
  });

  it("the base's linguist attributes change the reviewer and the run key; none, or none about linguist, leave both as they were", () => {
    const vendored = parseGitAttributes('vendor/** linguist-vendored\n', LINGUIST_ATTRIBUTES);
    const unrelated = parseGitAttributes('*.sh text eol=lf\n', LINGUIST_ATTRIBUTES);
    const key = runKeyOf(REPO, HEAD_SHA, 'standard', config());
    expect(runKeyOf(REPO, HEAD_SHA, 'standard', config(), undefined, unrelated)).toBe(key);
    expect(runKeyOf(REPO, HEAD_SHA, 'standard', config(), undefined, vendored)).not.toBe(key);
    expect(cachedReviewer(config(), undefined, unrelated)).toBe(cachedReviewer(config()));
    const marked = cachedReviewer(config(), undefined, vendored);
    expect(marked).not.toBe(cachedReviewer(config()));
    expect(marked.fromPullFiles([addedFile('vendor/x.js', ['x()'])]).files[0]!.kind).toBe('vendored');
  });
});
