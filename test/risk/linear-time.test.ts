import { describe, expect, it } from 'vitest';
import { dangerousPatternsFamily } from '../../src/risk/factors/dangerous-patterns.js';
import { untrustedTextFamily } from '../../src/risk/factors/untrusted-text.js';
import { detectPromptInjection } from '../../src/agents/detect-prompt-injection.js';
import { renderFileDiff } from '../../src/agents/render-file-diff.js';
import { stripHiddenMarkup } from '../../src/agents/fence-untrusted.js';
import { DEFAULT_WEIGHTS } from '../../src/risk/weights.js';
import { PATTERN_RULES, adversarialLinesFor, adversarialText, diffWithLine, fileFor } from '../../bench/adversarial-inputs.js';

// Every check over author-written text, on lines built to stall a backtracking engine (issue 14:
// one 100 KB line took 4.3 s in the injection marker; ten such lines blocked the App for 77 s).
// The bounds are generous, for a shared machine: a quadratic check blows them by far (at 1 MB,
// a hundred times its 100 KB time). `npm run bench` prints the real figures.
const BOUND_MS: Record<number, number> = { 100_000: 2_000, 1_000_000: 6_000 };
// Adversarial lines per pattern, and per rule at most (the benchmark tries more).
const LINES: Record<number, number> = { 100_000: 8, 1_000_000: 4 };
const MAX_LINES: Record<number, number> = { 100_000: 40, 1_000_000: 8 };
const settings = { weights: DEFAULT_WEIGHTS, sensitivePaths: {}, permissionPaths: [] };

/** At most `n` items, evenly spread over the list (its first and last included). */
function spread<T>(items: readonly T[], n: number): T[] {
  if (items.length <= n) return [...items];
  return Array.from({ length: n }, (_, i) => items[Math.round((i * (items.length - 1)) / (n - 1))]!);
}

function timed(run: () => void): number {
  const start = performance.now();
  run();
  return performance.now() - start;
}

describe.each([100_000, 1_000_000])('adversarial lines of %i characters', (size) => {
  const patterns = dangerousPatternsFamily(settings);

  it.each(PATTERN_RULES.map((rule) => [rule.id, rule] as const))(
    'pattern.%s reads the whole line in linear time and finds the example at its end',
    (_, rule) => {
      const { path, kind } = fileFor(rule);
      for (const line of spread(adversarialLinesFor(rule, size, LINES[size]), MAX_LINES[size]!)) {
        let ids: string[] = [];
        const ms = timed(() => {
          ids = patterns.evaluate({ diff: diffWithLine(path, kind, `${line.text} ${rule.example}`) }).map((f) => f.id);
        });
        expect(ms, line.label).toBeLessThan(BOUND_MS[size]!);
        expect(ids, line.label).toContain(`pattern.${rule.id}`);
      }
    },
    120_000,
  );

  it('the PR-text factors, the own injection check and the model-input sanitiser stay linear', () => {
    const text = untrustedTextFamily(settings);
    for (const line of [...spread(adversarialText(size, LINES[size]), MAX_LINES[size]!), ...adversarialText(size).filter((l) => l.label.includes('<!--'))]) {
      expect(timed(() => text.evaluate({ diff: diffWithLine('a', 'source', ''), text: { title: line.text, body: line.text } })), line.label).toBeLessThan(BOUND_MS[size]!);
      expect(timed(() => detectPromptInjection(diffWithLine('src/a.ts', 'source', line.text), { body: line.text })), line.label).toBeLessThan(BOUND_MS[size]!);
      expect(timed(() => stripHiddenMarkup(line.text)), line.label).toBeLessThan(BOUND_MS[size]!);
      expect(timed(() => renderFileDiff(diffWithLine('docs/a.md', 'docs', line.text).files[0]!)), line.label).toBeLessThan(BOUND_MS[size]!);
    }
  }, 120_000);
});
