import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { ConfigError } from '../config/config-error.js';
import { DiffInputError } from '../diff/diff-input-error.js';
import { GitError } from '../git/run-git.js';
import { CalibrationError } from '../history/calibration-error.js';
import { TIERS, type Tier } from '../plan/tier.js';
import { UsageError, type CliIo } from './cli-io.js';
import { flushOutput, redactingOutput } from './redacting-output.js';
import { secretsFromEnv } from '../security/configured-secrets.js';
import { secretRedactor } from '../security/redact-secrets.js';
import { configShowCommand, configValidateCommand } from './commands/config-command.js';
import { planCommand } from './commands/plan-command.js';
import { scoreCommand } from './commands/score-command.js';
import { SEVERITIES, type Severity } from '../findings/finding.js';

export const USAGE = `riskgate: risk-based quality gates for pull requests

Usage:
  riskgate score [RANGE] [options]     score a change: RANGE is A..B, A...B or one commit;
                                       default: the branch against the upstream default
                                       branch, else the last commit
  riskgate score --jsonl [--diff FILE] batch: JSON lines {"id","diff","title"?,"body"?} in,
                                       {"id","score","tier","additions","deletions","factors",
                                       "floors"} out
  riskgate plan [RANGE] [options]      what each tier would run, with estimated tokens and dollars
  riskgate review [RANGE] [options]    run the agents on a change and print findings, per-agent
                                       outcome, tokens, cache hits and dollars (ANTHROPIC_API_KEY)
  riskgate spend [options]             the spend ledger summarised: dollars by repository, agent,
                                       model and tier; savings from routing and the result cache
  riskgate calibrate [options]         learn the risk model from this repository's history (SZZ
                                       labels, logistic regression) and write the model file that
                                       score and the gate then use (default .github/riskgate-model.json)
  riskgate eval routing [options]      how the default score and the calibrated model would have
                                       routed this repository's labelled history (as calibrate
                                       labels it), beside a router by lines added, and what the
                                       tier floors raised; no key, no model call
  riskgate eval findings [options]     review a sample of this repository's own bug-introducing
                                       and clean commits with each arm (routed, fast, strong) and
                                       score the findings against the lines the later fixes
                                       changed (ANTHROPIC_API_KEY; --dry-run prices it, no key)
  riskgate config validate [FILE]      check a config file (default .github/riskgate.yml)
  riskgate config show [--config FILE] print the effective config, defaults filled in

Options:
  --diff FILE|-     read a unified diff from FILE or stdin instead of git
  --title TEXT      pull request title (may raise the score, never lower it)
  --body TEXT       pull request body (likewise)
  --config FILE     config file (default: .github/riskgate.yml at the base revision)
  --model FILE      calibrated model (default: .github/riskgate-model.json at the base revision;
                    eval: at HEAD)
  --no-model        score with the default weights even where a model file exists
  --tier TIER       force at least this tier: ${TIERS.join(', ')}
  --json            machine-readable output
  --dry-run         review: print the plan and its estimated cost; call no model;
                    eval findings: price every arm from the prompts that would be sent
  --fail-on SEV     review: the severity that fails the gate: ${SEVERITIES.join(', ')} (default blocker)
  --no-cache        review: neither read nor write the result cache
  --cache-dir DIR   review: result cache directory (default $RISKGATE_DATA_DIR/results, else ~/.cache/riskgate/results)
  --since DATE      spend: from this UTC day, YYYY-MM-DD (default: the 1st of this month);
                    calibrate, eval: commits from this day (default: the first commit)
  --until DATE      spend, calibrate, eval: up to and including this UTC day (calibrate, eval:
                    default today)
  --out FILE        calibrate: where to write the model (default .github/riskgate-model.json);
                    eval findings: also write the report as Markdown there
  --force           calibrate: write the model even if it ranks newer commits no better than
                    lines added alone (without it, calibrate shows the figures and writes nothing)
  --repo OWNER/NAME spend: one repository only; eval findings: the name its report is
                    recorded under (default: the origin remote)
  --commits N       eval findings: N bug-introducing and N clean commits (default 25)
  --seed S          eval findings: the sample's seed (default 1)
  --arms A,B        eval findings: the arms, of routed, fast, strong (default all three), and
                    bare, guidelines, verification (each addition alone, on request)
  --max-usd X       eval findings: the most all arms together may spend, checked before each
                    call (default 5)
  --debug           print stack traces on errors
  -h, --help        this help
  -v, --version     riskgate's version

Exit status: 0 done (review: pass), 1 some --jsonl lines failed (review: blocking findings;
             eval findings: stopped by --max-usd), 2 error (review: could not decide); the
             message says which
`;

const OPTIONS = {
  diff: { type: 'string' },
  title: { type: 'string' },
  body: { type: 'string' },
  config: { type: 'string' },
  model: { type: 'string' },
  'no-model': { type: 'boolean' },
  force: { type: 'boolean' },
  out: { type: 'string' },
  tier: { type: 'string' },
  json: { type: 'boolean' },
  'dry-run': { type: 'boolean' },
  'fail-on': { type: 'string' },
  'no-cache': { type: 'boolean' },
  'cache-dir': { type: 'string' },
  since: { type: 'string' },
  until: { type: 'string' },
  repo: { type: 'string' },
  commits: { type: 'string' },
  seed: { type: 'string' },
  arms: { type: 'string' },
  'max-usd': { type: 'string' },
  jsonl: { type: 'boolean' },
  debug: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
  version: { type: 'boolean', short: 'v' },
} as const;

function version(): string {
  const pkg = JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as { version: string };
  return pkg.version;
}

function parseSeverity(value: string | undefined): Severity | undefined {
  if (value === undefined) return undefined;
  if (!(SEVERITIES as readonly string[]).includes(value)) throw new UsageError(`--fail-on must be one of ${SEVERITIES.join(', ')}, not "${value}"`);
  return value as Severity;
}

function parseTier(value: string | undefined): Tier | undefined {
  if (value === undefined) return undefined;
  if (!(TIERS as readonly string[]).includes(value)) throw new UsageError(`--tier must be one of ${TIERS.join(', ')}, not "${value}"`);
  return value as Tier;
}

async function dispatch(argv: string[], io: CliIo): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({ args: argv, options: OPTIONS, allowPositionals: true, strict: true });
  } catch (error) {
    throw new UsageError(`${(error as Error).message.split('\n')[0]} (riskgate --help lists the options)`);
  }
  const { values, positionals } = parsed;
  if (values.version) {
    io.stdout.write(`${version()}\n`);
    return 0;
  }
  const [command, ...rest] = positionals;
  if (values.help || command === undefined || command === 'help') {
    io.stdout.write(USAGE);
    return command === undefined && !values.help ? 2 : 0;
  }
  const { model, 'no-model': noModel, out, ...shared } = values;
  if (model !== undefined && noModel) throw new UsageError('give either --model FILE or --no-model, not both');
  const modelOption = noModel ? { model: false as const } : model !== undefined ? { model } : {};
  const input = { ...shared, ...modelOption, tier: parseTier(values.tier) };
  switch (command) {
    case 'score':
    case 'plan': {
      if (rest.length > 1) throw new UsageError(`riskgate ${command} takes one RANGE, got ${rest.length}: ${rest.join(' ')}`);
      const options = { ...input, ...(rest[0] !== undefined ? { range: rest[0] } : {}) };
      return command === 'score' ? scoreCommand(io, options) : planCommand(io, options);
    }
    case 'review': {
      if (rest.length > 1) throw new UsageError(`riskgate review takes one RANGE, got ${rest.length}: ${rest.join(' ')}`);
      const { 'dry-run': dryRun, 'no-cache': noCache, 'cache-dir': cacheDir, 'fail-on': failOn, ...common } = input;
      const failOnSeverity = parseSeverity(failOn);
      // Loaded on demand: the SDK alone would double the start-up of every other command.
      const { reviewCommand } = await import('./commands/review-command.js');
      return reviewCommand(io, {
        ...common,
        ...(rest[0] !== undefined ? { range: rest[0] } : {}),
        ...(dryRun ? { dryRun } : {}),
        ...(noCache ? { noCache } : {}),
        ...(cacheDir !== undefined ? { cacheDir } : {}),
        ...(failOnSeverity ? { failOn: failOnSeverity } : {}),
      });
    }
    case 'spend': {
      if (rest.length > 0) throw new UsageError(`riskgate spend takes no arguments, got: ${rest.join(' ')}`);
      // Loaded on demand, like the SDK: the database drivers are only for this command.
      const { spendCommand } = await import('./commands/spend-command.js');
      return spendCommand(io, { ...(values.json ? { json: true } : {}), ...(values.since ? { since: values.since } : {}), ...(values.until ? { until: values.until } : {}), ...(values.repo ? { repo: values.repo } : {}) });
    }
    case 'calibrate': {
      if (rest.length > 0) throw new UsageError(`riskgate calibrate takes no arguments, got: ${rest.join(' ')}`);
      const { calibrateCommand } = await import('./commands/calibrate-command.js');
      return calibrateCommand(io, {
        riskgateVersion: version(),
        ...(values.since ? { since: values.since } : {}),
        ...(values.until ? { until: values.until } : {}),
        ...(out !== undefined ? { out } : {}),
        ...(values.config !== undefined ? { config: values.config } : {}),
        ...(values.json ? { json: true } : {}),
        ...(values.force ? { force: true } : {}),
      });
    }
    case 'eval': {
      if (rest[0] === 'findings' && rest.length === 1) {
        const { evalFindingsCommand } = await import('./commands/eval-findings-command.js');
        return evalFindingsCommand(io, {
          ...(values.since ? { since: values.since } : {}),
          ...(values.until ? { until: values.until } : {}),
          ...(values.config !== undefined ? { config: values.config } : {}),
          ...(values.commits !== undefined ? { commits: values.commits } : {}),
          ...(values.seed !== undefined ? { seed: values.seed } : {}),
          ...(values.arms !== undefined ? { arms: values.arms } : {}),
          ...(values['max-usd'] !== undefined ? { maxUsd: values['max-usd'] } : {}),
          ...(values.repo !== undefined ? { repo: values.repo } : {}),
          ...(out !== undefined ? { out } : {}),
          ...(values['dry-run'] ? { dryRun: true } : {}),
          ...(values.json ? { json: true } : {}),
        });
      }
      if (rest[0] !== 'routing' || rest.length > 1) throw new UsageError(`riskgate eval takes "routing" or "findings", not "${rest.join(' ')}"`);
      const { evalRoutingCommand } = await import('./commands/eval-routing-command.js');
      return evalRoutingCommand(io, {
        ...(values.since ? { since: values.since } : {}),
        ...(values.until ? { until: values.until } : {}),
        ...(values.config !== undefined ? { config: values.config } : {}),
        ...(values.json ? { json: true } : {}),
        ...modelOption,
      });
    }
    case 'config':
      if (rest[0] === 'validate') return configValidateCommand(io, rest[1] ?? values.config);
      if (rest[0] === 'show') return configShowCommand(io, values.config);
      throw new UsageError(`riskgate config takes "validate [FILE]" or "show", not "${rest.join(' ')}"`);
    default:
      throw new UsageError(`unknown command "${command}" (riskgate --help lists the commands)`);
  }
}

const EXPECTED_ERRORS = [UsageError, DiffInputError, ConfigError, GitError, CalibrationError];

/**
 * Runs the CLI; returns the exit status. Never throws: every failure becomes a message. Everything
 * it prints, --json and --debug included, is redacted first: an upstream that echoes the request's
 * headers in its error must not put the API key on a terminal or into a CI log.
 */
export async function main(argv: string[], io: CliIo): Promise<number> {
  const redact = secretRedactor(secretsFromEnv(io.env));
  const stdout = redactingOutput(io.stdout, redact);
  const stderr = redactingOutput(io.stderr, redact);
  try {
    return await dispatch(argv, { ...io, stdout, stderr });
  } catch (error) {
    const err = error instanceof Error ? error : new Error(String(error));
    const expected = EXPECTED_ERRORS.some((type) => err instanceof type);
    stderr.write(`riskgate: ${expected ? err.message : `internal error: ${err.message}`}\n`);
    if (argv.includes('--debug') && err.stack) stderr.write(`${err.stack}\n`);
    else if (!expected) stderr.write('riskgate: run again with --debug for the stack trace\n');
    return 2;
  } finally {
    await Promise.all([flushOutput(stdout), flushOutput(stderr)]);
  }
}
