import { describe, expect, it } from 'vitest';
import { buildDataset } from '../../src/calibrate/build-dataset.js';
import { LINGUIST_ATTRIBUTES } from '../../src/diff/classify-file.js';
import { parseGitAttributes } from '../../src/diff/match-git-attributes.js';
import { defaultConfig } from '../../src/config/load-config.js';
import { compileFixRules } from '../../src/history/find-fixes.js';
import type { HistoryCommit, HistoryFile } from '../../src/history/history-commit.js';

const file = (path: string, additions: number): HistoryFile => ({ path, status: 'added', oldBlob: '0'.repeat(40), newBlob: '1'.repeat(40), binary: false, additions, deletions: 0 });
const commit: HistoryCommit = {
  sha: 'a'.repeat(40),
  parents: [],
  time: 1_700_000_000,
  authorEmail: 'dev@example.com',
  authorName: 'Dev',
  message: 'Add the app and its vendored library',
  files: [file('src/app.js', 10), file('vendor/lib.js', 1000)],
};
const history = { commits: [commit], large: new Set<string>(), fixTimes: new Map<string, number[]>() };
const config = defaultConfig();
const rules = compileFixRules(config.calibrate);

describe('the calibration dataset', () => {
  it('classifies files as the gate will: a vendor/ folder is authored unless .gitattributes marks it', () => {
    const [plain] = buildDataset(history, config, rules);
    expect([plain!.values.la, plain!.values.nf]).toEqual([1010, 2]);
    const [marked] = buildDataset(history, config, rules, parseGitAttributes('vendor/** linguist-vendored\n', LINGUIST_ATTRIBUTES));
    expect([marked!.values.la, marked!.values.nf]).toEqual([10, 1]);
    // Lines added as numstat counts them stay the baseline either way.
    expect(marked!.linesAdded).toBe(1010);
  });
});
