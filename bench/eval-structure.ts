// `node build/bench/eval-structure.js`: the `structure` factor family against the SZZ labels of
// the development set. The set holds diffs, not the repositories, so the structure summary is
// estimated from each hunk's own lines (parsed with the same grammars): a function whose
// declaration line was added is new, an exported one whose declaration line was deleted was
// removed or changed. The gate reads whole files; this estimate is what the data allows.
import type { Node } from 'web-tree-sitter';
import { languageOfPath, type LanguageSpec } from '../src/code/languages.js';
import { parserFor } from '../src/code/load-grammar.js';
import { nameOf } from '../src/code/parse-source.js';
import type { StructureSummary } from '../src/code/structure-summary.js';
import { defaultConfig } from '../src/config/load-config.js';
import type { Diff, DiffLine } from '../src/diff/diff-file.js';
import { rocAuc } from '../src/evaluation/roc-auc.js';
import { FACTOR_FAMILIES } from '../src/risk/factor-registry.js';
import { createRiskScorer } from '../src/risk/score-risk.js';
import { DEFAULT_WEIGHTS, type RiskWeights } from '../src/risk/weights.js';
import { createChangeScorer } from '../src/run/score-change.js';
import { messageAsText, readLabelledCommits, riskEvalPath } from './read-risk-eval.js';

interface Declared {
  name: string;
  row: number;
  exported: boolean;
}

function declarations(spec: LanguageSpec, root: Node): Declared[] {
  const out: Declared[] = [];
  const stack: Node[] = [root];
  while (stack.length > 0) {
    const node = stack.pop()!;
    if (spec.functions.has(node.type)) {
      const name = nameOf(node);
      if (name) out.push({ name, row: node.startPosition.row, exported: spec.exported(node, name, undefined) });
    }
    for (const child of node.namedChildren) if (child) stack.push(child);
  }
  return out;
}

async function side(spec: LanguageSpec, lines: DiffLine[], keep: 'add' | 'del'): Promise<{ all: Set<string>; changed: Declared[] }> {
  const shown = lines.filter((l) => l.type === 'context' || l.type === keep);
  const parser = await parserFor(spec);
  const tree = parser.parse(shown.map((l) => l.text).join('\n'));
  if (!tree) return { all: new Set(), changed: [] };
  try {
    const found = declarations(spec, tree.rootNode);
    return { all: new Set(found.map((d) => d.name)), changed: found.filter((d) => shown[d.row]?.type === keep) };
  } finally {
    tree.delete();
  }
}

export async function structureFromDiff(diff: Diff): Promise<StructureSummary> {
  let newFunctions = 0;
  let filesParsed = 0;
  const breaking: StructureSummary['breaking'] = [];
  for (const file of diff.files) {
    const spec = languageOfPath(file.path);
    if (!spec || file.binary || file.kind !== 'source') continue;
    filesParsed++;
    for (const hunk of file.hunks) {
      const after = await side(spec, hunk.lines, 'add');
      const before = await side(spec, hunk.lines, 'del');
      newFunctions += after.changed.filter((d) => !before.all.has(d.name)).length;
      for (const d of before.changed) if (d.exported) breaking.push({ path: file.path, name: d.name, kind: 'function', change: after.all.has(d.name) ? 'changed' : 'removed' });
    }
  }
  return { newFunctions, breaking, filesParsed };
}

const config = defaultConfig();
const { parse } = createChangeScorer(config);
const commits = await readLabelledCommits(riskEvalPath());
const started = performance.now();
const parsed: Array<{ commit: (typeof commits)[number]; diff: Diff; text: ReturnType<typeof messageAsText>; structure: StructureSummary }> = [];
for (const c of commits) {
  const diff: Diff = c.diff.trim() === '' ? { files: [], additions: 0, deletions: 0, warnings: [] } : parse(c.diff);
  parsed.push({ commit: c, diff, text: messageAsText(c.message), structure: await structureFromDiff(diff) });
}
console.log(`structure estimated for ${commits.length} commits in ${((performance.now() - started) / 1000).toFixed(1)} s`);
const repos = [...new Set(commits.map((c) => c.repo))].sort();
const aucs = (weights: RiskWeights, families = FACTOR_FAMILIES) => {
  const scorer = createRiskScorer(config, weights, families);
  const scores = parsed.map((p) => scorer({ diff: p.diff, text: p.text, structure: p.structure }).score);
  return repos.map((repo) => {
    const idx = commits.map((c, i) => (c.repo === repo ? i : -1)).filter((i) => i >= 0);
    return rocAuc(idx.map((i) => scores[i]!), idx.map((i) => commits[i]!.buggy));
  });
};
const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
const withWeights = (breakingChange: number, perNewFunctionDoubling: number): RiskWeights => ({ ...DEFAULT_WEIGHTS, structure: { ...DEFAULT_WEIGHTS.structure, breakingChange, perNewFunctionDoubling } });

const without = aucs(withWeights(0, 0));
let best = { b: 0, n: 0, aucs: without };
for (const b of [0, 0.5, 1, 2, 3, 4, 6]) {
  for (const n of [0, 0.5, 1, 1.5, 2, 3, 4]) {
    const got = aucs(withWeights(b, n));
    if (mean(got) > mean(best.aucs) + 1e-9) best = { b, n, aucs: got };
  }
}
const fixed = aucs(DEFAULT_WEIGHTS as RiskWeights);
const f3 = (n: number) => n.toFixed(3);
const share = (pred: (s: StructureSummary) => boolean) => `${((parsed.filter((p) => pred(p.structure)).length / parsed.length) * 100).toFixed(0)}%`;
console.log(`commits with a breaking change (estimated): ${share((s) => s.breaking.length > 0)}; with a new function: ${share((s) => s.newFunctions > 0)}`);
console.log(`| weights | ${repos.join(' | ')} | mean |`);
console.log(`|---|${repos.map(() => '---:').join('|')}|---:|`);
console.log(`| without structure | ${without.map(f3).join(' | ')} | ${f3(mean(without))} |`);
console.log(`| best on the grid: breakingChange ${best.b}, perNewFunctionDoubling ${best.n} | ${best.aucs.map(f3).join(' | ')} | ${f3(mean(best.aucs))} |`);
console.log(`| default (breakingChange ${DEFAULT_WEIGHTS.structure.breakingChange}, perNewFunctionDoubling ${DEFAULT_WEIGHTS.structure.perNewFunctionDoubling}) | ${fixed.map(f3).join(' | ')} | ${f3(mean(fixed))} |`);
