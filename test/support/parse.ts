import { createFileClassifier } from '../../src/diff/classify-file.js';
import type { Diff } from '../../src/diff/diff-file.js';
import { parseUnifiedDiff } from '../../src/diff/parse-unified-diff.js';

const classify = createFileClassifier();

/** Parses with the built-in classifier and the default per-file line limit. */
export function parse(text: string, maxFileLines = 20_000): Diff {
  return parseUnifiedDiff(text, { classify, maxFileLines });
}
