import { verificationLine } from '../report/verification-line.js';
import { formatUsd as usd, plural } from '../report/format-amounts.js';
import { findingNotes } from '../report/finding-annotations.js';
import { UNREVIEWABLE_LEAD, type GateVerdict } from '../report/gate-verdict.js';
import type { ReviewPreparation, ReviewReport } from '../run/review-change.js';
import type { AgentRun } from '../run/run-agents.js';
import { formatPlanLine } from './format-score.js';
import { escapeControl, escapeLine, hanging, paint, paintSeverity, paintTier, paintVerdict, PLAIN_TERMINAL, table, type Column, type Terminal } from './terminal.js';

const thousands = (n: number) => n.toLocaleString('en-US');

// Agents table: name, outcome, model, tokens (wraps), dollars, seconds.
const AGENT_COLUMNS = (term: Terminal): Column[] => [
  { width: 9 },
  { width: 16, paint: (padded, raw) => (raw.startsWith('ok') || raw === 'skipped' ? padded : paintSeverity(term, 'blocker', padded)) },
  { width: 18 },
  {},
  { width: 9, align: 'right' },
  { width: 7, align: 'right' },
];
const NOTE_INDENT = 13;

function agentRows(run: AgentRun, term: Terminal, label: string = run.agent): string[] {
  const columns = AGENT_COLUMNS(term);
  if (run.outcome === 'skipped') return table([{ width: 9 }, { width: 16 }, {}], [[label, 'skipped', escapeLine(run.reason ?? '')]], term.width);
  const outcome = `${run.outcome}${run.fromCache ? ' (cached)' : ''}`;
  const u = run.usage;
  const tokens = `${thousands(u.inputTokens + u.cacheWrite5mTokens + u.cacheWrite1hTokens)} in, ${thousands(u.cacheReadTokens)} cache read, ${thousands(u.outputTokens)} out${run.retries ? `, ${run.retries} retries` : ''}`;
  const out = table(columns, [[label, outcome, run.model ?? '', tokens, run.local ? 'local' : usd(run.usd), `${(run.latencyMs / 1000).toFixed(1)} s`]], term.width);
  if (run.outcome !== 'ok' && run.reason) out.push(...hanging(escapeLine(run.reason), term.width, NOTE_INDENT));
  if (run.fellBackFrom) out.push(...hanging(`fell back to ${run.model} after ${escapeLine(run.fellBackFrom.join('; '))}`, term.width, NOTE_INDENT));
  if (run.weakerFallback) out.push(...hanging(`${escapeLine(run.weakerFallback)}: its silence is not a pass`, term.width, NOTE_INDENT));
  if (run.answerProblems && run.answerProblems.length > 0) {
    const what = run.dropped ? `${plural(run.dropped, 'item')} of the answer dropped` : 'answer repaired';
    out.push(...hanging(`${what}: ${escapeLine(run.answerProblems.join('; '))}`, term.width, NOTE_INDENT));
  }
  return out;
}

/** `riskgate review` for people: findings first, then what each agent did and what it cost. */
export function formatReview(report: ReviewReport, verdict: GateVerdict, label: string, configSource: string, term: Terminal = PLAIN_TERMINAL): string {
  const out: string[] = [];
  const wrap = (text: string, indent: number, hang = indent) => out.push(...hanging(text, term.width, indent, hang));
  wrap(`riskgate review: score ${report.score.score}/100, tier ${report.tier} (${escapeLine(label)}; config: ${escapeLine(configSource)})`, 0, 4);
  if (term.colour) out[0] = out[0]!.replace(`tier ${report.tier}`, `tier ${paintTier(term, report.tier)}`);
  wrap(`why: ${escapeLine(report.tierReasons.join('; '))}`, 2, 7);
  out.push('');
  if (report.findings.length === 0) out.push('No findings.');
  else {
    out.push(`Findings (${report.findings.length}):`);
    for (const f of report.findings) {
      const where = `${f.path}:${f.startLine}${f.endLine !== f.startLine ? `-${f.endLine}` : ''}`;
      const head = hanging(`${f.agent.padEnd(9)}${escapeLine(where)}  ${escapeLine(f.title)}  (${findingNotes(f).join(', ')})`, term.width, 0, 11);
      out.push(`  ${paintSeverity(term, f.severity, f.severity.toUpperCase().padEnd(8))} ${head[0]}`, ...head.slice(1));
      wrap(escapeControl(f.explanation), 11);
      if (f.suggestedFix) wrap(`fix: ${escapeControl(f.suggestedFix)}`, 11, 16);
    }
  }
  out.push('', 'Agents:', ...report.agents.flatMap((run) => agentRows(run, term)));
  const verified = verificationLine(report.verification);
  if (verified && report.verification.run) {
    wrap(`${verified} (${report.verification.run.model})`, 2, 4);
    out.push(...agentRows(report.verification.run, term, '(verify)'));
  }
  if (report.notReviewed.length > 0) {
    out.push('');
    const shown = report.notReviewed.slice(0, 20).map((f) => `${escapeLine(f.path)} (${f.reason})`).join(', ');
    wrap(`Not shown to the models (${report.notReviewed.length}): ${shown}${report.notReviewed.length > 20 ? `, and ${report.notReviewed.length - 20} more` : ''}`, 0, 2);
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
  if (dropped.length > 0) wrap(`Not reported: ${dropped.map(([n, why]) => `${n} ${why}`).join(', ')}`, 0, 2);
  for (const warning of report.warnings) wrap(`${paint(term, 'yellow', 'warning')}: ${escapeLine(warning)}`, 0, 2);
  if (report.budgetLimited) out.push("The run's budget stopped further model calls: the findings above are partial.");
  out.push('');
  wrap(`Total: ${usd(report.usd)}${report.savedUsd > 0 ? ` (the result cache saved ${usd(report.savedUsd)})` : ''}, cache hit ratio ${(report.cacheHitRatio * 100).toFixed(0)}%, ${(report.wallMs / 1000).toFixed(1)} s`, 0, 2);
  const verdictLines = hanging(`Verdict: ${verdict.verdict} (${escapeLine(verdict.reasons.join('; '))})`, term.width, 0, 2);
  verdictLines[0] = verdictLines[0]!.replace(`Verdict: ${verdict.verdict}`, `Verdict: ${paintVerdict(term, verdict.verdict)}`);
  out.push(...verdictLines);
  if (verdict.verdict === 'unreviewable') wrap(`${UNREVIEWABLE_LEAD}: the gate fails at every tier, whatever gate.on_error says.`, 0, 2);
  return out.join('\n');
}

/** `riskgate review --dry-run`: the plan, what the models would see, and the estimate. */
export function formatPreparation(prep: ReviewPreparation, label: string, configSource: string, term: Terminal = PLAIN_TERMINAL): string {
  const out: string[] = [];
  const wrap = (text: string, indent: number, hang = indent) => out.push(...hanging(text, term.width, indent, hang));
  wrap(`riskgate review --dry-run: score ${prep.score.score}/100, tier ${prep.plan.tier} (${escapeLine(label)}; config: ${escapeLine(configSource)})`, 0, 4);
  if (term.colour) out[0] = out[0]!.replace(`tier ${prep.plan.tier}`, `tier ${paintTier(term, prep.plan.tier)}`);
  wrap(`why: ${escapeLine(prep.plan.reasons.join('; '))}`, 2, 7);
  wrap(`plan: ${formatPlanLine(prep.plan)}`, 2, 8);
  wrap(`prompt: ${plural(prep.packed.files.length, 'file')} shown, ${thousands(prep.prefixTokens)} tokens in the shared cached prefix`, 2, 10);
  if (prep.packed.notReviewed.length > 0) wrap(`not shown: ${prep.packed.notReviewed.map((f) => `${escapeLine(f.path)} (${f.reason})`).join(', ')}`, 2, 4);
  if (prep.context.blocks.length > 0) wrap(`context shown: ${prep.context.blocks.map((b) => `${escapeLine(b.label)} (${thousands(b.tokens)} tokens)`).join(', ')}`, 2, 4);
  if (prep.context.leftOut.length > 0) wrap(`context left out: ${prep.context.leftOut.map((c) => `${escapeLine(c.label)} (${c.reason})`).join(', ')}`, 2, 4);
  if (prep.injection.attempted) out.push('  content addressed to the reviewing model was found: the full tier runs');
  out.push('No model was called.');
  return out.join('\n');
}
