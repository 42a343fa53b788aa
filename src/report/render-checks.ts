import { PULL_REQUEST_TEXT, SEVERITIES, type Finding } from '../findings/finding.js';
import { usageTokens } from '../plan/estimate-cost.js';
import type { AgentName } from '../plan/tier.js';
import { UNSEEN_REASONS } from '../risk/factors/unseen-content.js';
import { NOT_SHOWN_BECAUSE } from '../run/pack-files.js';
import type { ReviewReport } from '../run/review-change.js';
import type { AgentRun } from '../run/run-agents.js';
import type { CheckConclusion } from './check-conclusion.js';
import type { AgentCheck, GateDecision } from './decide-gate.js';
import { UNREVIEWABLE_LEAD } from './gate-verdict.js';
import { verificationLine } from './verification-line.js';
import { codeSpan, escapeMarkdown } from './escape-markdown.js';
import { annotationsFor, findingNotes, type CheckAnnotation } from './finding-annotations.js';
import { fitCheckText, MAX_CHECK_TEXT_CHARS } from './fit-check-text.js';
import { formatTokens, formatUsd } from './format-amounts.js';
import { encodeGateState, type GateState, type StateSeal } from './gate-state.js';

export const UMBRELLA_CHECK = 'riskgate';
export const agentCheckName = (agent: AgentName) => `riskgate / ${agent}`;

/** A button on a check run; GitHub sends `check_run.requested_action` with its identifier. */
export interface CheckAction {
  label: string;
  description: string;
  identifier: string;
}

// Labels at most 20 characters, descriptions 40, identifiers 20 (the Checks API's limits).
export const RUN_FULL_ACTION: CheckAction = { label: 'Run full gates', description: 'Run every agent on the strong model', identifier: 'run-full' };

export interface RenderedCheck {
  name: string;
  conclusion: CheckConclusion;
  title: string;
  summary: string;
  text?: string;
  annotations: CheckAnnotation[];
  actions: CheckAction[];
}

export interface RenderedGate {
  umbrella: RenderedCheck;
  agents: RenderedCheck[];
}

export interface RenderContext {
  headSha: string;
  configSource: string;
  /** Earlier blockers whose code has since changed. */
  resolvedBlockers: number;
  /** The App can take a button press; the Action cannot (its checks belong to GitHub Actions). */
  offerFullRun: boolean;
  state: GateState;
  /** Signs the state (the App); absent, it is written unsigned (the Action). */
  seal?: StateSeal;
}

// The umbrella lists this many factors and files; the rest are counted (JSON output has all).
const SHOWN_FACTORS = 25;
const SHOWN_EVIDENCE = 3;
const SHOWN_NOT_REVIEWED = 50;

const OUTCOME_LABEL: Record<AgentRun['outcome'], string> = {
  ok: 'ok',
  timed_out: 'timed out',
  failed: 'failed',
  budget_limited: 'stopped by budget',
  skipped: 'skipped',
  unavailable: 'not run',
  unreviewable: 'failed on this change',
};

/** What reading an agent's answer dropped or repaired, for its check and the umbrella. */
function answerNote(run: AgentRun): string | undefined {
  if (!run.answerProblems || run.answerProblems.length === 0) return undefined;
  const dropped = run.dropped ? `${run.dropped} item(s) of the answer could not be used and were dropped` : 'parts of the answer were repaired';
  return `${dropped}: ${run.answerProblems.join('; ')}`;
}

/** Why a change that made riskgate fail is a failure whatever the policy. */
export const UNREVIEWABLE_EXPLAINED = `**${UNREVIEWABLE_LEAD}**, so this check fails at every tier whatever \`gate.on_error\` says: that setting forgives outages, and a pull request must not be able to choose its way into it.`;

const lines = (n: number, m: number) => (n === m ? `${n}` : `${n}-${m}`);

function findingLine(f: Finding): string {
  const where = f.path === PULL_REQUEST_TEXT ? 'pull request text' : `${codeSpan(f.path)} line ${lines(f.startLine, f.endLine)}`;
  return `- **${f.severity}** ${where}: ${escapeMarkdown(f.title)} _(${escapeMarkdown([`${f.agent} agent`, ...findingNotes(f)].join('; '))})_`;
}

function findingDetail(f: Finding): string {
  const fix = f.suggestedFix ? `\n\n  Suggested fix: ${escapeMarkdown(f.suggestedFix)}` : '';
  return `${findingLine(f)}\n\n  ${escapeMarkdown(f.explanation)}${fix}`;
}

function bySeverity(findings: readonly Finding[]): Finding[] {
  return [...findings].sort((a, b) => SEVERITIES.indexOf(a.severity) - SEVERITIES.indexOf(b.severity));
}

function countLine(findings: readonly Finding[]): string {
  if (findings.length === 0) return 'no findings';
  const counts = SEVERITIES.map((s) => [s, findings.filter((f) => f.severity === s).length] as const).filter(([, n]) => n > 0);
  return `${findings.length} finding(s): ${counts.map(([s, n]) => `${n} ${s}`).join(', ')}`;
}

function agentRow(run: AgentRun, label: string = run.agent): string {
  const u = run.usage;
  const tokens = run.outcome === 'skipped' || run.fromCache ? '–' : `${formatTokens(u.inputTokens + u.cacheWrite5mTokens + u.cacheWrite1hTokens)} / ${formatTokens(u.cacheReadTokens)} / ${formatTokens(u.outputTokens)}`;
  const outcome = `${OUTCOME_LABEL[run.outcome]}${run.fromCache ? ' (result cache)' : ''}`;
  const cost = run.fromCache ? `${formatUsd(0)} (saved ${formatUsd(run.savedUsd)})` : formatUsd(run.usd);
  return `| ${label} | ${outcome} | ${run.model ? codeSpan(run.model) : '–'} | ${tokens} | ${run.findings.length} | ${cost} |`;
}

function factorsTable(report: ReviewReport): string[] {
  const factors = report.score.factors;
  if (factors.length === 0) return ['No risk factors.'];
  const floorOf = new Map(report.score.floors.map((f) => [f.factor, f.tier]));
  const rows = factors.slice(0, SHOWN_FACTORS).map((f) => {
    const evidence = f.evidence.slice(0, SHOWN_EVIDENCE).map((e) => codeSpan(e.line !== undefined ? `${e.path}:${e.line}` : e.path)).join(', ');
    const floor = floorOf.get(f.id);
    return `| ${f.points > 0 ? `+${f.points}` : f.points} | ${codeSpan(f.id)} | ${escapeMarkdown(f.reason)}${floor ? ` **(tier floor: ${floor})**` : ''} | ${evidence || '–'} |`;
  });
  const more = factors.length > SHOWN_FACTORS ? [`\n…and ${factors.length - SHOWN_FACTORS} more factor(s).`] : [];
  return ['| points | factor | reason | evidence |', '|---:|---|---|---|', ...rows, ...more];
}

/** Which calibrated model scored the change, when one did: its factors are the `model.*` rows. */
function modelLine(report: ReviewReport): string[] {
  const model = report.score.model;
  if (!model) return [];
  const commits = `${model.trainingCommits} commit${model.trainingCommits === 1 ? '' : 's'}`;
  return [
    `Scored by the calibrated model (${codeSpan(model.path)}, ${commits}, ${model.inputs} features; made ${model.createdAt.slice(0, 10)} from history up to ${codeSpan(model.head.slice(0, 7))}): its \`model.*\` factors stand in for size, spread, file kinds and tests; the security, sensitive-path, unseen-content and hidden-text factors add on top.`,
    '',
  ];
}

function notAnalysed(report: ReviewReport): string[] {
  const unseen = report.score.unseen.map((u) => `- ${codeSpan(u.path)}: ${UNSEEN_REASONS[u.reason]}`);
  const notShown = report.notReviewed.filter((n) => !report.score.unseen.some((u) => u.path === n.path)).map((n) => `- ${codeSpan(n.path)}: not shown to the models (${NOT_SHOWN_BECAUSE[n.reason] ?? n.reason})`);
  const all = [...unseen, ...notShown];
  const { unlistedFiles, files } = report.score;
  if (all.length === 0 && unlistedFiles === 0) return [];
  return [
    '',
    `### Files not analysed (${all.length})`,
    ...(unlistedFiles > 0 ? [`**GitHub listed ${files.length} of the pull request's ${files.length + unlistedFiles} changed files; the other ${unlistedFiles} were not seen.**`] : []),
    ...all.slice(0, SHOWN_NOT_REVIEWED),
    ...(all.length > SHOWN_NOT_REVIEWED ? [`- …and ${all.length - SHOWN_NOT_REVIEWED} more`] : []),
  ];
}

function umbrellaTitle(report: ReviewReport, decision: GateDecision): string {
  const head = `Risk ${report.score.score}/100, ${report.tier} tier`;
  if (decision.verdict.verdict === 'error') return `${head}: could not finish (${decision.conclusion})`;
  if (decision.verdict.verdict === 'unreviewable') return `${head}: the change made riskgate fail (${decision.conclusion})`;
  return `${head}: ${countLine(decision.findings)}`;
}

function renderUmbrella(report: ReviewReport, decision: GateDecision, context: RenderContext): RenderedCheck {
  const verification = report.verification.run ? [agentRow(report.verification.run, 'verify')] : [];
  const verified = verificationLine(report.verification);
  const carried = decision.findings.filter((f) => f.carriedFrom);
  const prText = decision.findings.filter((f) => f.path === PULL_REQUEST_TEXT);
  const summary = [
    `**${decision.conclusion}**: ${escapeMarkdown(decision.verdict.reasons.join('; '))}`,
    ...(decision.verdict.verdict === 'unreviewable' ? ['', UNREVIEWABLE_EXPLAINED] : []),
    '',
    `Risk score **${report.score.score}/100**, **${report.tier}** tier: ${escapeMarkdown(report.tierReasons.join('; '))}.`,
    ...(report.injectionAttempted ? ['', '**Content in this pull request tried to instruct the reviewing models.** It was treated as data and the full tier ran; see the security check.'] : []),
    ...(report.budgetLimited ? ['', "**The run's budget stopped further model calls: the findings are partial.**"] : []),
    '',
    '### Risk factors',
    ...modelLine(report),
    ...factorsTable(report),
    ...notAnalysed(report),
    '',
    '### Agents',
    '| agent | outcome | model | tokens in / cache read / out | findings | cost |',
    '|---|---|---|---|---:|---:|',
    ...report.agents.map((run) => agentRow(run)),
    ...verification,
    `| **total** | | | ${formatTokens(usageTokens(report.usage))} | ${decision.findings.length} | **${formatUsd(report.usd)}** |`,
    '',
    ...(verified ? [`Findings ${escapeMarkdown(verified)}.`, ''] : []),
    `Prompt cache hit ratio ${(report.cacheHitRatio * 100).toFixed(0)}%${report.savedUsd > 0 ? `; the result cache saved ${formatUsd(report.savedUsd)}` : ''}; ${(report.wallMs / 1000).toFixed(1)} s.`,
    ...report.agents.filter((r) => r.outcome !== 'ok' && r.outcome !== 'skipped').map((r) => `- ${r.agent}: ${OUTCOME_LABEL[r.outcome]}: ${escapeMarkdown(r.reason ?? '')}`),
    ...[...report.agents.map((r) => [r.agent, r] as const), ...(report.verification.run ? [['verify', report.verification.run] as const] : [])].flatMap(([label, r]) => {
      const note = answerNote(r);
      return note ? [`- ${label}: ${escapeMarkdown(note)}`] : [];
    }),
    ...(carried.length > 0 || context.resolvedBlockers > 0
      ? ['', `### Blockers from earlier commits`, `${carried.length} still open (their lines are unchanged), ${context.resolvedBlockers} resolved (their lines changed).`, ...carried.map(findingLine)]
      : []),
    ...(prText.length > 0 ? ['', '### On the pull request text', ...prText.map(findingDetail)] : []),
    ...report.warnings.map((w) => `\n> warning: ${escapeMarkdown(w)}`),
    '',
    `<sub>Head ${codeSpan(context.headSha.slice(0, 7))}, config ${escapeMarkdown(context.configSource)}.${context.offerFullRun ? ' A maintainer can comment `/gates full` to run every agent on the strong model, or `/gates help`.' : ''}</sub>`,
  ].join('\n');
  const stateMarker = encodeGateState(context.state, context.seal);
  const details = decision.findings.length > 0 ? ['## All findings', ...bySeverity(decision.findings).map(findingDetail)].join('\n\n') : 'No findings.';
  return {
    name: UMBRELLA_CHECK,
    conclusion: decision.conclusion,
    title: umbrellaTitle(report, decision),
    summary: fitCheckText(summary),
    // The state goes last and is never cut: the next run on this PR reads it.
    text: `${fitCheckText(details, MAX_CHECK_TEXT_CHARS - stateMarker.length - 2)}\n\n${stateMarker}`,
    annotations: [],
    actions: context.offerFullRun && report.tier !== 'full' ? [RUN_FULL_ACTION] : [],
  };
}

function renderAgent(check: AgentCheck, report: ReviewReport, context: RenderContext): RenderedCheck {
  const { run } = check;
  const name = agentCheckName(check.agent);
  if (check.conclusion === 'skipped') {
    const how = context.offerFullRun ? 'Press **Run full gates** above, or comment `/gates full`,' : 'Comment `/gates full` (with the riskgate App) or set the `tier` input';
    return {
      name,
      conclusion: 'skipped',
      title: `Not needed at the ${report.tier} tier`,
      summary: `The ${report.tier} tier (risk ${report.score.score}/100: ${escapeMarkdown(report.tierReasons.join('; '))}) does not call for the ${check.agent} agent. ${how} to run every agent on the strong model.`,
      annotations: [],
      actions: context.offerFullRun ? [RUN_FULL_ACTION] : [],
    };
  }
  const trouble = run.outcome !== 'ok' ? `**${OUTCOME_LABEL[run.outcome]}**: ${escapeMarkdown(run.reason ?? '')}\n\n` : '';
  const note = answerNote(run);
  const where = run.model ? ` on ${codeSpan(run.model)}` : '';
  const cost = run.fromCache ? `answered from the result cache (saved ${formatUsd(run.savedUsd)})` : `${formatUsd(run.usd)}, ${(run.latencyMs / 1000).toFixed(1)} s${run.retries ? `, ${run.retries} retries` : ''}`;
  const summary = [
    `${trouble}**${check.conclusion}**: ${escapeMarkdown(check.verdict.reasons.join('; '))}. The ${check.agent} agent${where} at the ${report.tier} tier: ${cost}.`,
    ...(note ? [`_${escapeMarkdown(note)}._`] : []),
    ...(check.findings.length > 0 ? bySeverity(check.findings).map(findingDetail) : ['No findings.']),
  ].join('\n\n');
  return {
    name,
    conclusion: check.conclusion,
    title: run.outcome === 'ok' ? countLine(check.findings) : `${OUTCOME_LABEL[run.outcome]}; ${countLine(check.findings)}`,
    summary: fitCheckText(summary),
    annotations: annotationsFor(bySeverity(check.findings)),
    actions: [],
  };
}

/** The umbrella check and one check per agent, ready to publish. */
export function renderChecks(report: ReviewReport, decision: GateDecision, context: RenderContext): RenderedGate {
  return {
    umbrella: renderUmbrella(report, decision, context),
    agents: decision.agents.map((check) => renderAgent(check, report, context)),
  };
}
