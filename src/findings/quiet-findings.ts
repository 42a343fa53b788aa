import type { AgentName } from '../plan/tier.js';
import { severityRank, type Finding } from './finding.js';

export interface QuietPolicy {
  /** Findings below this confidence are not reported. */
  minConfidence: number;
  /** At most this many findings per agent, the most severe and confident first. */
  maxPerAgent: number;
}

export interface QuietedFindings {
  findings: Finding[];
  belowConfidence: number;
  overCap: Partial<Record<AgentName, number>>;
  duplicates: number;
}

const byWeight = (a: Finding, b: Finding) => severityRank(b.severity) - severityRank(a.severity) || b.confidence - a.confidence;

const words = (title: string) => new Set(title.toLowerCase().match(/[a-z0-9]+/g) ?? []);

/** Two findings say the same thing: same file, overlapping lines, titles sharing most words. */
function sameProblem(a: Finding, b: Finding): boolean {
  if (a.path !== b.path || a.startLine > b.endLine || b.startLine > a.endLine) return false;
  const wa = words(a.title);
  const wb = words(b.title);
  const shared = [...wa].filter((w) => wb.has(w)).length;
  return shared / Math.max(1, Math.min(wa.size, wb.size)) >= 0.5;
}

/** Bias to silence: a confidence floor, a cap per agent, and one finding per problem across agents. */
export function quietFindings(findings: readonly Finding[], policy: QuietPolicy): QuietedFindings {
  const confident = findings.filter((f) => f.confidence >= policy.minConfidence);
  const result: QuietedFindings = { findings: [], belowConfidence: findings.length - confident.length, overCap: {}, duplicates: 0 };
  const perAgent = new Map<AgentName, number>();
  for (const finding of [...confident].sort(byWeight)) {
    if (result.findings.some((kept) => sameProblem(kept, finding))) {
      result.duplicates++;
      continue;
    }
    const count = perAgent.get(finding.agent) ?? 0;
    if (count >= policy.maxPerAgent) {
      result.overCap[finding.agent] = (result.overCap[finding.agent] ?? 0) + 1;
      continue;
    }
    perAgent.set(finding.agent, count + 1);
    result.findings.push(finding);
  }
  return result;
}
