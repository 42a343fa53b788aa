import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultConfig } from '../../src/config/load-config.js';
import { createFileClassifier } from '../../src/diff/classify-file.js';
import { labelledWindow } from '../../src/evaluation/labelled-window.js';
import { createReviewableFilter, sampleEvalCommits, type EvalSampleOptions } from '../../src/evaluation/sample-eval-commits.js';
import { compileFixRules } from '../../src/history/find-fixes.js';
import { mineHistory, type MinedHistory } from '../../src/history/mine-history.js';
import { ALICE, BOB, CAROL, day, fastImport, GitFixture } from '../support/git-fixture.js';
import { syntheticHistory } from '../support/synthetic-history.js';

// The commits `eval findings` reviews: introducers with the exact lines their fixes changed, and
// clean commits of the same sizes, drawn reproducibly from the newer part of the window.

const config = defaultConfig();
// gen/ is generated because the repository says so (as .gitattributes would), not by its name.
const classify = createFileClassifier({ ...config.paths.kinds, generated: ['gen/**'] });
const isTracedPath = (path: string) => classify(path).kind === 'source';
const isReviewable = createReviewableFilter(config, classify);
const options = (extra: Partial<EvalSampleOptions> = {}): EvalSampleOptions => ({ commits: 25, seed: 1, isReviewable, isTracedPath, ...extra });

const fixtures: GitFixture[] = [];
afterAll(() => {
  for (const f of fixtures) f.cleanup();
});

function mine(fixture: GitFixture, until: Date): Promise<MinedHistory> {
  return mineHistory(fixture.dir, {
    until,
    rules: compileFixRules(config.calibrate),
    maxCommitFiles: config.calibrate.max_commit_files,
    maxCommitLines: config.calibrate.max_commit_lines,
    isTracedPath,
  });
}

/** `count` numbered code lines tagged with who wrote them. */
const code = (tag: string, count: number) => Array.from({ length: count }, (_, i) => `${tag}_${i + 1} = compute(${i + 1})`);

describe('target lines, on a history built line by line', () => {
  const r = new GitFixture('riskgate-sample-');
  fixtures.push(r);
  const shas: Record<string, string> = {};
  let history: MinedHistory;
  const until = new Date(day(200) * 1000);
  const window = labelledWindow(until, 30);

  beforeAll(async () => {
    r.write('src/engine.py', code('base', 10));
    shas.base = r.commit('Add the engine', ALICE, day(0));
    // The introducer: three lines in the middle, at 6, 7 and 8.
    const lines = r.read('src/engine.py');
    lines.splice(5, 0, 'retry = 0', 'while retry <= limit:', '    retry += 1');
    r.write('src/engine.py', lines);
    shas.introducer = r.commit('Add a retry loop', BOB, day(10));
    // Four lines above it and a rename: the planted lines are at 11 and 12 of src/core/engine.py when fixed.
    r.write('src/engine.py', ['import os', 'import sys', 'LIMIT = 3', 'DEBUG = False', ...r.read('src/engine.py')]);
    shas.header = r.commit('Add imports and settings', ALICE, day(20));
    r.move('src/engine.py', 'src/core/engine.py');
    shas.rename = r.commit('Move the engine into core', CAROL, day(30));
    r.editLine('src/core/engine.py', 11, 'while retry < limit:');
    shas.fix1 = r.commit('Fix off-by-one in the retry loop', CAROL, day(40));
    r.editLine('src/core/engine.py', 12, '    retry += 2');
    shas.fix2 = r.commit('Fix the retry step', ALICE, day(50));
    // Generated code renamed into source before its fix: SZZ traces it, but no model is shown
    // the introducer's file, so it is never sampled.
    r.write('gen/api_pb2.py', code('gen', 8));
    shas.generated = r.commit('Generate the API stubs', BOB, day(60));
    r.move('gen/api_pb2.py', 'src/api.py');
    shas.adopt = r.commit('Adopt the stubs as source', BOB, day(70));
    r.editLine('src/api.py', 3, 'gen_3 = compute(33)');
    shas.fix3 = r.commit('Fix crash in the api', CAROL, day(80));
    r.write('src/tools.py', code('tools', 3));
    shas.tools = r.commit('Add tools', ALICE, day(90));
    history = await mine(r, until);
  });

  it('are the introducer\'s own line numbers and path, through lines inserted above and a rename, over all its fixes', async () => {
    // SZZ saw both introducers: the sampling, not the mining, leaves the generated one out.
    expect(new Set(history.fixTimes.keys())).toEqual(new Set([shas.introducer, shas.generated]));
    const sample = await sampleEvalCommits(history, window, options({ commits: 10, newerShare: 1 }));
    expect(sample.introducers).toEqual([
      {
        sha: shas.introducer,
        parent: shas.base,
        time: day(10),
        message: 'Add a retry loop',
        linesAdded: 3,
        fixes: [shas.fix1, shas.fix2],
        targetLines: { 'src/engine.py': [7, 8] },
      },
    ]);
    // Independently of riskgate: the introducer's own file has the fixed text at those lines.
    const atIntroducer = r.git(['show', `${shas.introducer}:src/engine.py`]).split('\n');
    expect([atIntroducer[6], atIntroducer[7]]).toEqual(['while retry <= limit:', '    retry += 1']);
  });

  it('leaves out an introducer whose target lines are only in a file no model is shown, and says so', async () => {
    const sample = await sampleEvalCommits(history, window, options({ commits: 10, newerShare: 1 }));
    expect(sample.introducers.map((i) => i.sha)).not.toContain(shas.generated);
    expect(sample.stats).toMatchObject({ windowIntroducers: 2, examined: 2, notReviewable: 1, noTargetLine: 0, blameDisagreed: 0, failedBlames: 0 });
  });

  it('matches the introducer with a clean commit that adds source lines and is neither introducer nor fix', async () => {
    const sample = await sampleEvalCommits(history, window, options({ commits: 10, newerShare: 1 }));
    // Clean candidates: base (10 lines), header (4), tools (3); rename, adopt: no lines added;
    // the fixes and introducers never. Three lines added: tools.
    expect(sample.stats.cleanCandidates).toBe(3);
    expect(sample.clean).toEqual([{ sha: shas.tools, parent: shas.fix3, time: day(90), message: 'Add tools', linesAdded: 3, matchedTo: shas.introducer }]);
  });

  it('counts a traced line blame gives to another commit as no target line', async () => {
    // A blame that disagrees with SZZ about every line (as after a revert, where they differ).
    const sample = await sampleEvalCommits(
      history,
      window,
      options({ commits: 10, newerShare: 1, blame: async (_rev, path, lines) => new Map(lines.map((l) => [l, { commit: shas.base!, line: l, path }])) }),
    );
    expect(sample.introducers).toEqual([]);
    expect(sample.clean).toEqual([]);
    expect(sample.stats).toMatchObject({ examined: 2, noTargetLine: 2, blameDisagreed: 3 });
  });
});

describe('the sample of a synthetic history with planted bugs', () => {
  const COUNT = 240;
  const synthetic = syntheticHistory(COUNT, { seed: 11, withFixes: true, daysApart: 4 });
  const until = new Date(day(COUNT * 4 + 10) * 1000);
  const window = labelledWindow(until, 60);
  let history: MinedHistory;
  let shas: string[];
  const indexOf = new Map<string, number>();
  const inWindow = (i: number) => synthetic.commits[i]!.when <= window.labelledUntil;

  beforeAll(async () => {
    const fixture = new GitFixture('riskgate-sample-synthetic-');
    fixtures.push(fixture);
    shas = fastImport(fixture, synthetic.commits);
    shas.forEach((sha, i) => indexOf.set(sha, i));
    history = await mine(fixture, until);
  });

  it('every planted introducer of the window, each with exactly its planted line as target', async () => {
    const sample = await sampleEvalCommits(history, window, options({ commits: 1000, newerShare: 1 }));
    const planted = [...synthetic.buggy].filter(inWindow);
    expect(planted.length).toBeGreaterThan(40);
    expect(new Set(sample.introducers.map((i) => indexOf.get(i.sha)))).toEqual(new Set(planted));
    for (const introducer of sample.introducers) {
      const target = synthetic.targets.get(indexOf.get(introducer.sha)!)!;
      expect(introducer.targetLines).toEqual({ [target.path]: [target.line] });
    }
    expect(sample.stats).toMatchObject({ windowIntroducers: planted.length, examined: planted.length, noTargetLine: 0, notReviewable: 0, blameDisagreed: 0 });
  });

  it('draws N of each from the newer half of the window, the clean ones matched on lines added', async () => {
    const sample = await sampleEvalCommits(history, window, options({ commits: 8 }));
    expect(sample.introducers).toHaveLength(8);
    expect(sample.clean).toHaveLength(8);
    const windowIndices = synthetic.commits.map((_, i) => i).filter(inWindow);
    const newerFrom = synthetic.commits[windowIndices[Math.floor(windowIndices.length / 2)]!]!.when;
    for (const c of [...sample.introducers, ...sample.clean]) expect(c.time).toBeGreaterThanOrEqual(newerFrom);
    expect(sample.window.poolFrom).toBe(newerFrom);
    expect(sample.stats.fromOlderPart).toBe(0);
    for (const i of sample.introducers) expect(synthetic.buggy.has(indexOf.get(i.sha)!)).toBe(true);

    // The candidates, from what was planted (not from SZZ): newer half, neither buggy nor fix,
    // adding lines to a source file (the synthetic docs are not one).
    // The synthetic commits only append lines or add files, apart from the fixes.
    const added: number[] = [];
    const current = new Map<string, number>();
    for (const commit of synthetic.commits) {
      let n = 0;
      for (const [path, text] of Object.entries(commit.files)) {
        const count = text === null ? 0 : text.split('\n').length - 1;
        n += Math.max(0, count - (current.get(path) ?? 0));
        current.set(path, count);
      }
      added.push(n);
    }
    const linesAdded = (i: number) => added[i]!;
    const candidates = windowIndices
      .filter((i) => synthetic.commits[i]!.when >= newerFrom && !synthetic.buggy.has(i) && !synthetic.fixes.has(i))
      .filter((i) => Object.keys(synthetic.commits[i]!.files).some((p) => p.endsWith('.py')));
    expect(sample.stats.cleanCandidates).toBe(candidates.length);
    const used = new Set<number>();
    sample.clean.forEach((clean, k) => {
      const index = indexOf.get(clean.sha)!;
      expect(candidates).toContain(index);
      expect(clean.matchedTo).toBe(sample.introducers[k]!.sha);
      expect(clean.linesAdded).toBe(linesAdded(index));
      // Nearest on a log scale among the candidates still free.
      const distance = (i: number) => Math.abs(Math.log1p(linesAdded(i)) - Math.log1p(sample.introducers[k]!.linesAdded));
      const best = Math.min(...candidates.filter((i) => !used.has(i)).map(distance));
      expect(distance(index)).toBe(best);
      used.add(index);
    });
  });

  it('is the same sample for the same seed, and another for another seed', async () => {
    const first = await sampleEvalCommits(history, window, options({ commits: 6, seed: 42 }));
    const again = await sampleEvalCommits(history, window, options({ commits: 6, seed: 42, blameConcurrency: 1 }));
    const other = await sampleEvalCommits(history, window, options({ commits: 6, seed: 43 }));
    expect(again).toEqual(first);
    expect(other.introducers.map((i) => i.sha)).not.toEqual(first.introducers.map((i) => i.sha));
  });

  it('reaches into the older part of the window only when the newer part has too few introducers', async () => {
    const newer = await sampleEvalCommits(history, window, options({ commits: 1000 }));
    const all = await sampleEvalCommits(history, window, options({ commits: 1000, newerShare: 1 }));
    expect(newer.introducers).toHaveLength(all.introducers.length);
    expect(newer.stats.fromOlderPart).toBe(all.introducers.length - newer.stats.newerIntroducers);
    expect(newer.stats.fromOlderPart).toBeGreaterThan(0);
    // The newer part's introducers come first in the drawn order.
    const newerShas = new Set(newer.introducers.slice(0, newer.stats.newerIntroducers).map((i) => i.sha));
    for (const i of newer.introducers.slice(newer.stats.newerIntroducers)) expect(newerShas.has(i.sha)).toBe(false);
    expect(newer.window.poolFrom).toBe(Math.min(...all.introducers.map((i) => i.time)));
  });
});
