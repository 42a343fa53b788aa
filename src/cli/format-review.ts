import { verificationLine } from '../report/verification-line.js';
import { findingNotes } from '../report/finding-annotations.js';
import { UNREVIEWABLE_LEAD, type GateVerdict } from '../report/gate-verdict.js';
import type { ReviewPreparation, ReviewReport } from '../run/review-change.js';
import type { AgentRun } from '../run/run-agents.js';
import { formatPlanLine } from './format-score.js';

const usd = (n: number) => `$${n.toFixed(4)}`;
const thousands = (n: number) => n.toLocaleString('en-US');

/** What reading the agent's answer dropped or repaired, under its line. */
function answerLine(run: AgentRun): string {
  if (!run.answerProblems || run.answerProblems.length === 0) return '';
  const what = run.dropped ? `${run.dropped} item(s) of the answer dropped` : 'answer repaired';
  return `\n  ${' '.repeat(9)}${what}: ${run.answerProblems.join('; ')}`;
}

function agentLine(run: AgentRun, label: string = run.agent): string {
  const name = label.padEnd(9);
  if (run.outcome === 'skipped') return `  ${name}skipped         ${run.reason ?? ''}`;
  const outcome = `${run.outcome}${run.fromCache ? ' (cached)' : ''}`.padEnd(16);
  const u = run.usage;
  const tokens = `${thousands(u.inputTokens + u.cacheWrite5mTokens + u.cacheWrite1hTokens)} in, ${thousands(u.cacheReadTokens)} cache read, ${thousands(u.outputTokens)} out`;
  const routed = `${run.fellBackFrom ? `\n  ${' '.repeat(9)}fell back to ${run.model} after ${run.fellBackFrom.join('; ')}` : ''}${run.weakerFallback ? `\n  ${' '.repeat(9)}${run.weakerFallback}: its silence is not a pass` : ''}`;
  const extra = `${run.outcome === 'ok' ? '' : `\n  ${' '.repeat(9)}${run.reason ?? ''}`}${routed}${answerLine(run)}`;
  return `  ${name}${outcome}${(run.model ?? '').padEnd(20)}${tokens}  ${run.local ? 'local' : usd(run.usd)}  ${(run.latencyMs / 1000).toFixed(1)} s${run.retries ? `  ${run.retries} retries` : ''}${extra}`;
}

/** `riskgate review` for people: findings first, then what each agent did and what it cost. */
export function formatReview(report: ReviewReport, verdict: GateVerdict, label: string, configSource: string): string {
  const out = [
    `riskgate review: score ${report.score.score}/100, tier ${report.tier} (${label}; config: ${configSource})`,
    `  why: ${report.tierReasons.join('; ')}`,
    '',
  ];
  if (report.findings.length === 0) out.push('No findings.');
  else {
    out.push(`Findings (${report.findings.length}):`);
    for (const f of report.findings) {
      const where = `${f.path}:${f.startLine}${f.endLine !== f.startLine ? `-${f.endLine}` : ''}`;
      out.push(`  ${f.severity.toUpperCase().padEnd(8)} ${f.agent.padEnd(9)}${where}  ${f.title}  (${findingNotes(f).join(', ')})`);
      out.push(`           ${f.explanation.replace(/\n/g, '\n           ')}`);
      if (f.suggestedFix) out.push(`           fix: ${f.suggestedFix.replace(/\n/g, '\n                ')}`);
    }
  }
  out.push('', 'Agents:', ...report.agents.map((run) => agentLine(run)));
  const verified = verificationLine(report.verification);
  if (verified && report.verification.run) out.push(`  ${verified} (${report.verification.run.model})`, agentLine(report.verification.run, '(verify)'));
  if (report.notReviewed.length > 0) {
    out.push('', `Not shown to the models (${report.notReviewed.length}): ${report.notReviewed.slice(0, 20).map((f) => `${f.path} (${f.reason})`).join(', ')}${report.notReviewed.length > 20 ? ', ...' : ''}`);
  }
  const d = report.dropped;
  const dropped = [
    [d.outsideChanges, 'outside the changed lines'],
    [d.unknownFile, 'on files not in the change'],
    [d.belowConfidence, 'below the confidence floor'],
    [d.overCap, 'over the per-agent cap'],
    [d.duplicates, 'duplicates across agents'],
    [d.rejectedOnCheck, 'rejected by the strong model'],
  ].filter(([n]) => (n as number) > 0);
  if (dropped.length > 0) out.push(`Not reported: ${dropped.map(([n, why]) => `${n} ${why}`).join(', ')}`);
  for (const warning of report.warnings) out.push(`warning: ${warning}`);
  if (report.budgetLimited) out.push("The run's budget stopped further model calls: the findings above are partial.");
  out.push(
    '',
    `Total: ${usd(report.usd)}${report.savedUsd > 0 ? ` (the result cache saved ${usd(report.savedUsd)})` : ''}, cache hit ratio ${(report.cacheHitRatio * 100).toFixed(0)}%, ${(report.wallMs / 1000).toFixed(1)} s`,
    `Verdict: ${verdict.verdict} (${verdict.reasons.join('; ')})`,
    ...(verdict.verdict === 'unreviewable' ? [`${UNREVIEWABLE_LEAD}: the gate fails at every tier, whatever gate.on_error says.`] : []),
  );
  return out.join('\n');
}

/** `riskgate review --dry-run`: the plan, what the models would see, and the estimate. */
export function formatPreparation(prep: ReviewPreparation, label: string, configSource: string): string {
  const out = [
    `riskgate review --dry-run: score ${prep.score.score}/100, tier ${prep.plan.tier} (${label}; config: ${configSource})`,
    `  why: ${prep.plan.reasons.join('; ')}`,
    `  plan: ${formatPlanLine(prep.plan)}`,
    `  prompt: ${prep.packed.files.length} file(s) shown, ${thousands(prep.prefixTokens)} tokens in the shared cached prefix`,
  ];
  if (prep.packed.notReviewed.length > 0) out.push(`  not shown: ${prep.packed.notReviewed.map((f) => `${f.path} (${f.reason})`).join(', ')}`);
  if (prep.context.blocks.length > 0) out.push(`  context shown: ${prep.context.blocks.map((b) => `${b.label} (${thousands(b.tokens)} tokens)`).join(', ')}`);
  if (prep.context.leftOut.length > 0) out.push(`  context left out: ${prep.context.leftOut.map((c) => `${c.label} (${c.reason})`).join(', ')}`);
  if (prep.injection.attempted) out.push('  content addressed to the reviewing model was found: the full tier runs');
  out.push('No model was called.');
  return out.join('\n');
}
