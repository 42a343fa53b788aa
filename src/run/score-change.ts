import type { StructureSummary } from '../code/structure-summary.js';
import type { RiskgateConfig } from '../config/config-schema.js';
import { createFileClassifier } from '../diff/classify-file.js';
import type { Diff, FileKind, FileStatus } from '../diff/diff-file.js';
import { diffFromPullFiles, type PullFileRow } from '../diff/from-pull-files.js';
import type { GitAttributes } from '../diff/match-git-attributes.js';
import { parseUnifiedDiff } from '../diff/parse-unified-diff.js';
import { createTierPlanner, type Plan } from '../plan/plan-tier.js';
import type { TierFloor } from '../plan/tier-floors.js';
import type { Tier } from '../plan/tier.js';
import type { RiskFactor, UntrustedText } from '../risk/risk-factor.js';
import { createRiskScorer, type ModelUse, type UnseenFile } from '../risk/score-risk.js';
import type { HistoryFeatures } from '../calibrate/change-features.js';
import type { RiskModel } from '../calibrate/risk-model-file.js';

export interface ScoredFile {
  path: string;
  previousPath?: string;
  status: FileStatus;
  kind: FileKind;
  binary: boolean;
  additions: number;
  deletions: number;
}

/** diff -> files -> risk -> plan, with no I/O: what `riskgate score` prints. */
export interface ScoreResult {
  score: number;
  tier: Tier;
  additions: number;
  deletions: number;
  files: ScoredFile[];
  factors: RiskFactor[];
  /** The tier floors the factors set, highest first; the plan's reasons name those that raised the tier. */
  floors: TierFloor[];
  unseen: UnseenFile[];
  /** Files the source did not list at all (GitHub's 3,000-file listing limit). */
  unlistedFiles: number;
  warnings: string[];
  plan: Plan;
  /** The calibrated model that scored the change, when there is one. */
  model?: ModelUse;
}

export interface ChangeScorer {
  parse(diffText: string): Diff;
  /** The diff from GitHub's listFiles rows; `changedFiles` is the PR's own count (listing stops at 3,000). */
  fromPullFiles(rows: readonly PullFileRow[], changedFiles?: number): Diff;
  scoreText(diffText: string, text?: UntrustedText, forced?: Tier, history?: HistoryFeatures): ScoreResult;
  /** `history`: the change's history features, when a clone can give them (a calibrated model reads them). */
  scoreDiff(diff: Diff, text?: UntrustedText, forced?: Tier, history?: HistoryFeatures, structure?: StructureSummary): ScoreResult;
  /** The plan of exactly this tier for a diff, whatever its score. */
  planAt(diff: Diff, tier: Tier): Plan;
}

/**
 * Compiles a config's globs (and a calibrated model) once; the scorer then handles any number of
 * diffs. `attributes`: the base branch's .gitattributes, where files earn vendored or generated.
 */
export function createChangeScorer(config: RiskgateConfig, model?: RiskModel, attributes?: GitAttributes): ChangeScorer {
  const classify = createFileClassifier(config.paths.kinds, attributes);
  const scoreRisk = createRiskScorer(config, undefined, undefined, model);
  const planner = createTierPlanner(config);
  const parseOptions = { classify, maxFileLines: config.risk.max_file_lines };
  const parse = (diffText: string) => parseUnifiedDiff(diffText, parseOptions);
  const scoreDiff = (diff: Diff, text?: UntrustedText, forced?: Tier, history?: HistoryFeatures, structure?: StructureSummary): ScoreResult => {
    const report = scoreRisk({ diff, ...(text ? { text } : {}), ...(history ? { history } : {}), ...(structure ? { structure } : {}) });
    const chosen = planner.choose(diff, report, forced);
    return {
      score: report.score,
      tier: chosen.tier,
      additions: diff.additions,
      deletions: diff.deletions,
      files: diff.files.map((f) => ({
        path: f.path,
        ...(f.previousPath !== undefined ? { previousPath: f.previousPath } : {}),
        status: f.status,
        kind: f.kind,
        binary: f.binary,
        additions: f.additions,
        deletions: f.deletions,
      })),
      factors: report.factors,
      floors: chosen.floors,
      unseen: report.unseen,
      unlistedFiles: diff.unlistedFiles ?? 0,
      warnings: diff.warnings,
      plan: chosen,
      ...(report.model ? { model: report.model } : {}),
    };
  };
  return {
    parse,
    fromPullFiles: (rows, changedFiles) => diffFromPullFiles(rows, parseOptions, changedFiles),
    scoreDiff,
    scoreText: (diffText, text, forced, history) => scoreDiff(parse(diffText), text, forced, history),
    planAt: planner.at,
  };
}
