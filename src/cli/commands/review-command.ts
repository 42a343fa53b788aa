import { basename, resolve } from 'node:path';
import { enclosingFromFiles } from '../../context/enclosing-code.js';
import { gitFileReader } from '../../context/git-file-reader.js';
import { readGuidelines } from '../../context/read-guidelines.js';
import { openStore } from '../../store/open-store.js';
import type { RiskgateStore } from '../../store/riskgate-store.js';
import type { Severity } from '../../findings/finding.js';
import { ModelRouteError } from '../../model/fallback-model.js';
import { openModelRouter } from '../../model/open-model-router.js';
import { ProviderDeclarationError } from '../../model/provider-declaration.js';
import type { Tier } from '../../plan/tier.js';
import { withoutWeakerSilence } from '../../report/decide-gate.js';
import { gateVerdict, type Verdict } from '../../report/gate-verdict.js';
import { createCallLimiter } from '../../run/call-limiter.js';
import { ledgerRecorder } from '../../run/record-call.js';
import { createReviewer, type ReviewInput } from '../../run/review-change.js';
import { gatherGitCodeContext } from '../../code/git-code-context.js';
import { defaultResultDirectory, FileResultStore } from '../../store/file-result-store.js';
import { NO_RESULT_STORE } from '../../store/result-store.js';
import { scopedResultStore } from '../../store/scoped-result-store.js';
import { repositoryScope } from '../repository-scope.js';
import { UsageError, writeLine, type CliIo } from '../cli-io.js';
import { formatPreparation, formatReview } from '../format-review.js';
import { readChangeInput, type ChangeInputOptions } from '../read-change-input.js';
import { EXIT } from '../exit-codes.js';
import { progressWriter, reviewProgress } from '../progress-writer.js';
import { escapeControl, PLAIN_TERMINAL } from '../terminal.js';

export interface ReviewOptions extends ChangeInputOptions {
  json?: boolean;
  tier?: Tier;
  dryRun?: boolean;
  noCache?: boolean;
  cacheDir?: string;
  failOn?: Severity;
}

// Enough for one run's agents and its re-check; the App sets its own bound across runs.
const CLI_MAX_CONCURRENT_CALLS = 4;

// 1 for a change that made riskgate fail, as for a blocking finding: the gate fails either way, and
// a script that lets 3 ("could not decide": an outage, retry later) through must not let the change
// through. `--json`'s `verdict` tells `fail` and `unreviewable` apart.
const EXIT_OF: Record<Verdict, number> = { pass: EXIT.ok, fail: EXIT.failed, unreviewable: EXIT.failed, error: EXIT.undecided };

/** The spend ledger `riskgate spend` reads; a review goes on without it, saying why. */
async function openLedger(io: CliIo): Promise<{ store: RiskgateStore } | undefined> {
  try {
    return await openStore(io.env);
  } catch (error) {
    io.stderr.write(`riskgate: the spend ledger could not be opened, so this review is not recorded: ${(error as Error).message}\n`);
    return undefined;
  }
}

/** The whole pipeline on a local change; the exit status is the gate's verdict. */
export async function reviewCommand(io: CliIo, options: ReviewOptions): Promise<number> {
  const input = await readChangeInput(io, options);
  const reviewer = createReviewer(input.resolved.config, input.model?.model, input.attributes);
  const diff = reviewer.parse(input.diffText);
  const config = input.resolved.config;
  // The repository's guidelines from the base revision (a change cannot rewrite its own rules);
  // a diff given as a file has no base to read them at, so only `review.instructions` counts.
  const git = input.git;
  const guidelines = await readGuidelines(config, git ? gitFileReader(git.root, git.base) : async () => undefined, git ? `the base (${git.base.slice(0, 7)})` : 'the base');
  // With a clone at hand, the code-structure layer adds the enclosing functions and the callers
  // (review.context.*) and the structure factors; a diff from a file or stdin has no source to read.
  const code = git ? await gatherGitCodeContext(git.root, git.base, git.head, diff, config.review.context) : undefined;
  for (const warning of code?.warnings ?? []) io.stderr.write(`riskgate: ${escapeControl(warning)}\n`);
  const context = [...(guidelines ? [guidelines] : []), ...(code?.blocks ?? [])];
  const reviewInput: ReviewInput = {
    diff,
    text: input.text,
    ...(options.tier ? { forced: options.tier } : {}),
    ...(context.length > 0 ? { context } : {}),
    ...(code ? { unavailable: code.unavailable, structure: code.structure } : {}),
  };

  if (options.dryRun) {
    const prep = reviewer.prepare(reviewInput);
    if (options.json) {
      await writeLine(io.stdout, JSON.stringify({ score: prep.score.score, tier: prep.plan.tier, reasons: prep.plan.reasons, plan: prep.plan, filesShown: prep.packed.files.map((f) => f.file.path), notReviewed: prep.packed.notReviewed, context: { shown: prep.context.blocks.map((b) => ({ kind: b.kind, label: b.label, tokens: b.tokens })), leftOut: prep.context.leftOut }, prefixTokens: prep.prefixTokens, estimatedUsd: prep.plan.estimatedUsd }, null, 2));
    } else {
      await writeLine(io.stdout, formatPreparation(prep, input.label, input.resolved.source, io.term ?? PLAIN_TERMINAL));
    }
    return 0;
  }

  if (!io.env.ANTHROPIC_API_KEY?.trim() && !io.env.RISKGATE_PROVIDERS?.trim()) {
    throw new UsageError(
      'review calls a model and needs a provider: set ANTHROPIC_API_KEY (a gateway goes in ANTHROPIC_BASE_URL) or declare providers in RISKGATE_PROVIDERS (docs/providers.md), or add --dry-run to see the plan and its estimated cost without calling a model',
    );
  }
  // Every wrong provider variable or unroutable model is named before any call is made.
  let models;
  try {
    models = await openModelRouter(input.resolved.config.models, io.env, (message) => io.stderr.write(`riskgate: ${message}\n`));
  } catch (error) {
    if (error instanceof ProviderDeclarationError || error instanceof ModelRouteError) throw new UsageError(error.message);
    throw error;
  }
  // One cache directory serves every repository the user reviews: each sees only its own answers.
  const store = options.noCache
    ? NO_RESULT_STORE
    : scopedResultStore(new FileResultStore(options.cacheDir ? resolve(io.cwd, options.cacheDir) : defaultResultDirectory(io.env)), await repositoryScope(input.git?.root ?? io.cwd));
  const ledger = await openLedger(io);
  const identity = { installationId: 0, repository: basename(io.cwd), pullNumber: 0, headSha: input.label, author: io.env.USER ?? 'local' };
  const term = io.term ?? PLAIN_TERMINAL;
  const progress = progressWriter(io.stderr, term);
  let report;
  try {
    report = await reviewer.review(reviewInput, {
      onProgress: reviewProgress(progress, term),
      model: models.model,
      store,
      limiter: createCallLimiter(CLI_MAX_CONCURRENT_CALLS),
      // The verifier reads the code around each finding as it is at the head.
      ...(git ? { enclosing: enclosingFromFiles(gitFileReader(git.root, git.head)) } : {}),
      ...(ledger ? { recordCall: ledgerRecorder(ledger.store, identity) } : {}),
    });
  } finally {
    progress.done();
    await Promise.all([ledger?.store.close(), models.close()]);
  }
  // A strong agent that a weaker fallback answered: its silence is not a pass.
  const verdict = gateVerdict({ ...report, agents: withoutWeakerSilence(report.agents) }, options.failOn ?? input.resolved.config.gate.fail_on);
  if (options.json) {
    await writeLine(
      io.stdout,
      JSON.stringify(
        {
          verdict: verdict.verdict,
          reasons: verdict.reasons,
          score: report.score.score,
          tier: report.tier,
          tierReasons: report.tierReasons,
          findings: report.findings,
          agents: report.agents.map(({ findings, ...run }) => ({ ...run, findings: findings.length })),
          verification: report.verification,
          notReviewed: report.notReviewed,
          dropped: report.dropped,
          injectionAttempted: report.injectionAttempted,
          budgetLimited: report.budgetLimited,
          usage: report.usage,
          costUsd: report.usd,
          savedUsd: report.savedUsd,
          cacheHitRatio: report.cacheHitRatio,
          warnings: report.warnings,
          source: input.label,
          config: input.resolved.source,
        },
        null,
        2,
      ),
    );
  } else {
    await writeLine(io.stdout, formatReview(report, verdict, input.label, input.resolved.source, term));
  }
  return EXIT_OF[verdict.verdict];
}
