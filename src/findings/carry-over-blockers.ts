import { createHash } from 'node:crypto';
import { z } from 'zod';
import type { Diff, DiffFile } from '../diff/diff-file.js';
import { AGENTS } from '../plan/tier.js';
import { PULL_REQUEST_TEXT, SEVERITIES, severityRank, type Finding, type Severity } from './finding.js';

// A blocker stays in the verdict, push after push, until the code it points at changes: a model
// that happens not to repeat itself on the next head must not turn a failing gate green.

// Explanations are kept short in the state: the state travels inside a check run's text.
const KEPT_EXPLANATION_CHARS = 400;
/** At most this many open blockers are remembered (more would not fit a check run's text). */
export const MAX_OPEN_BLOCKERS = 40;

export const openBlockerSchema = z.object({
  agent: z.enum(AGENTS),
  severity: z.enum(SEVERITIES),
  path: z.string().min(1).max(1000),
  lineCount: z.number().int().positive().max(10_000),
  title: z.string().max(300),
  explanation: z.string().max(KEPT_EXPLANATION_CHARS + 1),
  /** Hash of the pointed-at lines' text: the blocker is resolved once no such lines remain. */
  linesHash: z.string().regex(/^[0-9a-f]{64}$/),
  /** The head SHA the blocker was first reported on. */
  since: z.string().regex(/^[0-9a-f]{7,64}$/),
});
export type OpenBlocker = z.infer<typeof openBlockerSchema>;

interface NewSideLine {
  line: number;
  text: string;
}

/** The new-side lines a diff shows of one file (added and context), in order, per hunk. */
function newSideRuns(file: DiffFile): NewSideLine[][] {
  return file.hunks.map((hunk) => hunk.lines.flatMap((l) => (l.type !== 'del' && l.newLine !== undefined ? [{ line: l.newLine, text: l.text }] : [])));
}

// Indentation and trailing spaces may change without the code changing.
const hashLines = (texts: readonly string[]) => createHash('sha256').update(texts.map((t) => t.trim()).join('\n')).digest('hex');

/** The blockers of this head worth remembering: on file lines, at or above `failOn`, not recomputed every run. */
export function recordOpenBlockers(findings: readonly Finding[], diff: Diff, failOn: Severity, headSha: string): OpenBlocker[] {
  const files = new Map(diff.files.map((f) => [f.path, f]));
  const open: OpenBlocker[] = [];
  for (const f of findings) {
    // riskgate's own checks run again on every head; a PR-text finding has no code to point at.
    if (f.deterministic || f.path === PULL_REQUEST_TEXT || severityRank(f.severity) < severityRank(failOn)) continue;
    const file = files.get(f.path);
    if (!file) continue;
    const lines = newSideRuns(file).flat().filter((l) => l.line >= f.startLine && l.line <= f.endLine);
    if (lines.length === 0) continue;
    open.push({
      agent: f.agent,
      severity: f.severity,
      path: f.path,
      lineCount: lines.length,
      title: f.title,
      explanation: f.explanation.length > KEPT_EXPLANATION_CHARS ? `${f.explanation.slice(0, KEPT_EXPLANATION_CHARS)}…` : f.explanation,
      linesHash: hashLines(lines.map((l) => l.text)),
      since: f.carriedFrom ?? headSha,
    });
    if (open.length === MAX_OPEN_BLOCKERS) break;
  }
  return open;
}

/** Where the same lines sit in this diff's view of the file, if they are still there. */
function findLines(file: DiffFile, blocker: OpenBlocker): { start: number; end: number } | undefined {
  for (const run of newSideRuns(file)) {
    for (let i = 0; i + blocker.lineCount <= run.length; i++) {
      const window = run.slice(i, i + blocker.lineCount);
      if (hashLines(window.map((l) => l.text)) === blocker.linesHash) return { start: window[0]!.line, end: window.at(-1)!.line };
    }
  }
  return undefined;
}

const overlaps = (a: Finding, path: string, start: number, end: number) => a.path === path && a.startLine <= end && start <= a.endLine;

export interface CarriedBlockers {
  /** Earlier blockers whose code is unchanged and that no fresh finding already covers. */
  carried: Finding[];
  /** Earlier blockers whose code changed or went away. */
  resolved: number;
}

/**
 * Carries earlier blockers onto this head: each stays while its exact lines are still in the
 * change (found again by content, so a rebase or an edit elsewhere keeps it in place) and goes
 * once they are edited or removed.
 */
export function carryOverBlockers(previous: readonly OpenBlocker[], diff: Diff, fresh: readonly Finding[]): CarriedBlockers {
  const carried: Finding[] = [];
  let resolved = 0;
  for (const blocker of previous) {
    const file = diff.files.find((f) => f.path === blocker.path || f.previousPath === blocker.path);
    const at = file && findLines(file, blocker);
    if (!file || !at) {
      resolved++;
      continue;
    }
    if ([...fresh, ...carried].some((f) => f.agent === blocker.agent && overlaps(f, file.path, at.start, at.end))) continue;
    carried.push({
      agent: blocker.agent,
      severity: blocker.severity,
      confidence: 1,
      path: file.path,
      startLine: at.start,
      endLine: at.end,
      title: blocker.title,
      explanation: blocker.explanation,
      carriedFrom: blocker.since,
    });
  }
  return { carried, resolved };
}
