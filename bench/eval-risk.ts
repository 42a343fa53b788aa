// `npm run eval:risk`: the default risk score against SZZ bug labels, per repository, beside
// lines-added alone; writes the table into the README between the eval:risk markers.
import { defaultConfig } from '../src/config/load-config.js';
import { rocAuc } from '../src/evaluation/roc-auc.js';
import { FACTOR_FAMILIES } from '../src/risk/factor-registry.js';
import { createRiskScorer } from '../src/risk/score-risk.js';
import { createChangeScorer } from '../src/run/score-change.js';
import type { Diff } from '../src/diff/diff-file.js';
import { floorRouting } from './floor-routing.js';
import { messageAsText, readLabelledCommits, riskEvalPath } from './read-risk-eval.js';
import { updateReadmeSection } from './update-readme-section.js';


const config = defaultConfig();
const { parse } = createChangeScorer(config);
const EMPTY_DIFF: Diff = { files: [], additions: 0, deletions: 0, warnings: [] };
const commits = await readLabelledCommits(riskEvalPath());
const parsed = commits.map((c) => ({
  commit: c,
  // Two commits changed only svn properties: an empty change, scored as one (the CLI refuses
  // empty input, but a labelled commit must keep its place in the evaluation).
  diff: c.diff.trim() === '' ? EMPTY_DIFF : parse(c.diff),
  text: messageAsText(c.message),
}));

const scoreWith = (families = FACTOR_FAMILIES) => {
  const scorer = createRiskScorer(config, undefined, families);
  return parsed.map((p) => scorer({ diff: p.diff, text: p.text }).score);
};
const full = scoreWith();
const repos = [...new Set(commits.map((c) => c.repo))].sort();
const aucOf = (scores: number[], repo: string) => {
  const idx = commits.map((c, i) => (c.repo === repo ? i : -1)).filter((i) => i >= 0);
  return rocAuc(idx.map((i) => scores[i]!), idx.map((i) => commits[i]!.buggy));
};
const linesAdded = commits.map((c) => c.la);

const rows = repos.map((repo) => {
  const n = commits.filter((c) => c.repo === repo).length;
  const score = aucOf(full, repo);
  const la = aucOf(linesAdded, repo);
  return { repo, n, score, la };
});
const ablations = FACTOR_FAMILIES.map((family, i) => {
  const without = scoreWith(FACTOR_FAMILIES.filter((_, j) => j !== i));
  const name = family({ weights: {} as never, sensitivePaths: {}, permissionPaths: [] }).family;
  return { name, aucs: repos.map((repo) => aucOf(without, repo)) };
});

const f3 = (n: number) => n.toFixed(3);
const table = [
  '| repository | commits | riskgate score AUC | lines-added AUC | difference |',
  '|---|---:|---:|---:|---:|',
  ...rows.map((r) => `| ${r.repo} | ${r.n} | ${f3(r.score)} | ${f3(r.la)} | ${r.score - r.la >= 0 ? '+' : ''}${f3(r.score - r.la)} |`),
  '',
  'Without one factor family (AUC per repository, same order): ' +
    ablations.map((a) => `${a.name} ${a.aucs.map(f3).join(' / ')}`).join('; ') +
    '.',
].join('\n');

console.log(table);
if (updateReadmeSection('eval:risk', table)) console.log('\nsection updated');
// Floors do not change the score (the ranking above); they change where changes are routed.
console.log(`\nTier floors (built-in) on the same commits:\n\n${floorRouting(config, parsed.map((p) => ({ diff: p.diff, text: p.text, buggy: p.commit.buggy })))}`);
const losing = rows.filter((r) => r.score < r.la);
if (losing.length > 0) {
  console.error(`the score loses to lines-added on ${losing.map((r) => r.repo).join(', ')}`);
  process.exitCode = 1;
}
