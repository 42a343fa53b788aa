import type { Finding } from '../findings/finding.js';
import type { AgentRun } from '../run/run-agents.js';

/** One finding an agent raised that the gate reports under another agent's name (the same problem). */
export interface MergedFinding {
  raised: Finding;
  into: Finding;
}

/**
 * What became of one agent's findings: `own` are reported under its name (with riskgate's own
 * checks and carried blockers attributed to it), `merged` were the same problem as another agent's
 * and are reported once, there; `notReported` counts the rest (below the confidence floor, over the
 * per-agent cap, outside the changed lines, or rejected by the verifier).
 */
export interface AgentFindings {
  own: Finding[];
  merged: MergedFinding[];
  notReported: number;
}

const words = (title: string) => new Set(title.toLowerCase().match(/[a-z0-9]+/g) ?? []);

// The rule quietFindings deduplicates by: same file, overlapping lines, titles sharing most words.
function sameProblem(a: Finding, b: Finding): boolean {
  if (a.path !== b.path || a.startLine > b.endLine || b.startLine > a.endLine) return false;
  const wa = words(a.title);
  const wb = words(b.title);
  const shared = [...wa].filter((w) => wb.has(w)).length;
  return shared / Math.max(1, Math.min(wa.size, wb.size)) >= 0.5;
}

/** Splits what an agent raised into reported under its name, merged into another's, and not reported. */
export function agentFindings(run: Pick<AgentRun, 'agent' | 'findings'>, reported: readonly Finding[]): AgentFindings {
  const own = reported.filter((f) => f.agent === run.agent);
  const merged: MergedFinding[] = [];
  let notReported = 0;
  for (const raised of run.findings) {
    if (own.some((f) => f.path === raised.path && f.title === raised.title) || own.some((f) => sameProblem(f, raised))) continue;
    const into = reported.find((f) => f.agent !== run.agent && sameProblem(f, raised));
    if (into) merged.push({ raised, into });
    else notReported++;
  }
  return { own, merged, notReported };
}
