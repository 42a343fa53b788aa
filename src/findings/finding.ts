import { z } from 'zod';
import type { AgentName } from '../plan/tier.js';

export const SEVERITIES = ['blocker', 'warning', 'note'] as const;
export type Severity = (typeof SEVERITIES)[number];

/** What kind of problem a finding is: a fixed list, so reports and evaluations can group by it. */
export const FINDING_CATEGORIES = ['correctness', 'security', 'error-handling', 'concurrency', 'resource-leak', 'performance', 'compatibility', 'data-loss', 'testing', 'other'] as const;
export type FindingCategory = (typeof FINDING_CATEGORIES)[number];

export function severityRank(severity: Severity): number {
  return SEVERITIES.length - SEVERITIES.indexOf(severity);
}

/** One problem an agent reports, pointing at changed lines on the new side. */
export interface Finding {
  agent: AgentName;
  severity: Severity;
  /** What kind of problem; `other` when the model named none it knows. */
  category?: FindingCategory;
  /** 0 to 1: how sure the agent is. */
  confidence: number;
  path: string;
  startLine: number;
  endLine: number;
  title: string;
  explanation: string;
  suggestedFix?: string;
  /**
   * The strong model's check of the finding: `confirmed`; `unverified` when it could not be asked
   * (an outage, the budget); `unjudged` when it answered but gave no verdict on this finding.
   */
  verification?: 'confirmed' | 'unverified' | 'unjudged';
  /** Found by riskgate's own checks rather than a model (hidden characters, injection attempts). */
  deterministic?: boolean;
  /** An unresolved blocker first reported on this earlier head SHA, still on unchanged code. */
  carriedFrom?: string;
}

/** Where findings about the pull request's title or body point: they have no file or line. */
export const PULL_REQUEST_TEXT = '(pull request text)';

// What a model must answer: the schema is sent as the structured-output format and the answer is
// validated against it. Limits keep one answer from flooding a check run. The explanation comes
// before severity and confidence: a model writes in this order and judges better after reasoning.
export const modelFindingsSchema = z.object({
  findings: z
    .array(
      z.object({
        category: z.enum(FINDING_CATEGORIES),
        path: z.string().min(1).max(1000),
        start_line: z.number().int().positive(),
        end_line: z.number().int().positive(),
        title: z.string().min(1).max(200),
        explanation: z.string().max(4000),
        severity: z.enum(SEVERITIES),
        confidence: z.number().min(0).max(1),
        suggested_fix: z.string().max(4000).optional(),
      }),
    )
    .max(50),
  // The content is told it may try to instruct the model; the model says when it did.
  prompt_injection: z.object({
    detected: z.boolean(),
    path: z.string().max(1000).optional(),
    line: z.number().int().positive().optional(),
    quote: z.string().max(500).optional(),
  }),
});

export type ModelFindings = z.infer<typeof modelFindingsSchema>;

export function toFindings(agent: AgentName, answer: ModelFindings): Finding[] {
  return answer.findings.map((f) => ({
    agent,
    severity: f.severity,
    category: f.category,
    confidence: f.confidence,
    path: f.path,
    startLine: Math.min(f.start_line, f.end_line),
    endLine: Math.max(f.start_line, f.end_line),
    title: f.title,
    explanation: f.explanation,
    ...(f.suggested_fix ? { suggestedFix: f.suggested_fix } : {}),
  }));
}
