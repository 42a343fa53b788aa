// Every weight of the default risk score, in one place. Points add up to a 0-100 score.
// Fitted on the pooled development set (../shared/data/risk-eval, all three repositories at once,
// no per-repository tuning) and rounded; `npm run eval:risk` prints the resulting AUCs.

export const DEFAULT_WEIGHTS = {
  size: {
    /** Points per doubling of changed lines. */
    perDoubling: 4.5,
    /** A deleted line counts as this fraction of an added line. */
    deletedLineWeight: 0.1,
    /** Test lines count as this fraction of other lines. */
    testLineWeight: 1,
    /**
     * Lines of a file whose first lines carry a generator header (`Code generated ... DO NOT
     * EDIT.`, `@generated`) count as this fraction: the header is the content's own claim, so
     * it costs at most one doubling and never takes the file out of the count or the models' view.
     */
    generatorHeaderLineWeight: 0.5,
  },
  spread: {
    /** Points per doubling of touched directories (the first directory is free). */
    perDirectoryDoubling: 2,
    /** Points per doubling of touched files (the first file is free). */
    perFileDoubling: 1.7,
  },
  changeKind: {
    docsOnly: -3,
    testsOnly: -5,
    /**
     * Points per doubling of the changed lines (a deleted line a tenth) in files the models are
     * not shown: lockfiles, and files the base branch marks vendored or generated. Such lines stay
     * out of the size factor, so vendoring a large library moves the score by a few points, not a tier.
     */
    notShownPerDoubling: 0.5,
    ci: 8,
    infrastructure: 6,
    permissions: 10,
    dependencyManifest: 3,
  },
  sensitivePath: {
    /** Points per sensitive category touched. */
    perCategory: 5,
    max: 15,
  },
  pattern: {
    /** Cap on the pattern family as a whole. */
    max: 45,
  },
  tests: {
    sourceWithoutTests: 1,
    testsDeleted: 4,
    /** Deleting this many test lines more than were added counts as weakening the tests. */
    netDeletedTestLines: 20,
  },
  unseen: {
    perFile: 4,
    max: 20,
    /**
     * An authored added line longer than models are shown (once per change, however many): what a
     * model cannot read cannot be vouched for, and padding can push a backdoor out of its view.
     */
    longLine: 20,
  },
  structure: {
    /**
     * Points per doubling of (1 + exported symbols removed or with a changed signature). Fitted
     * at 0: on the development set it adds nothing measurable (docs/risk-score.md), so the factor
     * is listed with no points, for a reviewer and for a tier floor a team may set on its id.
     */
    breakingChange: 0,
    breakingChangeMax: 8,
    /** Points per doubling of (1 + new functions); fitted on the grid, within 0.001 AUC of none. */
    perNewFunctionDoubling: 2,
  },
  text: {
    /** The author says the change fixes a bug: fixes are more often defect-inducing. */
    bugFix: 4.5,
    /** The PR text addresses a model (instruction overrides, text hidden in tag characters). */
    addressedToModel: 15,
    /** HTML comments or invisible characters in the PR text: PR templates are full of comments. */
    hiddenMarkup: 2,
  },
} as const;

type Widen<T> = { [K in keyof T]: T[K] extends number ? number : Widen<T[K]> };
export type RiskWeights = Widen<typeof DEFAULT_WEIGHTS>;
