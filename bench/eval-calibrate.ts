// `npm run eval:calibrate`: per repository of the risk-eval data, calibrate on the older history
// only, then score the newest quarter of the published SZZ labels with the calibrated model,
// beside lines added and the default score. Writes the table into the README.
import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import { createGunzip } from 'node:zlib';
import { fileURLToPath } from 'node:url';
import { buildDataset } from '../src/calibrate/build-dataset.js';
import { calibrateModel } from '../src/calibrate/calibrate-model.js';
import { fitVariant, linearScore } from '../src/calibrate/fit-risk-model.js';
import { defaultConfig } from '../src/config/load-config.js';
import { createFileClassifier } from '../src/diff/classify-file.js';
import { parseUnifiedDiff } from '../src/diff/parse-unified-diff.js';
import { rocAuc } from '../src/evaluation/roc-auc.js';
import { runGit } from '../src/git/run-git.js';
import { compileFixRules } from '../src/history/find-fixes.js';
import { SECONDS_PER_DAY } from '../src/history/history-commit.js';
import { mineHistory } from '../src/history/mine-history.js';
import { createRiskScorer } from '../src/risk/score-risk.js';
import type { FeatureValues, HistoryFeatures } from '../src/calibrate/change-features.js';
import { evaluationClone } from './eval-repository.js';
import { messageAsText } from './read-risk-eval.js';
import { updateReadmeSection } from './update-readme-section.js';

interface Labelled {
  repo: string;
  sha: string;
  author_time: number;
  buggy: boolean;
  la: number;
}

const TEST_SHARE = 0.25;

async function readLabels(): Promise<Labelled[]> {
  const path = process.env.RISKGATE_EVAL_NUMSTAT ?? fileURLToPath(new URL('../../../shared/data/risk-eval/dev-numstat.jsonl.gz', import.meta.url));
  const lines = createInterface({ input: createReadStream(path).pipe(createGunzip()), crlfDelay: Infinity });
  const out: Labelled[] = [];
  for await (const line of lines) if (line.trim()) out.push(JSON.parse(line) as Labelled);
  return out;
}

const config = defaultConfig();
// To compare labelling choices: RISKGATE_EVAL_FIX_WHEN=keyword|issue|keyword-or-issue|keyword-and-issue.
if (process.env.RISKGATE_EVAL_FIX_WHEN) config.calibrate.fix_when = process.env.RISKGATE_EVAL_FIX_WHEN as typeof config.calibrate.fix_when;
const rules = compileFixRules(config.calibrate);
const classify = createFileClassifier(config.paths.kinds);
const labels = await readLabels();
const only = process.argv.slice(2);
const repos = [...new Set(labels.map((l) => l.repo))].filter((r) => only.length === 0 || only.includes(r)).sort();
const rows: string[] = [];
for (const repo of repos) {
  const clone = evaluationClone(repo);
  const labelled = labels.filter((l) => l.repo === repo).sort((a, b) => a.author_time - b.author_time);
  // The cut leaves the newest quarter of the bug-introducing commits to the test: the newest
  // quarter of all commits holds too few of them (their bugs were not found yet) to measure on.
  const buggy = labelled.filter((l) => l.buggy);
  const cut = buggy[Math.floor(buggy.length * (1 - TEST_SHARE))]!.author_time;
  const test = labelled.filter((l) => l.author_time >= cut);
  const started = Date.now();
  // History up to the newest labelled commit, so the test commits' history features exist; the
  // model only learns from commits and fixes before the cut.
  const mined = await mineHistory(clone, {
    until: new Date((labelled.at(-1)!.author_time + SECONDS_PER_DAY) * 1000),
    rules,
    maxCommitFiles: config.calibrate.max_commit_files,
    maxCommitLines: config.calibrate.max_commit_lines,
    isTracedPath: (path) => classify(path).kind === 'source',
  });
  const model = calibrateModel(mined, config, rules, { until: new Date(cut * 1000), riskgateVersion: 'bench' });
  const minedMs = Date.now() - started;
  const dataset = new Map(buildDataset(mined, config, rules).map((r) => [r.sha, r]));
  const calibrated = createRiskScorer(config, undefined, undefined, model);
  const standard = createRiskScorer(config);
  const scores = { history: [] as number[], diff: [] as number[], standard: [] as number[], la: [] as number[], raw: [] as number[], buggy: [] as boolean[], values: [] as FeatureValues[] };
  let skipped = 0;
  for (const commit of test) {
    const row = dataset.get(commit.sha);
    if (!row) {
      skipped++; // a merge or bulk commit in our mining
      continue;
    }
    const show = await runGit(clone, ['show', '--format=%B%x00', '--no-renames', '--no-color', commit.sha]);
    const split = show.indexOf('\0');
    const patch = show.slice(split + 1);
    // A commit that changed only properties (svn imports) has no patch: an empty change.
    const diff = patch.trim() === '' ? { files: [], additions: 0, deletions: 0, warnings: [] } : parseUnifiedDiff(patch, { classify, maxFileLines: config.risk.max_file_lines });
    const text = messageAsText(show.slice(0, split).trim());
    const history: HistoryFeatures = { lt: row.values.lt, ndev: row.values.ndev, nuc: row.values.nuc, age: row.values.age, exp: row.values.exp, sexp: row.values.sexp };
    scores.history.push(calibrated({ diff, text, history }).score);
    scores.diff.push(calibrated({ diff, text }).score);
    scores.standard.push(standard({ diff, text }).score);
    scores.la.push(commit.la);
    scores.raw.push(linearScore(model.variants.history, row.values));
    scores.buggy.push(commit.buggy);
    scores.values.push(row.values);
  }
  // Two bounds for the same features and model, neither available to a user: fitted on the
  // published labels of the commits before the cut (labels as good as the test's), and fitted on
  // the test commits themselves (hindsight: about the best this model's weights can rank them).
  const older = labelled.filter((l) => l.author_time < cut && dataset.has(l.sha));
  const onPublished = fitVariant(older.map((l) => dataset.get(l.sha)!), older.map((l) => l.buggy), 'history');
  const inHindsight = fitVariant(test.filter((l) => dataset.has(l.sha)).map((l) => dataset.get(l.sha)!), scores.buggy, 'history');
  const bound = (variant: typeof onPublished) => rocAuc(scores.values.map((v) => linearScore(variant, v)), scores.buggy).toFixed(3);
  const auc = (s: number[]) => rocAuc(s, scores.buggy).toFixed(3);
  const la = rocAuc(scores.la, scores.buggy);
  const history = rocAuc(scores.history, scores.buggy);
  const line = `| ${repo} | ${model.counts.trainingCommits} | ${scores.buggy.length} (${scores.buggy.filter(Boolean).length} buggy) | ${auc(scores.history)} | ${auc(scores.diff)} | ${la.toFixed(3)} | ${auc(scores.standard)} | ${history - la >= 0 ? '+' : ''}${(history - la).toFixed(3)} | ${bound(onPublished)} | ${bound(inHindsight)} | ${(minedMs / 1000).toFixed(1)} s |`;
  if (process.env.RISKGATE_EVAL_DEBUG) console.log('raw logit AUC', auc(scores.raw), 'zeros', scores.history.filter((x) => x === 0).length);
  console.log(`${line}${skipped ? ` (${skipped} test commits not mined)` : ''}`);
  rows.push(line);
}
const table = [
  '| repository | trained on (commits before the cut) | tested on (from the newest quarter of bug-introducing commits on) | calibrated AUC (history) | calibrated AUC (diff only, as in the gate) | lines-added AUC | default-score AUC | calibrated − lines-added | bound: fitted on the published labels before the cut | bound: fitted on the test commits (hindsight) | mining + fit |',
  '|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|',
  ...rows,
].join('\n');
if (only.length === 0 && updateReadmeSection('eval:calibrate', table)) console.log('\nsection updated');
