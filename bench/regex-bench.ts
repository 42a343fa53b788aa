// The regex benchmark of `npm run bench`: every pattern rule, and the PR-text checks, on adversarial
// lines of 100 KB and 1 MB (bench/adversarial-inputs.ts), each through the code that runs it in a
// gate: the pattern family over a one-line diff (keyword prefilter, RE2 matching, evidence excerpt),
// the PR-text factor and riskgate's own injection check. Prints the worst line per rule.
import { dangerousPatternsFamily } from '../src/risk/factors/dangerous-patterns.js';
import { untrustedTextFamily } from '../src/risk/factors/untrusted-text.js';
import { detectPromptInjection } from '../src/agents/detect-prompt-injection.js';
import { renderFileDiff } from '../src/agents/render-file-diff.js';
import { DEFAULT_WEIGHTS } from '../src/risk/weights.js';
import { PATTERN_RULES, adversarialLinesFor, adversarialText, diffWithLine, fileFor } from './adversarial-inputs.js';
import type { AdversarialLine } from './adversarial-lines.js';

const SIZES = [100_000, 1_000_000] as const;
/** Adversarial lines per pattern: enough to find a stall, few enough for a run of minutes. */
const LINES_PER_PATTERN = 8;
const settings = { weights: DEFAULT_WEIGHTS, sensitivePaths: {}, permissionPaths: [] };

interface Worst {
  ms: number;
  label: string;
  lines: number;
}

function worstOf(lines: readonly AdversarialLine[], run: (text: string) => void): Worst {
  let worst: Worst = { ms: 0, label: '', lines: lines.length };
  for (const line of lines) {
    const start = performance.now();
    run(line.text);
    const ms = performance.now() - start;
    if (ms > worst.ms) worst = { ms, label: line.label, lines: lines.length };
  }
  return worst;
}

const cell = (w: Worst) => `${w.ms.toFixed(0)} ms`;
const label = (w: Worst) => `${w.label.length > 50 ? `${w.label.slice(0, 47)}...` : w.label}`.replaceAll('|', '\\|');

/** Markdown rows: rule, adversarial lines tried, worst time at 100 KB and 1 MB, the worst line. */
export function benchRegex(): string[] {
  const patterns = dangerousPatternsFamily(settings);
  const rows: string[] = [];
  for (const rule of PATTERN_RULES) {
    const { path, kind } = fileFor(rule);
    const worst = SIZES.map((size) =>
      // The rule's own example at the end of the line: the whole line is read, so it is found.
      worstOf(adversarialLinesFor(rule, size, LINES_PER_PATTERN), (text) => patterns.evaluate({ diff: diffWithLine(path, kind, `${text} ${rule.example}`) })),
    );
    rows.push(`| \`pattern.${rule.id}\` | ${worst[0]!.lines} | ${cell(worst[0]!)} | ${cell(worst[1]!)} | ${label(worst[1]!)} |`);
    console.log(rows.at(-1));
  }
  const text = untrustedTextFamily(settings);
  const checks: Array<[string, (t: string) => void]> = [
    ['PR-text factors (`text.*`), title and body', (t) => text.evaluate({ diff: diffWithLine('a', 'source', ''), text: { title: t, body: t } })],
    ['own injection check, PR body and added line', (t) => detectPromptInjection(diffWithLine('src/app.ts', 'source', t), { body: t })],
    ['diff shown to models (sanitiser, line cut)', (t) => renderFileDiff(diffWithLine('docs/a.md', 'docs', t).files[0]!)],
  ];
  for (const [name, run] of checks) {
    const worst = SIZES.map((size) => worstOf(adversarialText(size, LINES_PER_PATTERN), run));
    rows.push(`| ${name} | ${worst[0]!.lines} | ${cell(worst[0]!)} | ${cell(worst[1]!)} | ${label(worst[1]!)} |`);
    console.log(rows.at(-1));
  }
  return rows;
}

export const REGEX_TABLE_HEADER = ['| check | adversarial lines | worst, 100 KB line | worst, 1 MB line | worst line (1 MB) |', '|---|---:|---:|---:|---|'];
