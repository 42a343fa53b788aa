import { plural } from '../report/format-amounts.js';
import { z } from 'zod';
import type { AnswerReading } from '../model/model-port.js';
import { FINDING_CATEGORIES, SEVERITIES, severityRank, type ModelFindings } from './finding.js';

// The bounds of modelFindingsSchema, which the API does not hold the model to: an answer past
// them is read item by item, so one long title or a 51st finding never costs the valid ones.
export const MAX_FINDINGS_PER_ANSWER = 50;
export const MAX_TITLE_CHARS = 200;
export const MAX_EXPLANATION_CHARS = 4000;
export const MAX_QUOTE_CHARS = 500;
// Problems listed one by one; the rest are counted.
const LISTED_PROBLEMS = 10;

// One finding as far as riskgate can use it: the shape must hold (a severity it knows, lines it
// can anchor); lengths are cut and a confidence outside 0..1 is clamped, with a note. A path has
// no upper bound here: it must name a changed file anyway, and a long path is the author's choice.
const findingItem = z.object({
  // A missing or unknown category costs nothing: the finding is filed under `other`.
  category: z.enum(FINDING_CATEGORIES).catch('other'),
  severity: z.enum(SEVERITIES),
  confidence: z.number(),
  path: z.string().min(1),
  start_line: z.number().int().positive(),
  end_line: z.number().int().positive(),
  title: z.string(),
  explanation: z.string(),
  suggested_fix: z.string().optional(),
});

const injectionReport = z.object({ detected: z.boolean(), path: z.unknown().optional(), line: z.unknown().optional(), quote: z.unknown().optional() });

type Item = ModelFindings['findings'][number];

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

function cut(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

/** The first thing wrong with an item, for the report: where and what. */
function firstIssue(error: z.ZodError): string {
  const issue = error.issues[0];
  return issue ? `${issue.path.join('.') || 'the item'}: ${issue.message}` : 'not a finding';
}

/**
 * Reads a model's findings answer item by item (the answer's `read`). Every valid finding is kept;
 * one that cannot be used is dropped and the reason listed. Over the per-answer cap, the most
 * severe are kept, so a blocker never gives way to notes. When the answer was cut off at the
 * output cap, the finding the cut fell in is dropped (its lines may be cut mid-number) unless the
 * list had closed. An unreadable injection report is read as an attempt: content may raise the
 * scrutiny, never lower it. Unusable: not an object, or no findings list (unless cut before it).
 */
export function readModelFindings(answer: unknown, cutOff: boolean): AnswerReading<ModelFindings> | { unusable: string } {
  if (!isObject(answer)) return { unusable: 'the answer is not a JSON object' };
  const problems: string[] = [];
  let dropped = 0;
  let raw = answer.findings;
  if (raw === undefined && cutOff) raw = [];
  if (!Array.isArray(raw)) return { unusable: 'the answer has no findings list' };
  // Properties come in the schema's order: a report after the list means the list was whole.
  const listClosed = !cutOff || 'prompt_injection' in answer;
  let items: unknown[] = raw;
  if (!listClosed && items.length > 0) {
    items = items.slice(0, -1);
    dropped++;
    problems.push(`finding ${raw.length}: the cut fell inside it; dropped`);
  }

  const kept: Item[] = [];
  items.forEach((value, index) => {
    const n = index + 1;
    const parsed = findingItem.safeParse(value);
    if (!parsed.success) {
      dropped++;
      problems.push(`finding ${n}: ${firstIssue(parsed.error)}; dropped`);
      return;
    }
    const item = { ...parsed.data };
    if (item.confidence < 0 || item.confidence > 1) {
      problems.push(`finding ${n}: confidence ${item.confidence} is outside 0..1; clamped`);
      item.confidence = Math.min(1, Math.max(0, item.confidence));
    }
    if (item.title.trim() === '') {
      problems.push(`finding ${n}: no title; one was given`);
      item.title = '(untitled finding)';
    } else if (item.title.length > MAX_TITLE_CHARS) {
      problems.push(`finding ${n}: title of ${item.title.length} characters cut to ${MAX_TITLE_CHARS}`);
      item.title = cut(item.title, MAX_TITLE_CHARS);
    }
    if (item.explanation.length > MAX_EXPLANATION_CHARS) {
      problems.push(`finding ${n}: explanation of ${item.explanation.length} characters cut to ${MAX_EXPLANATION_CHARS}`);
      item.explanation = cut(item.explanation, MAX_EXPLANATION_CHARS);
    }
    if (item.suggested_fix !== undefined && item.suggested_fix.length > MAX_EXPLANATION_CHARS) {
      problems.push(`finding ${n}: suggested fix of ${item.suggested_fix.length} characters cut to ${MAX_EXPLANATION_CHARS}`);
      item.suggested_fix = cut(item.suggested_fix, MAX_EXPLANATION_CHARS);
    }
    kept.push(item);
  });

  // Most severe first (stable within a severity), so the cap drops notes before blockers.
  const ranked = [...kept].sort((a, b) => severityRank(b.severity) - severityRank(a.severity));
  const findings = ranked.slice(0, MAX_FINDINGS_PER_ANSWER);
  if (ranked.length > findings.length) {
    const over = ranked.length - findings.length;
    dropped += over;
    problems.push(`${plural(over, 'finding')} over the ${MAX_FINDINGS_PER_ANSWER}-per-answer cap dropped (the least severe)`);
  }

  let promptInjection: ModelFindings['prompt_injection'];
  const report = injectionReport.safeParse(answer.prompt_injection);
  if (report.success) {
    const { detected, path, line, quote } = report.data;
    promptInjection = {
      detected,
      ...(typeof path === 'string' && path !== '' ? { path } : {}),
      ...(typeof line === 'number' && Number.isInteger(line) && line > 0 ? { line } : {}),
      ...(typeof quote === 'string' && quote !== '' ? { quote: cut(quote, MAX_QUOTE_CHARS) } : {}),
    };
  } else if (cutOff) {
    // Cut before the report: nothing was said either way, and the cut fails the gate already.
    promptInjection = { detected: false };
  } else {
    problems.push('the prompt-injection report is unreadable; read as an attempt');
    promptInjection = { detected: true };
  }

  const listed = problems.length > LISTED_PROBLEMS ? [...problems.slice(0, LISTED_PROBLEMS), `…and ${problems.length - LISTED_PROBLEMS} more`] : problems;
  return { output: { findings, prompt_injection: promptInjection }, dropped, problems: listed };
}
