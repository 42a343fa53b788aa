import { formatUsd } from '../../report/format-amounts.js';
import { writeFileSync } from 'node:fs';
import { basename, resolve } from 'node:path';
import pLimit from 'p-limit';
import { AnthropicModel } from '../../model/anthropic-model.js';
import { armConfig, codeContextWanted, DEFAULT_ARMS, EVAL_ARMS, pickArms, type EvalArm } from '../../evaluation/eval-arms.js';
import { enclosingFromFiles } from '../../context/enclosing-code.js';
import { gitFileReader } from '../../context/git-file-reader.js';
import { readGuidelines } from '../../context/read-guidelines.js';
import { gatherGitCodeContext } from '../../code/git-code-context.js';
import type { RiskgateConfig } from '../../config/config-schema.js';
import type { ContextBlock } from '../../run/pack-context.js';
import { addedLinesOf, armInputContext, reviewEvalCommits, type EvalChange, type EvalReviewProgress } from '../../evaluation/review-eval-commits.js';
import { createReviewableFilter, sampleEvalCommits, type EvalSample } from '../../evaluation/sample-eval-commits.js';
import { messageAsText } from '../../evaluation/route-history.js';
import { summarizeFindingsEval, type FindingsEvalSummary, type SampledCommit } from '../../evaluation/summarize-findings-eval.js';
import { readGitDiff } from '../../git/read-git-diff.js';
import { runGit } from '../../git/run-git.js';
import { CalibrationError } from '../../history/calibration-error.js';
import { TIERS, type Tier } from '../../plan/tier.js';
import { createCallLimiter } from '../../run/call-limiter.js';
import { cachedReviewer } from '../../run/cached-reviewer.js';
import { ledgerRecorder } from '../../run/record-call.js';
import { RunBudget } from '../../run/run-budget.js';
import { openStore } from '../../store/open-store.js';
import { UsageError, writeLine, type CliIo } from '../cli-io.js';
import { EXIT } from '../exit-codes.js';
import { commandProgress } from '../progress-writer.js';
import { normaliseRemote, repositoryScope } from '../repository-scope.js';
import { resolveAttributes } from '../resolve-attributes.js';
import { openEvalHistory, type EvalHistoryOptions } from './eval-history.js';
import { formatFindingsEval, formatFindingsEvalMarkdown, formatFindingsPrice } from './eval-findings-table.js';

export interface EvalFindingsOptions extends EvalHistoryOptions {
  commits?: string;
  seed?: string;
  arms?: string;
  maxUsd?: string;
  dryRun?: boolean;
  json?: boolean;
  out?: string;
  /** The repository the report is recorded under (default: from the origin remote). */
  repo?: string;
}

export const DEFAULT_EVAL_COMMITS = 25;
export const DEFAULT_EVAL_SEED = 1;
// The issue's default: enough for 25 + 25 commits on the routed arm of most repositories, and a
// hard stop well before a mistake costs real money.
export const DEFAULT_EVAL_MAX_USD = 5;
// 2,000 reviews per arm is hours of calls; a larger --commits is more likely a typo than a plan.
const MAX_EVAL_COMMITS = 1_000;
// Reviews in flight at once (each runs its agents side by side), and calls in flight across them.
const REVIEWS_AT_ONCE = 3;
const CALLS_AT_ONCE = 6;
// git processes reading the sampled commits at once.
const GIT_AT_ONCE = 4;

/** What both the priced (`--dry-run`) and the measured report say about the sample. */
export interface EvalSampleJson {
  repository: string;
  seed: number;
  commitsPerSide: number;
  window: { since: string | null; labelledUntil: string; fixesUntil: string; poolFrom: string | null; poolTo: string | null };
  config: string;
  maxUsd: number;
  sample: {
    introducers: Array<{ sha: string; targetLines: Record<string, number[]>; fixes: string[] }>;
    clean: Array<{ sha: string; matchedTo: string }>;
    stats: EvalSample['stats'];
  };
}

export interface ArmPriceJson {
  name: string;
  summary: string;
  commits: number;
  introducers: number;
  clean: number;
  /** The plans' estimates from the prompts that would be sent (half the output cap per call, as `review --dry-run`). */
  estimatedUsd: number;
  /** Every call at its output cap, the verification call included: what the budget reserves. */
  worstCaseUsd: number;
  usdPerCommit: number | null;
  prefixTokensPerCommit: number | null;
  /** Tokens of the code context (enclosing functions, callers) the arm adds per commit, before the tier's budget packs it. */
  contextTokensPerCommit: number | null;
  tiers: Record<Tier, number>;
}

export interface FindingsPriceJson extends EvalSampleJson {
  dryRun: true;
  arms: ArmPriceJson[];
  estimatedUsd: number;
  worstCaseUsd: number;
}

export interface FindingsEvalJson extends EvalSampleJson, FindingsEvalSummary {
  generatedAt: string;
  seconds: number;
}

const iso = (seconds: number | undefined) => (seconds === undefined ? null : new Date(seconds * 1000).toISOString());

function parseCount(flag: string, value: string | undefined, fallback: number, min: number, max: number): number {
  if (value === undefined) return fallback;
  const n = /^\d+$/.test(value) ? Number(value) : NaN;
  if (!Number.isSafeInteger(n) || n < min || n > max) throw new UsageError(`${flag} must be a whole number from ${min} to ${max}, not "${value}"`);
  return n;
}

function parseUsd(value: string | undefined): number {
  if (value === undefined) return DEFAULT_EVAL_MAX_USD;
  const usd = /^\d+(\.\d+)?$/.test(value) ? Number(value) : NaN;
  if (!(usd > 0) || !Number.isFinite(usd)) throw new UsageError(`--max-usd must be a positive number of dollars, such as 5 or 0.50, not "${value}"`);
  return usd;
}

function parseArms(value: string | undefined): EvalArm[] {
  const names = (value ?? DEFAULT_ARMS.join(',')).split(',').map((n) => n.trim());
  if (names.some((n) => n === '')) throw new UsageError(`--arms takes names separated by commas: ${DEFAULT_ARMS.join(', ')}`);
  if (new Set(names).size !== names.length) throw new UsageError(`--arms names an arm twice: ${names.join(',')}`);
  const picked = pickArms(names);
  if ('unknown' in picked) throw new UsageError(`--arms: no arm is called ${picked.unknown.map((n) => `"${n}"`).join(', ')} (arms: ${EVAL_ARMS.map((a) => a.name).join(', ')})`);
  return picked.arms;
}

/** owner/name from a GitHub origin, the normalised remote for another host, else the clone's directory name. */
async function repositoryName(root: string): Promise<string> {
  let remote: string | undefined;
  try {
    remote = (await runGit(root, ['remote', 'get-url', 'origin'])).trim() || undefined;
  } catch {
    remote = undefined;
  }
  const named = remote ? normaliseRemote(remote) : undefined;
  if (named && /^[a-z0-9.-]+\/[^/]+\/[^/]+$/.test(named)) return named.startsWith('github.com/') ? named.slice('github.com/'.length) : named;
  return basename(root);
}

function duration(ms: number): string {
  const s = Math.round(ms / 1000);
  if (s < 60) return `${s} s`;
  if (s < 3600) return `${Math.round(s / 60)} min`;
  return `${Math.floor(s / 3600)} h ${String(Math.round((s % 3600) / 60)).padStart(2, '0')} min`;
}

function progressLine(p: EvalReviewProgress, maxUsd: number): string {
  const arms = Object.entries(p.byArm)
    .map(([name, a]) => `${name} ${a.done}/${a.total}`)
    .join(', ');
  const eta = p.done < p.total && !p.stopped ? `, ETA ${duration((p.elapsedMs / p.done) * (p.total - p.done))}` : '';
  const stop = p.last.status === 'budget_limited' ? ` (${p.last.arm} on ${p.last.sha.slice(0, 12)}: budget-limited)` : '';
  return `riskgate eval findings: ${p.done}/${p.total} reviews (${arms}), ${formatUsd(p.spentUsd)} spent of $${maxUsd.toFixed(2)}, ${p.reused} answer(s) from the store, ${duration(p.elapsedMs)} elapsed${eta}${stop}`;
}

/**
 * `riskgate eval findings`: reviews a sample of the repository's own bug-introducing and clean
 * commits with each arm and scores the findings against the lines the later fixes changed.
 * `--dry-run` prices it from the prompts that would be sent, with no key and no call.
 */
export async function evalFindingsCommand(io: CliIo, options: EvalFindingsOptions): Promise<number> {
  const started = Date.now();
  const perSide = parseCount('--commits', options.commits, DEFAULT_EVAL_COMMITS, 1, MAX_EVAL_COMMITS);
  const seed = parseCount('--seed', options.seed, DEFAULT_EVAL_SEED, 0, 2 ** 32 - 1);
  const arms = parseArms(options.arms);
  const maxUsd = parseUsd(options.maxUsd);
  if (options.dryRun && options.out !== undefined) throw new UsageError('--out writes the report of a measured eval; --dry-run only prices it (use --json to keep the price)');
  if (options.repo !== undefined && !/^[^/\s]+\/[^/\s]+$/.test(options.repo)) throw new UsageError(`--repo must be owner/name, not "${options.repo}"`);
  const apiKey = io.env.ANTHROPIC_API_KEY;
  if (!options.dryRun && !apiKey) {
    throw new UsageError(
      "eval findings calls Anthropic's API and needs a key: set ANTHROPIC_API_KEY (a gateway goes in ANTHROPIC_BASE_URL), or add --dry-run to price it from the prompts that would be sent, with no key and no call",
    );
  }
  // Warnings and the budget's stop are said even with --quiet; progress is not.
  const say = (message: string) => io.stderr.write(`riskgate eval findings: ${message}\n`);
  const progress = commandProgress(io, 'riskgate eval findings');

  const opened = await openEvalHistory(io, 'findings', options);
  const { root, config, history, window } = opened;
  const sample = await sampleEvalCommits(history, window, {
    commits: perSide,
    seed,
    isReviewable: createReviewableFilter(config, opened.classify),
    isTracedPath: (path) => opened.classify(path).kind === 'source',
  });
  if (sample.introducers.length === 0) {
    throw new CalibrationError(
      `the labelled window holds no bug-introducing commit with a target line in a file a model is shown (${sample.stats.windowIntroducers} introducer(s) in the window, ${sample.stats.noTargetLine} without a line blame gives them, ${sample.stats.notReviewable} only in files not shown): widen it with --since/--until`,
    );
  }
  const short = sample.introducers.length < perSide || sample.clean.length < perSide ? ` (fewer than the ${perSide} asked for: the window has no more with a target line in a file a model is shown, or no more clean match)` : '';
  say(`sampled ${sample.introducers.length} bug-introducing and ${sample.clean.length} clean commit(s) (seed ${seed}) authored ${iso(sample.window.poolFrom)?.slice(0, 10)} to ${iso(sample.window.poolTo)?.slice(0, 10)}${short}`);

  // Introducer and clean commit by turns: a budget that runs out leaves both sides about as full.
  const ordered: Array<{ sha: string; parent: string; message: string; kind: 'introducer' | 'clean'; targetLines?: Record<string, number[]> }> = [];
  for (let i = 0; i < Math.max(sample.introducers.length, sample.clean.length); i++) {
    const introducer = sample.introducers[i];
    const clean = sample.clean[i];
    if (introducer) ordered.push({ ...introducer, kind: 'introducer' });
    if (clean) ordered.push({ ...clean, kind: 'clean' });
  }
  // Everything a model sees is read at the commit itself: its diff against its parent, the
  // .gitattributes of its parent, its own message. No later revision is read.
  const git = pLimit(GIT_AT_ONCE);
  // The code-structure layer reads each commit and its parent, once for every arm that shows code context.
  const codeSwitches = codeContextWanted(config, arms);
  const changes: EvalChange[] = await Promise.all(
    ordered.map((c) =>
      git(async () => {
        const diffText = await readGitDiff(root, c.parent, c.sha);
        const attributes = await resolveAttributes(root, { root, base: c.parent });
        const code =
          codeSwitches.functions || codeSwitches.callers
            ? await gatherGitCodeContext(root, c.parent, c.sha, cachedReviewer(config, undefined, attributes).parse(diffText), codeSwitches)
            : undefined;
        return {
          sha: c.sha,
          kind: c.kind,
          diffText,
          text: messageAsText(c.message),
          attributes,
          // The guidelines at the parent, as a gate reads the base's; the arms that show none drop them.
          context: await gatheredContext(config, root, c.parent),
          ...(code ? { code } : {}),
          enclosing: enclosingFromFiles(gitFileReader(root, c.sha)),
        };
      }),
    ),
  );
  const sampled: SampledCommit[] = changes.map((change, i) => ({
    sha: change.sha,
    kind: change.kind,
    ...(ordered[i]!.targetLines ? { targetLines: ordered[i]!.targetLines } : {}),
    addedLines: addedLinesOf(cachedReviewer(config, undefined, change.attributes).parse(change.diffText)),
  }));

  const repository = options.repo ?? (await repositoryName(root));
  const sampleJson: EvalSampleJson = {
    repository,
    seed,
    commitsPerSide: perSide,
    window: { since: iso(window.since), labelledUntil: iso(window.labelledUntil)!, fixesUntil: iso(window.until)!, poolFrom: iso(sample.window.poolFrom), poolTo: iso(sample.window.poolTo) },
    config: opened.configSource,
    maxUsd,
    sample: {
      introducers: sample.introducers.map((i) => ({ sha: i.sha, targetLines: i.targetLines, fixes: i.fixes })),
      clean: sample.clean.map((c) => ({ sha: c.sha, matchedTo: c.matchedTo })),
      stats: sample.stats,
    },
  };

  if (options.dryRun) {
    const priced: FindingsPriceJson = { ...sampleJson, dryRun: true, arms: arms.map((arm) => priceArm(arm, config, changes)), estimatedUsd: 0, worstCaseUsd: 0 };
    priced.estimatedUsd = priced.arms.reduce((sum, a) => sum + a.estimatedUsd, 0);
    priced.worstCaseUsd = priced.arms.reduce((sum, a) => sum + a.worstCaseUsd, 0);
    await writeLine(io.stdout, options.json ? JSON.stringify(priced, null, 2) : formatFindingsPrice(priced));
    return 0;
  }

  const { store, where } = await openStore(io.env);
  try {
    const scope = await repositoryScope(root);
    const budget = new RunBudget({ maxUsd, maxTokens: Infinity, owner: "eval's --max-usd" });
    say(`${changes.length * arms.length} reviews to run (${arms.map((a) => a.name).join(', ')} on ${changes.length} commits); every call is checked against --max-usd $${maxUsd.toFixed(2)}; answers are kept in ${where}`);
    const reviews = await reviewEvalCommits({
      changes,
      arms,
      config,
      model: new AnthropicModel({ apiKey: apiKey!, ...(io.env.ANTHROPIC_BASE_URL ? { baseURL: io.env.ANTHROPIC_BASE_URL } : {}) }),
      store,
      scope,
      limiter: createCallLimiter(CALLS_AT_ONCE),
      budget,
      recorder: (arm, sha) => ledgerRecorder(store, { installationId: 0, repository, pullNumber: 0, headSha: sha, author: `eval findings (${arm.name})` }),
      concurrency: REVIEWS_AT_ONCE,
      progress: (p) => (p.done < p.total ? progress.update(progressLine(p, maxUsd)) : (progress.done(), progress.message(progressLine(p, maxUsd).replace(/^riskgate eval findings: /, '')))),
    });
    for (const warning of new Set(reviews.flatMap((r) => r.warnings))) say(`warning: ${warning}`);
    const undone = reviews.filter((r) => r.status !== 'reviewed').length;
    if (budget.limited) say(`--max-usd $${maxUsd.toFixed(2)} reached: ${undone} of ${reviews.length} reviews left undone or cut short, and the arms say so (run again with a higher --max-usd to finish: answers kept so far cost nothing again)`);
    const summary = summarizeFindingsEval(sampled, arms, reviews, seed, budget.limited);
    const report: FindingsEvalJson = { ...sampleJson, ...summary, generatedAt: new Date().toISOString(), seconds: (Date.now() - started) / 1000 };
    await store.recordEvalReport({ repository, at: Date.now(), report });
    if (options.out !== undefined) writeFileSync(resolve(io.cwd, options.out), formatFindingsEvalMarkdown(report));
    await writeLine(io.stdout, options.json ? JSON.stringify(report, null, 2) : formatFindingsEval(report));
    // Stopped by --max-usd: the measurement could not be finished (the report covers what was reviewed).
    return summary.stoppedBy ? EXIT.undecided : EXIT.ok;
  } finally {
    await store.close();
  }
}

/** The context any arm may show for a commit, read at its parent: each arm keeps what its config asks for. */
async function gatheredContext(config: RiskgateConfig, root: string, parent: string): Promise<ContextBlock[]> {
  const guidelines = await readGuidelines({ ...config, review: { ...config.review, guidelines: true } }, gitFileReader(root, parent), `the parent (${parent.slice(0, 7)})`);
  return guidelines ? [guidelines] : [];
}

/** One arm's price over the sample, from the prompts each review would send; no call. */
function priceArm(arm: EvalArm, config: Parameters<typeof armConfig>[0], changes: readonly EvalChange[]): ArmPriceJson {
  const tiers = Object.fromEntries(TIERS.map((t) => [t, 0])) as Record<Tier, number>;
  let estimatedUsd = 0;
  let worstCaseUsd = 0;
  let prefixTokens = 0;
  let contextTokens = 0;
  for (const change of changes) {
    const reviewer = cachedReviewer(armConfig(config, arm), undefined, change.attributes);
    const context = armInputContext(armConfig(config, arm), change);
    contextTokens += (context.context ?? []).filter((b) => b.kind === 'function' || b.kind === 'callers').reduce((sum, b) => sum + b.tokens, 0);
    const input = { diff: reviewer.parse(change.diffText), text: change.text, ...(arm.tier ? { forced: arm.tier } : {}), ...context };
    const prep = reviewer.prepare(input);
    tiers[prep.plan.tier]++;
    estimatedUsd += prep.plan.estimatedUsd;
    prefixTokens += prep.prefixTokens;
    worstCaseUsd += reviewer.worstCase(input).byTier[0]!.usd;
  }
  const n = changes.length;
  return {
    name: arm.name,
    summary: arm.summary,
    commits: n,
    introducers: changes.filter((c) => c.kind === 'introducer').length,
    clean: changes.filter((c) => c.kind === 'clean').length,
    estimatedUsd,
    worstCaseUsd,
    usdPerCommit: n === 0 ? null : estimatedUsd / n,
    prefixTokensPerCommit: n === 0 ? null : prefixTokens / n,
    contextTokensPerCommit: n === 0 ? null : contextTokens / n,
    tiers,
  };
}
