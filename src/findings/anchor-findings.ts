import type { Diff } from '../diff/diff-file.js';
import type { Finding } from './finding.js';

export type DropReason = 'unknown-file' | 'outside-changes';

export interface AnchoredFindings {
  findings: Finding[];
  /** Findings moved onto the nearest changed line of their hunk. */
  moved: number;
  dropped: Record<DropReason, number>;
}

interface FileLines {
  /** New-side numbers of added lines, ascending. */
  added: number[];
  /** [start, end] new-side ranges of the hunks. */
  hunks: Array<[number, number]>;
}

function indexLines(diff: Diff): Map<string, FileLines> {
  const index = new Map<string, FileLines>();
  for (const file of diff.files) {
    const added: number[] = [];
    const hunks: Array<[number, number]> = [];
    for (const hunk of file.hunks) {
      hunks.push([hunk.newStart, hunk.newStart + Math.max(0, hunk.newLines - 1)]);
      for (const line of hunk.lines) if (line.type === 'add' && line.newLine !== undefined) added.push(line.newLine);
    }
    index.set(file.path, { added, hunks });
  }
  return index;
}

/**
 * Keeps findings on changed lines only: a finding overlapping added lines is trimmed to them; one
 * on a hunk's context is moved to the hunk's nearest added line; the rest (other files, unchanged
 * code, invented paths) are dropped and counted, never shown.
 */
export function anchorFindings(diff: Diff, findings: readonly Finding[]): AnchoredFindings {
  const index = indexLines(diff);
  const result: AnchoredFindings = { findings: [], moved: 0, dropped: { 'unknown-file': 0, 'outside-changes': 0 } };
  for (const finding of findings) {
    const lines = index.get(finding.path);
    if (!lines) {
      result.dropped['unknown-file']++;
      continue;
    }
    const inside = lines.added.filter((n) => n >= finding.startLine && n <= finding.endLine);
    if (inside.length > 0) {
      result.findings.push({ ...finding, startLine: inside[0]!, endLine: inside.at(-1)! });
      continue;
    }
    const hunk = lines.hunks.find(([start, end]) => finding.startLine <= end && finding.endLine >= start);
    const candidates = hunk ? lines.added.filter((n) => n >= hunk[0] && n <= hunk[1]) : [];
    if (candidates.length === 0) {
      result.dropped['outside-changes']++;
      continue;
    }
    const nearest = candidates.reduce((best, n) => (Math.abs(n - finding.startLine) < Math.abs(best - finding.startLine) ? n : best));
    result.findings.push({ ...finding, startLine: nearest, endLine: nearest });
    result.moved++;
  }
  return result;
}
