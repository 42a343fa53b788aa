import { PULL_REQUEST_TEXT, SEVERITIES, type Finding, type Severity } from '../findings/finding.js';
import { usageCostUsd, usageTokens } from '../plan/estimate-cost.js';
import type { ModelPrice } from '../plan/prices.js';
import { AGENTS, type AgentName } from '../plan/tier.js';
import { UNSEEN_REASONS } from '../risk/factors/unseen-content.js';
import { NOT_SHOWN_BECAUSE } from '../run/pack-files.js';
import type { ReviewReport } from '../run/review-change.js';
import type { ScoreResult } from '../run/score-change.js';
import type { AgentRun } from '../run/run-agents.js';
import type { CheckConclusion } from './check-conclusion.js';
import type { AgentCheck, GateDecision } from './decide-gate.js';
import { UNREVIEWABLE_LEAD } from './gate-verdict.js';
import { verificationLine } from './verification-line.js';
import { codeSpan, escapeMarkdown } from './escape-markdown.js';
import { annotationsFor, findingNotes, type CheckAnnotation } from './finding-annotations.js';
import { fitCheckText, MAX_CHECK_TEXT_CHARS } from './fit-check-text.js';
import { formatTokens, formatUsd, plural } from './format-amounts.js';
import { encodeGateState, type GateState, type StateSeal } from './gate-state.js';
import { tierWhy } from './tier-why.js';

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

/** What an in-progress check shows: known in milliseconds, before any model answers. */
export interface RunningOutput {
  title: string;
  summary: string;
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
  /** `owner/repo`: findings link to their line in the file at the head. Absent, they are not links. */
  repository?: string;
  /** The strong model and its price: the cost line says what the run would cost all on it. */
  strong?: { model: string; price: ModelPrice };
}

// The umbrella lists this many findings, factors and files; the rest are counted (JSON output has all).
const SHOWN_FINDINGS = 30;
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
  const dropped = run.dropped ? `${plural(run.dropped, 'item')} of the answer could not be used and ${run.dropped === 1 ? 'was' : 'were'} dropped` : 'parts of the answer were repaired';
  return `${dropped}: ${run.answerProblems.join('; ')}`;
}

/** Why a change that made riskgate fail is a failure whatever the policy. */
export const UNREVIEWABLE_EXPLAINED = `**${UNREVIEWABLE_LEAD}**, so this check fails at every tier whatever \`gate.on_error\` says: that setting forgives outages, and a pull request must not be able to choose its way into it.`;

const lines = (n: number, m: number) => (n === m ? `${n}` : `${n}-${m}`);

// encodeURIComponent leaves `!'()*`: a `)` would end the Markdown link early.
const encodeSegment = (segment: string) => encodeURIComponent(segment).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);

/** `path:line`, in code font, linked to the line in the file at the head when the repository is known. */
function where(f: Finding, context: Pick<RenderContext, 'repository' | 'headSha'>): string {
  if (f.path === PULL_REQUEST_TEXT) return 'pull request text';
  const label = codeSpan(`${f.path}:${lines(f.startLine, f.endLine)}`);
  if (!context.repository) return label;
  // Root-relative: the same link on github.com and on GitHub Enterprise Server.
  const repository = context.repository.split('/').map(encodeSegment).join('/');
  const anchor = f.startLine === f.endLine ? `#L${f.startLine}` : `#L${f.startLine}-L${f.endLine}`;
  return `[${label}](/${repository}/blob/${context.headSha}/${f.path.split('/').map(encodeSegment).join('/')}${anchor})`;
}

/** What the umbrella and the agent checks need to say about findings. */
interface FindingView {
  context: Pick<RenderContext, 'repository' | 'headSha'>;
  /** Other agents that raised the same problem, by the finding reported. */
  alsoRaisedBy: Map<Finding, AgentName[]>;
}

function findingLine(f: Finding, view: FindingView): string {
  const also = view.alsoRaisedBy.get(f);
  const notes = [`${f.agent} agent`, ...(also ? [`also raised by ${also.join(' and ')}`] : []), ...findingNotes(f)];
  return `- **${f.severity}** ${where(f, view.context)}: ${escapeMarkdown(f.title)} _(${escapeMarkdown(notes.join('; '))})_`;
}

function findingDetail(f: Finding, view: FindingView): string {
  const fix = f.suggestedFix ? `\n\n  Suggested fix: ${escapeMarkdown(f.suggestedFix)}` : '';
  return `${findingLine(f, view)}\n\n  ${escapeMarkdown(f.explanation)}${fix}`;
}

function bySeverity(findings: readonly Finding[]): Finding[] {
  return [...findings].sort((a, b) => SEVERITIES.indexOf(a.severity) - SEVERITIES.indexOf(b.severity));
}

const severityCount = (findings: readonly Finding[], severity: Severity) => findings.filter((f) => f.severity === severity).length;

function countLine(findings: readonly Finding[]): string {
  if (findings.length === 0) return 'no findings';
  const counts = SEVERITIES.map((s) => [s, severityCount(findings, s)] as const).filter(([, n]) => n > 0);
  return `${plural(findings.length, 'finding')}: ${counts.map(([s, n]) => `${n} ${s}`).join(', ')}`;
}

/** Every run that spent or could have spent: the agents and the strong model's verification. */
const runsOf = (report: ReviewReport): AgentRun[] => [...report.agents, ...(report.verification.run ? [report.verification.run] : [])];

/** A call was sent (paid or cut off): not skipped, not refused before sending, not a cache hit. */
const called = (run: AgentRun) => !run.fromCache && run.outcome !== 'skipped' && run.outcome !== 'unavailable' && (usageTokens(run.usage) > 0 || run.usd > 0);

/** One line of cost: what the run spent, on how many calls, and what it would have cost all on the strong model. */
export function costLine(report: ReviewReport, strong?: RenderContext['strong']): string {
  const runs = runsOf(report);
  const calls = runs.filter(called);
  const cached = runs.filter((r) => r.fromCache);
  const saved = cached.length > 0 ? `; ${plural(cached.length, 'answer')} from the result cache saved ${formatUsd(report.savedUsd)}` : '';
  if (calls.length === 0) return `**${formatUsd(report.usd)}**: no model calls${saved}.`;
  let allStrong = '';
  if (strong) {
    allStrong = calls.every((r) => r.model === strong.model)
      ? '; all on the strong model already'
      : `; all on the strong model: ${formatUsd(calls.reduce((sum, r) => sum + usageCostUsd(strong.price, r.usage), 0))}`;
  }
  return `**${formatUsd(report.usd)}** for ${plural(calls.length, 'model call')}${allStrong}${saved}.`;
}

/** Why this tier, from a finished report or from the score alone (while running). */
const whyOf = (score: ScoreResult, tier: ReviewReport['tier'], reasons: readonly string[]) => tierWhy({ score: score.score, tier, factors: score.factors, reasons });

function agentRow(check: AgentCheck | undefined, run: AgentRun, label: string = run.agent): string {
  const u = run.usage;
  // Nothing was sent: no tokens and no cost to show, not zeros.
  const sent = run.outcome !== 'skipped' && run.outcome !== 'unavailable';
  const quiet = !sent || run.fromCache;
  const tokens = quiet ? '–' : `${formatTokens(u.inputTokens + u.cacheWrite5mTokens + u.cacheWrite1hTokens)} / ${formatTokens(u.cacheReadTokens)} / ${formatTokens(u.outputTokens)}`;
  const outcome = `${OUTCOME_LABEL[run.outcome]}${run.fromCache ? ' (result cache)' : ''}`;
  const cost = !sent ? '–' : run.fromCache ? `${formatUsd(0)} (saved ${formatUsd(run.savedUsd)})` : formatUsd(run.usd);
  // Reported under this agent's name; what it raised that another agent's finding stands for is named, not added.
  let findings = '–';
  if (check) {
    const into = [...new Set(check.merged.map((m) => m.into.agent))];
    findings = `${check.findings.length}${check.merged.length > 0 ? ` (+${check.merged.length} merged into ${into.join(' and ')})` : ''}`;
  }
  return `| ${label} | ${outcome} | ${run.model ? codeSpan(run.model) : '–'} | ${tokens} | ${findings} | ${cost} |`;
}

/** What the strong model's verification did, in the words its result allows. */
function verifiedLine(report: ReviewReport): string[] {
  const line = verificationLine(report.verification);
  if (!line) return [];
  const on = report.verification.run?.model ? ` on ${codeSpan(report.verification.run.model)}` : '';
  return [`Verification${on}: ${escapeMarkdown(line)}.`];
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
  const more = factors.length > SHOWN_FACTORS ? [`\n…and ${plural(factors.length - SHOWN_FACTORS, 'more factor')}.`] : [];
  return ['| points | factor | reason | evidence |', '|---:|---|---|---|', ...rows, ...more];
}

/** Which calibrated model scored the change, when one did: its factors are the `model.*` rows. */
function modelLine(report: ReviewReport): string[] {
  const model = report.score.model;
  if (!model) return [];
  return [
    `Scored by the calibrated model (${codeSpan(model.path)}, ${plural(model.trainingCommits, 'commit')}, ${model.inputs} features; made ${model.createdAt.slice(0, 10)} from history up to ${codeSpan(model.head.slice(0, 7))}): its \`model.*\` factors stand in for size, spread, file kinds and tests; the security, sensitive-path, unseen-content and hidden-text factors add on top.`,
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
    `**Files not analysed (${all.length})**`,
    '',
    ...(unlistedFiles > 0 ? [`**GitHub listed ${files.length} of the pull request's ${plural(files.length + unlistedFiles, 'changed file')}; the other ${unlistedFiles} were not seen.**`] : []),
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

/** The findings the umbrella leads with: blockers and warnings, most severe first; notes are counted. */
function leadFindings(decision: GateDecision, view: FindingView, resolvedBlockers: number): string[] {
  const all = decision.findings;
  if (all.length === 0) return [resolvedBlockers > 0 ? `No findings; ${plural(resolvedBlockers, 'earlier blocker')} resolved (their lines changed).` : 'No findings.'];
  const shown = bySeverity(all.filter((f) => f.severity !== 'note'));
  const notes = severityCount(all, 'note');
  const counts = SEVERITIES.map((s) => [s, severityCount(all, s)] as const).filter(([, n]) => n > 0);
  const carried = all.filter((f) => f.carriedFrom).length;
  return [
    `### ${counts.map(([s, n]) => plural(n, s)).join(', ')}`,
    ...shown.slice(0, SHOWN_FINDINGS).map((f) => findingLine(f, view)),
    ...(shown.length > SHOWN_FINDINGS ? [`- …and ${shown.length - SHOWN_FINDINGS} more below, under **All findings**, and as annotations on the agent checks`] : []),
    ...(notes > 0 ? [`${notes === 1 ? 'The note is' : `The ${notes} notes are`} under **All findings** below.`] : []),
    ...(carried > 0 || resolvedBlockers > 0 ? [`Blockers from earlier commits: ${carried} still open (their lines are unchanged), ${resolvedBlockers} resolved (their lines changed).`] : []),
  ];
}

function renderUmbrella(report: ReviewReport, decision: GateDecision, context: RenderContext, view: FindingView): RenderedCheck {
  const checkOf = new Map(decision.agents.map((a) => [a.agent, a]));
  const prText = decision.findings.filter((f) => f.path === PULL_REQUEST_TEXT);
  const troubles = report.agents.filter((r) => r.outcome !== 'ok' && r.outcome !== 'skipped').map((r) => `- ${r.agent}: ${OUTCOME_LABEL[r.outcome]}: ${escapeMarkdown(r.reason ?? '')}`);
  const notes = [...report.agents.map((r) => [r.agent, r] as const), ...(report.verification.run ? [['verify', report.verification.run] as const] : [])].flatMap(([label, r]) => {
    const note = answerNote(r);
    return note ? [`- ${label}: ${escapeMarkdown(note)}`] : [];
  });
  const factorCount = report.score.factors.length;
  const summary = [
    // 1. The verdict.
    `**${decision.conclusion}**: ${escapeMarkdown(decision.verdict.reasons.join('; '))}`,
    ...(decision.verdict.verdict === 'unreviewable' ? ['', UNREVIEWABLE_EXPLAINED] : []),
    ...(report.injectionAttempted ? ['', '**Content in this pull request tried to instruct the reviewing models.** It was treated as data and the full tier ran; see the security check.'] : []),
    ...(report.budgetLimited ? ['', "**The run's budget stopped further model calls: the findings are partial.**"] : []),
    '',
    // 2. The findings, blockers first.
    ...leadFindings(decision, view, context.resolvedBlockers),
    '',
    // 3. One line of cost, 4. one sentence of why this tier.
    costLine(report, context.strong),
    '',
    whyOf(report.score, report.tier, report.tierReasons),
    ...report.warnings.map((w) => `\n> warning: ${escapeMarkdown(w)}`),
    '',
    // 5. Only then the tables, folded.
    `<details><summary>Risk score ${report.score.score}/100: ${plural(factorCount, 'factor')}</summary>`,
    '',
    ...modelLine(report),
    ...factorsTable(report),
    ...notAnalysed(report),
    '',
    '</details>',
    '',
    `<details><summary>Agents: ${plural(decision.findings.length, 'finding')}, ${formatUsd(report.usd)}</summary>`,
    '',
    '| agent | outcome | model | tokens in / cache read / out | findings | cost |',
    '|---|---|---|---|---:|---:|',
    ...report.agents.map((run) => agentRow(checkOf.get(run.agent), run)),
    ...(report.verification.run ? [agentRow(undefined, report.verification.run, 'verify')] : []),
    `| **total** | | | ${formatTokens(usageTokens(report.usage))} | ${decision.findings.length} | **${formatUsd(report.usd)}** |`,
    '',
    ...verifiedLine(report),
    `Prompt cache hit ratio ${(report.cacheHitRatio * 100).toFixed(0)}%${report.savedUsd > 0 ? `; the result cache saved ${formatUsd(report.savedUsd)}` : ''}; ${(report.wallMs / 1000).toFixed(1)} s.`,
    ...(troubles.length > 0 || notes.length > 0 ? ['', ...troubles, ...notes] : []),
    '',
    '</details>',
    ...(prText.length > 0 ? ['', '### On the pull request text', ...prText.map((f) => findingDetail(f, view))] : []),
    '',
    `<sub>Head ${codeSpan(context.headSha.slice(0, 7))}, config ${escapeMarkdown(context.configSource)}.${context.offerFullRun ? ' A maintainer can comment `/gates full` to run every agent on the strong model, or `/gates help`.' : ''}</sub>`,
  ].join('\n');
  const stateMarker = encodeGateState(context.state, context.seal);
  const details = decision.findings.length > 0 ? ['## All findings', ...bySeverity(decision.findings).map((f) => findingDetail(f, view))].join('\n\n') : 'No findings.';
  return {
    name: UMBRELLA_CHECK,
    conclusion: decision.conclusion,
    title: umbrellaTitle(report, decision),
    summary: fitCheckText(summary),
    // The state goes last and is never cut: the next run on this PR reads it.
    text: `${fitCheckText(details, MAX_CHECK_TEXT_CHARS - stateMarker.length - 2)}\n\n${stateMarker}`,
    annotations: [],
    // The one button of the run: on the umbrella, where a reader of a skipped agent is sent too.
    actions: context.offerFullRun && report.tier !== 'full' ? [RUN_FULL_ACTION] : [],
  };
}

function agentTitle(check: AgentCheck): string {
  const into = [...new Set(check.merged.map((m) => m.into.agent))].join(' and ');
  const counted = check.findings.length === 0 && check.merged.length > 0 ? `${plural(check.merged.length, 'finding')}, reported under ${into}` : `${countLine(check.findings)}${check.merged.length > 0 ? `; ${check.merged.length} more reported under ${into}` : ''}`;
  return check.run.outcome === 'ok' ? counted : `${OUTCOME_LABEL[check.run.outcome]}; ${counted}`;
}

function renderAgent(check: AgentCheck, report: ReviewReport, context: RenderContext, view: FindingView): RenderedCheck {
  const { run } = check;
  const name = agentCheckName(check.agent);
  if (check.conclusion === 'skipped') {
    // No button here: the run's one button is on the umbrella.
    const how = context.offerFullRun ? 'Press **Run full gates** on the `riskgate` check, or comment `/gates full`,' : 'Comment `/gates full` (with the riskgate App) or set the `tier` input';
    return {
      name,
      conclusion: 'skipped',
      title: `Not needed at the ${report.tier} tier`,
      summary: `The ${report.tier} tier (risk ${report.score.score}/100) does not call for the ${check.agent} agent. ${how} to run every agent on the strong model.\n\n${whyOf(report.score, report.tier, report.tierReasons)}`,
      annotations: [],
      actions: [],
    };
  }
  const trouble = run.outcome !== 'ok' ? `**${OUTCOME_LABEL[run.outcome]}**: ${escapeMarkdown(run.reason ?? '')}\n\n` : '';
  const note = answerNote(run);
  const on = run.model ? ` on ${codeSpan(run.model)}` : '';
  const cost = run.fromCache ? `answered from the result cache (saved ${formatUsd(run.savedUsd)})` : `${formatUsd(run.usd)}, ${(run.latencyMs / 1000).toFixed(1)} s${run.retries ? `, ${plural(run.retries, 'retry', 'retries')}` : ''}`;
  const merged = check.merged.map(
    ({ raised, into }) => `- **${raised.severity}** ${where(raised, view.context)}: ${escapeMarkdown(raised.title)}: merged into the ${into.agent} agent's **${into.severity}** at ${where(into, view.context)} (${escapeMarkdown(into.title)})`,
  );
  const summary = [
    `${trouble}**${check.conclusion}**: ${escapeMarkdown(check.verdict.reasons.join('; '))}.`,
    ...(check.findings.length > 0 ? [`### ${countLine(check.findings).replace(/^\d[\d,]* findings?: /, '')}`, ...bySeverity(check.findings).map((f) => findingDetail(f, view))] : [check.merged.length > 0 ? 'No findings under its own name.' : 'No findings.']),
    ...(merged.length > 0 ? [`### Merged into another agent's finding (${merged.length})`, 'The same problem, raised by more than one agent, is reported once; this check still counts it.', merged.join('\n')] : []),
    ...(check.notReported > 0 ? [`${plural(check.notReported, 'more finding')} it raised ${check.notReported === 1 ? 'is' : 'are'} not reported: below \`findings.min_confidence\`, over \`findings.max_per_agent\`, outside the changed lines, or rejected by the verifier.`] : []),
    `The ${check.agent} agent${on} at the ${report.tier} tier: ${cost}.`,
    ...(note ? [`_${escapeMarkdown(note)}._`] : []),
  ].join('\n\n');
  return {
    name,
    conclusion: check.conclusion,
    title: agentTitle(check),
    summary: fitCheckText(summary),
    // Merged findings are annotated once, on the check that reports them.
    annotations: annotationsFor(bySeverity(check.findings)),
    actions: [],
  };
}

/** The umbrella check and one check per agent, ready to publish. */
export function renderChecks(report: ReviewReport, decision: GateDecision, context: RenderContext): RenderedGate {
  const alsoRaisedBy = new Map<Finding, AgentName[]>();
  for (const check of decision.agents) {
    for (const { into } of check.merged) {
      const agents = alsoRaisedBy.get(into) ?? [];
      if (!agents.includes(check.agent)) agents.push(check.agent);
      alsoRaisedBy.set(into, agents);
    }
  }
  const view: FindingView = { context, alsoRaisedBy };
  return {
    umbrella: renderUmbrella(report, decision, context, view),
    agents: decision.agents.map((check) => renderAgent(check, report, context, view)),
  };
}

/**
 * The umbrella while the agents work: the score, the tier and why, and which agents run on which
 * model, all known before the first call. The budget may still lower the tier and a reported
 * injection raise it; the finished check says what ran.
 */
export function renderRunning(score: ScoreResult): RunningOutput {
  const plan = score.plan;
  const byModel = new Map<string, AgentName[]>();
  for (const a of plan.agents) byModel.set(a.model, [...(byModel.get(a.model) ?? []), a.agent]);
  const running = [...byModel].map(([model, agents]) => `${agents.join(' and ')} on ${codeSpan(model)}`).join(', ');
  const skipped = AGENTS.filter((a) => !plan.agents.some((p) => p.agent === a));
  const summary = [
    plan.agents.length > 0 ? `**Running** the ${plan.tier} tier: ${running} (estimated ${formatUsd(plan.estimatedUsd)}).` : `**Scoring only**: the ${plan.tier} tier calls no agent.`,
    ...(skipped.length > 0 ? ['', `Not needed at this tier: ${skipped.join(', ')}.`] : []),
    '',
    tierWhy({ score: score.score, tier: plan.tier, factors: score.factors, reasons: plan.reasons }),
    '',
    '<sub>The budget check may still lower the tier, and a model that reports content addressed to it raises it to full: the finished check says what ran.</sub>',
  ].join('\n');
  return { title: `Running: risk ${score.score}/100, ${plan.tier} tier`, summary: fitCheckText(summary) };
}
