/** One `riskgate eval findings` report as the store keeps it. */
export interface StoredEvalReport {
  /** owner/name, or the clone's directory name when it has no GitHub remote. */
  repository: string;
  /** Epoch milliseconds: when the eval finished. */
  at: number;
  /** The report as `--json` prints it; readers check its shape (an older riskgate may have written it). */
  report: unknown;
}

/** Eval reports, for the dashboard: each eval records its report in the store it runs against. */
export interface EvalReportStore {
  recordEvalReport(entry: StoredEvalReport): Promise<void>;
  /** The newest report of each repository, newest first, at most `limit`. */
  latestEvalReports(limit: number): Promise<StoredEvalReport[]>;
}
