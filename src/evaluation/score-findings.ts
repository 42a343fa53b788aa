import type { Finding } from '../findings/finding.js';

// How well one arm's findings find the bugs a later fix repaired, and how much they say on clean
// commits. Pure: the reviews are done; this only counts.

/** The line windows recall is measured at: a finding's range widened by k lines on each side. */
export const RECALL_WINDOWS = [0, 3, 10] as const;
export type RecallWindow = (typeof RECALL_WINDOWS)[number];
/** A figure per window; null where there was nothing to measure (no introducer reviewed). */
export type ByWindow = Record<`k${RecallWindow}`, number | null>;

/** The window the headline figures (hit share, paired comparison) use. */
export const HEADLINE_WINDOW: RecallWindow = 3;

export type ScoredFinding = Pick<Finding, 'path' | 'startLine' | 'endLine' | 'severity'>;

/** Path -> line numbers (new side), ascending. */
export type LinesByPath = Readonly<Record<string, readonly number[]>>;

/** One sampled commit as an arm reviewed it. */
export interface ReviewedCommit {
  sha: string;
  kind: 'introducer' | 'clean';
  /** Introducers: the lines a later fix changed. */
  targetLines?: LinesByPath;
  /** Added lines of the files a model could be shown (authored, not binary): where the random baseline places its findings. */
  addedLines: LinesByPath;
  findings: readonly ScoredFinding[];
}

export interface FindingScores {
  introducers: number;
  clean: number;
  /** Share of introducers with a finding whose range, widened by k, overlaps a target line. */
  recall: ByWindow;
  /** The same, counting blockers only. */
  blockerRecall: ByWindow;
  /** What as many findings on random added lines of the same commits would score (expectation, exact). */
  randomRecall: ByWindow;
  randomBlockerRecall: ByWindow;
  /** Share of the findings on introducers that hit a target line at k = 3; null without findings. */
  hitShare: number | null;
  hitShareByWindow: ByWindow;
  findingsOnIntroducers: number;
  findingsOnClean: number;
  /** Noise: findings per clean commit, and the share of clean commits with a blocker; null without clean commits. */
  findingsPerCleanCommit: number | null;
  cleanWithBlocker: number | null;
  /** Per introducer (in the order given): hit at each window, for paired comparisons. */
  hits: Array<{ sha: string } & Record<`k${RecallWindow}`, boolean>>;
}

const key = (k: RecallWindow) => `k${k}` as const;
const byWindow = <T>(value: (k: RecallWindow) => T) => Object.fromEntries(RECALL_WINDOWS.map((k) => [key(k), value(k)])) as Record<`k${RecallWindow}`, T>;
const share = (n: number, of: number) => (of === 0 ? 0 : n / of);
const shareOrNull = (n: number, of: number) => (of === 0 ? null : n / of);

/** Whether a finding's range widened by k lines overlaps one of the target lines of its file. */
export function hitsTarget(finding: ScoredFinding, targets: LinesByPath, k: number): boolean {
  const lines = targets[finding.path];
  if (!lines) return false;
  const from = finding.startLine - k;
  const to = finding.endLine + k;
  return lines.some((line) => line >= from && line <= to);
}

/**
 * The chance that one finding spanning `span` extra lines, started on an added line drawn
 * uniformly from the commit's added lines, hits a target line at window k.
 */
export function randomHitChance(span: number, added: LinesByPath, targets: LinesByPath, k: number): number {
  let all = 0;
  let hitting = 0;
  for (const [path, lines] of Object.entries(added)) {
    all += lines.length;
    const goals = targets[path];
    if (!goals) continue;
    for (const start of lines) if (goals.some((t) => t >= start - k && t <= start + span + k)) hitting++;
  }
  return share(hitting, all);
}

/**
 * The random baseline of one introducer: each of the arm's findings on it moved to a random added
 * line of the commit (its span kept), independently; the chance that at least one hits. Computed
 * exactly rather than drawn, so it needs no seed and has no sampling noise.
 */
export function randomRecallOf(findings: readonly ScoredFinding[], added: LinesByPath, targets: LinesByPath, k: number): number {
  let missAll = 1;
  for (const finding of findings) missAll *= 1 - randomHitChance(Math.max(0, finding.endLine - finding.startLine), added, targets, k);
  return 1 - missAll;
}

/** The figures of one arm over the commits it reviewed. */
export function scoreFindings(commits: readonly ReviewedCommit[]): FindingScores {
  const introducers = commits.filter((c) => c.kind === 'introducer');
  const clean = commits.filter((c) => c.kind === 'clean');
  const hits = introducers.map((c) => ({ sha: c.sha, ...byWindow((k) => c.findings.some((f) => hitsTarget(f, c.targetLines ?? {}, k))) }));
  const blockerHit = (k: RecallWindow) => introducers.filter((c) => c.findings.some((f) => f.severity === 'blocker' && hitsTarget(f, c.targetLines ?? {}, k))).length;
  const randomMean = (k: RecallWindow, blockers: boolean) =>
    shareOrNull(
      introducers.reduce((sum, c) => sum + randomRecallOf(c.findings.filter((f) => !blockers || f.severity === 'blocker'), c.addedLines, c.targetLines ?? {}, k), 0),
      introducers.length,
    );
  const onIntroducers = introducers.flatMap((c) => c.findings.map((f) => ({ f, targets: c.targetLines ?? {} })));
  const hitShareAt = (k: RecallWindow) => (onIntroducers.length === 0 ? null : onIntroducers.filter(({ f, targets }) => hitsTarget(f, targets, k)).length / onIntroducers.length);
  const findingsOnClean = clean.reduce((n, c) => n + c.findings.length, 0);
  return {
    introducers: introducers.length,
    clean: clean.length,
    recall: byWindow((k) => shareOrNull(hits.filter((h) => h[key(k)]).length, introducers.length)),
    blockerRecall: byWindow((k) => shareOrNull(blockerHit(k), introducers.length)),
    randomRecall: byWindow((k) => randomMean(k, false)),
    randomBlockerRecall: byWindow((k) => randomMean(k, true)),
    hitShare: hitShareAt(HEADLINE_WINDOW),
    hitShareByWindow: byWindow(hitShareAt),
    findingsOnIntroducers: onIntroducers.length,
    findingsOnClean,
    findingsPerCleanCommit: clean.length === 0 ? null : findingsOnClean / clean.length,
    cleanWithBlocker: clean.length === 0 ? null : clean.filter((c) => c.findings.some((f) => f.severity === 'blocker')).length / clean.length,
    hits,
  };
}
