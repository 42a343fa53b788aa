import { basename, resolve } from 'node:path';
import { openStore } from '../../store/open-store.js';
import type { RiskgateStore } from '../../store/riskgate-store.js';
import type { Severity } from '../../findings/finding.js';
import { AnthropicModel } from '../../model/anthropic-model.js';
import type { Tier } from '../../plan/tier.js';
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
// a script that lets 2 ("could not decide": an outage) through must not let the change through.
// `--json`'s `verdict` tells `fail` and `unreviewable` apart.
const EXIT: Record<Verdict, number> = { pass: 0, fail: 1, unreviewable: 1, error: 2 };

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
  // With a clone at hand, the code-structure layer adds the enclosing functions and the callers
  // (review.context.*) and the structure factors; a diff from a file or stdin has no source to read.
  const code = input.git ? await gatherGitCodeContext(input.git.root, input.git.base, input.git.head, diff, input.resolved.config.review.context) : undefined;
  for (const warning of code?.warnings ?? []) io.stderr.write(`riskgate: ${warning}\n`);
  const reviewInput: ReviewInput = {
    diff,
    text: input.text,
    ...(options.tier ? { forced: options.tier } : {}),
    ...(code ? { context: code.blocks, unavailable: code.unavailable, structure: code.structure } : {}),
  };

  if (options.dryRun) {
    const prep = reviewer.prepare(reviewInput);
    if (options.json) {
      await writeLine(io.stdout, JSON.stringify({ score: prep.score.score, tier: prep.plan.tier, reasons: prep.plan.reasons, plan: prep.plan, filesShown: prep.packed.files.map((f) => f.file.path), notReviewed: prep.packed.notReviewed, prefixTokens: prep.prefixTokens, estimatedUsd: prep.plan.estimatedUsd }, null, 2));
    } else {
      await writeLine(io.stdout, formatPreparation(prep, input.label, input.resolved.source));
    }
    return 0;
  }

  const apiKey = io.env.ANTHROPIC_API_KEY;
  if (!apiKey) {
    throw new UsageError(
      'review calls Anthropic\'s API and needs a key: set ANTHROPIC_API_KEY (a gateway goes in ANTHROPIC_BASE_URL), or add --dry-run to see the plan and its estimated cost without calling a model',
    );
  }
  // One cache directory serves every repository the user reviews: each sees only its own answers.
  const store = options.noCache
    ? NO_RESULT_STORE
    : scopedResultStore(new FileResultStore(options.cacheDir ? resolve(io.cwd, options.cacheDir) : defaultResultDirectory(io.env)), await repositoryScope(input.git?.root ?? io.cwd));
  const ledger = await openLedger(io);
  const identity = { installationId: 0, repository: basename(io.cwd), pullNumber: 0, headSha: input.label, author: io.env.USER ?? 'local' };
  let report;
  try {
    report = await reviewer.review(reviewInput, {
      model: new AnthropicModel({ apiKey, ...(io.env.ANTHROPIC_BASE_URL ? { baseURL: io.env.ANTHROPIC_BASE_URL } : {}) }),
      store,
      limiter: createCallLimiter(CLI_MAX_CONCURRENT_CALLS),
      ...(ledger ? { recordCall: ledgerRecorder(ledger.store, identity) } : {}),
    });
  } finally {
    await ledger?.store.close();
  }
  const verdict = gateVerdict(report, options.failOn ?? input.resolved.config.gate.fail_on);
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
          escalation: report.escalation,
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
    await writeLine(io.stdout, formatReview(report, verdict, input.label, input.resolved.source));
  }
  return EXIT[verdict.verdict];
}
