import type { StoredEvalReport } from '../eval-reports.js';
import type { SqlParams } from './sql-params.js';

export interface EvalReportRow {
  repository: string;
  at: number | string;
  report: string;
}

export function insertEvalReportSql(entry: StoredEvalReport, params: SqlParams): string {
  return `INSERT INTO eval_reports (repository, at, report) VALUES (${params.add(entry.repository)}, ${params.add(entry.at)}, ${params.add(JSON.stringify(entry.report))})`;
}

/** Per repository, its newest report (the later id among reports of the same instant). */
export function latestEvalReportsSql(limit: number, params: SqlParams): string {
  return `SELECT e.repository, e.at, e.report FROM eval_reports e
WHERE e.id = (SELECT r.id FROM eval_reports r WHERE r.repository = e.repository ORDER BY r.at DESC, r.id DESC LIMIT 1)
ORDER BY e.at DESC, e.id DESC LIMIT ${params.add(limit)}`;
}

/** A row as a report; a report whose JSON does not parse (cut short, edited) is left out. */
export function toStoredEvalReport(row: EvalReportRow): StoredEvalReport | undefined {
  try {
    return { repository: row.repository, at: Number(row.at), report: JSON.parse(row.report) as unknown };
  } catch {
    return undefined;
  }
}
