import { createHash } from 'node:crypto';
import { isAuthored, type Diff, type DiffFile, type UnseenReason } from '../diff/diff-file.js';
import { renderFileDiff } from '../agents/render-file-diff.js';
import { tokensForChars } from '../plan/estimate-cost.js';
import type { PathMatcher } from '../risk/match-paths.js';
import type { RiskFactor } from '../risk/risk-factor.js';

/** Why a changed file is not in the models' view. Every such file is listed, never hidden. */
export type NotReviewedReason = 'lockfile' | 'generated' | 'vendored' | UnseenReason | 'no-changed-lines' | 'over-budget';

/**
 * Why, in Markdown, for the files not shown because of their kind: the base branch earned them
 * that kind (a path alone never does), and riskgate still scanned their added lines.
 */
export const NOT_SHOWN_BECAUSE: Partial<Record<NotReviewedReason, string>> = {
  lockfile: 'lockfile; its added lines were scanned for dangerous patterns',
  vendored: 'vendored, as the base branch marks it (`linguist-vendored` or `paths.kinds`); its added lines were scanned for dangerous patterns',
  generated: 'generated, as the base branch marks it (`linguist-generated` or `paths.kinds`); its added lines were scanned for dangerous patterns',
};

export interface NotReviewed {
  path: string;
  reason: NotReviewedReason;
}

export interface PackedFile {
  file: DiffFile;
  /** The file's diff as rendered for the models. */
  text: string;
  /** Hash of `text`: the per-file part of the result-cache key. */
  hash: string;
  tokens: number;
  risk: number;
}

export interface PackedFiles {
  files: PackedFile[];
  notReviewed: NotReviewed[];
  tokens: number;
}

// Points a file earns in the packing order beyond the factors that name it: sensitive areas and
// source code first, then tests, then the rest.
const SENSITIVE_BONUS = 10;
const KIND_BONUS: Partial<Record<DiffFile['kind'], number>> = { source: 3, infrastructure: 3, ci: 3, 'dependency-manifest': 2, config: 2, test: 1 };

function riskOf(file: DiffFile, factorPoints: ReadonlyMap<string, number>, sensitive: PathMatcher): number {
  const changed = file.additions + file.deletions;
  return (
    (factorPoints.get(file.path) ?? 0) +
    (sensitive(file.path) ? SENSITIVE_BONUS : 0) +
    (KIND_BONUS[file.kind] ?? 0) +
    Math.log2(1 + changed)
  );
}

/** A change's files in packing order, rendered once: every tier packs from the same ranking. */
export interface RankedFiles {
  /** Authored files with readable changes, highest risk first. */
  candidates: PackedFile[];
  /** Files no tier shows, with why. */
  notShown: NotReviewed[];
}

/**
 * Renders and ranks a change's files for the models: authored files with readable changes, highest
 * risk first. Lockfiles and the files the base branch marks vendored or generated are listed as
 * not shown, never dropped silently; a file's path alone never keeps it out.
 */
export function rankFiles(diff: Diff, factors: readonly RiskFactor[], sensitive: PathMatcher): RankedFiles {
  const factorPoints = new Map<string, number>();
  for (const factor of factors) {
    if (factor.points <= 0) continue;
    // Every file a factor fired on, not only the few its evidence shows.
    for (const path of new Set(factor.files ?? factor.evidence.map((e) => e.path))) factorPoints.set(path, (factorPoints.get(path) ?? 0) + factor.points);
  }
  const notShown: NotReviewed[] = [];
  const candidates: PackedFile[] = [];
  for (const file of diff.files) {
    if (!isAuthored(file.kind)) notShown.push({ path: file.path, reason: file.kind as NotReviewedReason });
    else if (file.unseen !== undefined && file.hunks.length === 0) notShown.push({ path: file.path, reason: file.unseen });
    else if (file.hunks.length === 0) notShown.push({ path: file.path, reason: 'no-changed-lines' });
    else {
      const text = renderFileDiff(file);
      candidates.push({ file, text, hash: createHash('sha256').update(text).digest('hex'), tokens: tokensForChars(text.length + 1), risk: riskOf(file, factorPoints, sensitive) });
    }
  }
  candidates.sort((a, b) => b.risk - a.risk || (a.file.path < b.file.path ? -1 : 1));
  return { candidates, notShown };
}

/**
 * Chooses what the models see at one token budget: ranked files as many as fit. A file too big for
 * what is left is skipped and smaller ones still go in, so one huge file cannot crowd out the rest
 * of the pull request.
 */
export function packFiles(ranked: RankedFiles, budgetTokens: number): PackedFiles {
  const notReviewed: NotReviewed[] = [...ranked.notShown];
  const files: PackedFile[] = [];
  let tokens = 0;
  for (const candidate of ranked.candidates) {
    if (tokens + candidate.tokens > budgetTokens) {
      notReviewed.push({ path: candidate.file.path, reason: 'over-budget' });
      continue;
    }
    files.push(candidate);
    tokens += candidate.tokens;
  }
  return { files, notReviewed, tokens };
}
