import type { CallRecord, SpendDimension, SpendQuery, SpendRow } from '../ledger.js';
import { parseModelRef } from '../../model/model-ref.js';
import type { SqlParams } from './sql-params.js';

const CALL_COLUMNS = [
  'at',
  'day',
  'installation_id',
  'repository',
  'pull_number',
  'head_sha',
  'author',
  'tier',
  'agent',
  'model',
  'outcome',
  'input_tokens',
  'output_tokens',
  'cache_write_5m_tokens',
  'cache_write_1h_tokens',
  'cache_read_tokens',
  'usd',
  'strong_usd',
  'saved_usd',
  'latency_ms',
  'provider',
  'local',
] as const;

/** The UTC date of an instant, YYYY-MM-DD: kept with each call so both engines group days alike. */
export function utcDay(at: number): string {
  return new Date(at).toISOString().slice(0, 10);
}

/** Records one call, with its UTC day; a call recorded before under the same callId is replaced. */
export function insertCallSql(call: CallRecord, params: SqlParams): string {
  const { usage } = call;
  const values = [
    call.at,
    utcDay(call.at),
    call.installationId,
    call.repository,
    call.pullNumber,
    call.headSha,
    call.author,
    call.tier,
    call.agent,
    call.model,
    call.outcome,
    usage.inputTokens,
    usage.outputTokens,
    usage.cacheWrite5mTokens,
    usage.cacheWrite1hTokens,
    usage.cacheReadTokens,
    call.usd,
    call.strongUsd,
    call.savedUsd,
    // Latency is measured with performance.now(): whole milliseconds are plenty.
    Math.round(call.latencyMs),
    call.provider ?? parseModelRef(call.model).provider,
    // 0 or 1: SQLite binds no booleans, and PostgreSQL reads '1' and '0' as a boolean.
    call.local === true ? 1 : 0,
  ];
  if (call.callId === undefined) return `INSERT INTO calls (${CALL_COLUMNS.join(', ')})\nVALUES (${values.map((value) => params.add(value)).join(', ')})`;
  return `INSERT INTO calls (${CALL_COLUMNS.join(', ')}, call_id)
VALUES (${[...values, call.callId].map((value) => params.add(value)).join(', ')})
ON CONFLICT (call_id) DO UPDATE SET ${CALL_COLUMNS.map((column) => `${column} = excluded.${column}`).join(', ')}`;
}

export function forgetCallSql(callId: string, params: SqlParams): string {
  return `DELETE FROM calls WHERE call_id = ${params.add(callId)}`;
}

const DIMENSION_COLUMNS: Record<SpendDimension, string> = {
  installationId: 'installation_id',
  repository: 'repository',
  agent: 'agent',
  provider: 'provider',
  model: 'model',
  tier: 'tier',
  outcome: 'outcome',
  author: 'author',
  day: 'day',
};

/** The spend query: one row per group of the dimensions asked for, ordered by them. */
export function spendSql(query: SpendQuery, params: SqlParams): string {
  const dimensions = [...new Set(query.by)];
  // Quoted aliases keep their case in PostgreSQL, so rows name each group by its dimension.
  const columns = dimensions.map((dimension) => `${DIMENSION_COLUMNS[dimension]} AS "${dimension}"`);
  const grouped = dimensions.map((dimension) => DIMENSION_COLUMNS[dimension]);
  const where: string[] = [];
  if (query.since !== undefined) where.push(`at >= ${params.add(query.since)}`);
  if (query.until !== undefined) where.push(`at < ${params.add(query.until)}`);
  if (query.repository !== undefined) where.push(`repository = ${params.add(query.repository)}`);
  if (query.installationId !== undefined) where.push(`installation_id = ${params.add(query.installationId)}`);
  return [
    'SELECT',
    [
      ...columns,
      'count(*) AS calls',
      "coalesce(sum(CASE WHEN outcome <> 'cached' THEN 1 ELSE 0 END), 0) AS paid_calls",
      "coalesce(sum(CASE WHEN outcome = 'cached' THEN 1 ELSE 0 END), 0) AS cached_calls",
      "coalesce(sum(CASE WHEN outcome <> 'cached' AND local THEN 1 ELSE 0 END), 0) AS local_calls",
      'coalesce(sum(input_tokens), 0) AS input_tokens',
      'coalesce(sum(output_tokens), 0) AS output_tokens',
      'coalesce(sum(cache_write_5m_tokens), 0) AS cache_write_5m_tokens',
      'coalesce(sum(cache_write_1h_tokens), 0) AS cache_write_1h_tokens',
      'coalesce(sum(cache_read_tokens), 0) AS cache_read_tokens',
      'coalesce(sum(usd), 0) AS usd',
      'coalesce(sum(strong_usd), 0) AS strong_usd',
      'coalesce(sum(saved_usd), 0) AS saved_usd',
      'coalesce(max(latency_ms), 0) AS max_latency_ms',
    ].join(',\n  '),
    'FROM calls',
    where.length ? `WHERE ${where.join(' AND ')}` : '',
    grouped.length ? `GROUP BY ${grouped.join(', ')}\nORDER BY ${grouped.join(', ')}` : '',
  ]
    .filter(Boolean)
    .join('\n');
}

/** A spend row as either engine returns it: PostgreSQL gives sums of integers (and bigints) as strings. */
export type SpendSqlRow = Record<string, string | number | null>;

export function toSpendRow(row: SpendSqlRow, by: readonly SpendDimension[]): SpendRow {
  const group: SpendRow['group'] = {};
  for (const dimension of by) group[dimension] = String(row[dimension]);
  const number = (column: string) => Number(row[column] ?? 0);
  return {
    group,
    calls: number('calls'),
    paidCalls: number('paid_calls'),
    cachedCalls: number('cached_calls'),
    localCalls: number('local_calls'),
    usage: {
      inputTokens: number('input_tokens'),
      outputTokens: number('output_tokens'),
      cacheWrite5mTokens: number('cache_write_5m_tokens'),
      cacheWrite1hTokens: number('cache_write_1h_tokens'),
      cacheReadTokens: number('cache_read_tokens'),
    },
    usd: number('usd'),
    strongUsd: number('strong_usd'),
    savedUsd: number('saved_usd'),
    maxLatencyMs: number('max_latency_ms'),
  };
}
