import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { ConfigError } from '../config/config-error.js';
import { DiffInputError } from '../diff/diff-input-error.js';
import { GitError } from '../git/run-git.js';
import { CalibrationError } from '../history/calibration-error.js';
import { TIERS, type Tier } from '../plan/tier.js';
import { UsageError, type CliIo } from './cli-io.js';
import { commandHelp, COMMAND_WORDS, findCommand, mainHelp, SUBCOMMANDS } from './command-help.js';
import { EXIT } from './exit-codes.js';
import { flushOutput, redactingOutput } from './redacting-output.js';
import { detectTerminal, escapeLine, terminalSafe } from './terminal.js';
import { closest, distance } from 'fastest-levenshtein';
import { secretsFromEnv } from '../security/configured-secrets.js';
import { secretRedactor } from '../security/redact-secrets.js';
import { configShowCommand, configValidateCommand } from './commands/config-command.js';
import { planCommand } from './commands/plan-command.js';
import { scoreCommand } from './commands/score-command.js';
import { SEVERITIES, type Severity } from '../findings/finding.js';

// The full help, kept under its old name for whoever imported it.
export const USAGE = mainHelp();

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
  quiet: { type: 'boolean', short: 'q' },
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

/** The nearest of `allowed` to a mistyped word: one it starts, else one at most half its length away in edits. */
function didYouMean(word: string, allowed: readonly string[]): string | undefined {
  const prefixed = allowed.filter((a) => word.length >= 2 && a.startsWith(word));
  if (prefixed.length === 1) return prefixed[0];
  const best = closest(word, [...allowed]);
  return distance(word, best) <= Math.max(2, Math.ceil(word.length / 2)) ? best : undefined;
}

/** Node's parseArgs message, said as riskgate says things, with the nearest option when one is close. */
function optionError(error: unknown): UsageError {
  const message = (error as Error).message.split('\n')[0] ?? '';
  const unknown = /Unknown option '(-{1,2})([^']*)'/.exec(message);
  if (unknown) {
    const [, dashes, name] = unknown as unknown as [string, string, string];
    const names = Object.keys(OPTIONS);
    const guess = dashes === '--' ? didYouMean(name, names) : undefined;
    return new UsageError(`unknown option ${escapeLine(dashes + name)}${guess ? `; did you mean --${guess}?` : ''} (riskgate --help lists the options)`);
  }
  const missing = /Option '(-\w, )?(--[\w-]+) <value>' argument missing/.exec(message);
  if (missing) return new UsageError(`${missing[2]} needs a value (riskgate --help lists the options)`);
  const flag = /Option '(-\w, )?(--[\w-]+)' does not take an argument/.exec(message);
  if (flag) return new UsageError(`${flag[2]} takes no value (riskgate --help lists the options)`);
  return new UsageError(`${escapeLine(message)} (riskgate --help lists the options)`);
}

function unknownWord(word: string, allowed: readonly string[], what: string, helpFor: string): UsageError {
  const guess = didYouMean(word, allowed);
  return new UsageError(`unknown ${what} "${escapeLine(word)}"${guess ? `; did you mean "${guess}"?` : ''} (${helpFor} lists them: ${allowed.filter((w) => w !== 'help').join(', ')})`);
}

async function dispatch(argv: string[], io: CliIo): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({ args: argv, options: OPTIONS, allowPositionals: true, strict: true });
  } catch (error) {
    throw optionError(error);
  }
  const { values, positionals } = parsed;
  if (values.quiet && io.term) io = { ...io, term: { ...io.term, quiet: true } };
  if (values.version) {
    io.stdout.write(`${version()}\n`);
    return EXIT.ok;
  }
  const words = positionals[0] === 'help' ? positionals.slice(1) : positionals;
  const [command, ...rest] = words;
  if (command !== undefined && !COMMAND_WORDS.includes(command)) throw unknownWord(command, COMMAND_WORDS, 'command', 'riskgate --help');
  const sub = command !== undefined ? SUBCOMMANDS[command] : undefined;
  if (sub && rest[0] !== undefined && !sub.includes(rest[0])) throw unknownWord(rest[0], sub, `${command} subcommand`, `riskgate ${command} --help`);
  if (values.help || positionals[0] === 'help' || command === undefined) {
    const help = command !== undefined ? findCommand(words) : undefined;
    const text = help ? commandHelp(help) : sub ? subcommandsHelp(command!) : mainHelp();
    io.stdout.write(text);
    // Bare `riskgate` is a usage error; asking for help is not.
    return command === undefined && !values.help && positionals[0] !== 'help' ? EXIT.usage : EXIT.ok;
  }
  if (sub && rest[0] === undefined) throw new UsageError(`riskgate ${command} takes ${sub.map((w) => `"${w}"`).join(' or ')} (riskgate ${command} --help)`);
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

/** `riskgate eval --help`: both subcommands' help. */
function subcommandsHelp(command: string): string {
  return (SUBCOMMANDS[command] ?? []).map((w) => commandHelp(findCommand([command, w])!)).join('\n');
}

const EXPECTED_ERRORS = [UsageError, DiffInputError, ConfigError, GitError, CalibrationError];

/**
 * Runs the CLI; returns the exit status. Never throws: every failure becomes a message. Everything
 * it prints, --json and --debug included, is redacted first: an upstream that echoes the request's
 * headers in its error must not put the API key on a terminal or into a CI log.
 */
export async function main(argv: string[], io: CliIo): Promise<number> {
  const redact = secretRedactor(secretsFromEnv(io.env));
  // Redacted, then every control character riskgate did not write itself shown escaped.
  const safe = (text: string) => terminalSafe(redact(text));
  const stdout = redactingOutput(io.stdout, safe);
  const stderr = redactingOutput(io.stderr, safe);
  const term = { ...detectTerminal(io.stdout, io.stderr, io.env) };
  try {
    return await dispatch(argv, { ...io, stdout, stderr, term });
  } catch (error) {
    const err = error instanceof Error ? error : new Error(String(error));
    const expected = EXPECTED_ERRORS.some((type) => err instanceof type);
    stderr.write(`riskgate: ${expected ? err.message : `internal error: ${err.message}`}\n`);
    if (argv.includes('--debug') && err.stack) stderr.write(`${err.stack}\n`);
    else if (!expected) stderr.write('riskgate: run again with --debug for the stack trace\n');
    return EXIT.usage;
  } finally {
    await Promise.all([flushOutput(stdout), flushOutput(stderr)]);
  }
}
