import { DEFAULT_ARMS, EVAL_ARMS } from '../evaluation/eval-arms.js';
import { SEVERITIES } from '../findings/finding.js';
import { TIERS } from '../plan/tier.js';
import { EXIT_STATUS_HELP } from './exit-codes.js';

// `riskgate --help` and `riskgate <command> --help`: what each command does, its options, examples.

export interface CommandHelp {
  /** As typed: `eval routing`, `config validate`. */
  name: string;
  usage: string;
  summary: string;
  /** Option names (without --) this command reads. */
  options: readonly string[];
  examples: ReadonlyArray<[string, string]>;
  exit?: string;
}

const CHANGE = ['diff', 'title', 'body', 'config', 'model', 'no-model', 'tier'];

export const OPTION_HELP: Record<string, string> = {
  diff: '--diff FILE|-     read a unified diff from FILE or stdin instead of git',
  title: '--title TEXT      pull request title (may raise the score, never lower it)',
  body: '--body TEXT       pull request body (likewise)',
  config: '--config FILE     config file (default: .github/riskgate.yml at the base revision)',
  model: '--model FILE      calibrated model (default: .github/riskgate-model.json at the base revision;\n                  eval: at HEAD)',
  'no-model': '--no-model        score with the default weights even where a model file exists',
  tier: `--tier TIER       force at least this tier: ${TIERS.join(', ')}`,
  json: '--json            machine-readable output on stdout',
  jsonl: '--jsonl           score: batch mode over JSON lines (stdin or --diff FILE)',
  'dry-run': '--dry-run         review: print the plan and its estimated cost; call no model;\n                  eval findings: price every arm from the prompts that would be sent',
  'fail-on': `--fail-on SEV     review: the severity that fails the gate: ${SEVERITIES.join(', ')} (default blocker)`,
  'no-cache': '--no-cache        review: neither read nor write the result cache',
  'cache-dir': '--cache-dir DIR   review: result cache directory (default $RISKGATE_DATA_DIR/results,\n                  else ~/.cache/riskgate/results)',
  since: '--since DATE      spend: from this UTC day, YYYY-MM-DD (default: the 1st of this month);\n                  calibrate, eval: commits from this day (default: the first commit)',
  until: '--until DATE      spend, calibrate, eval: up to and including this UTC day (default today)',
  out: '--out FILE        calibrate: where to write the model (default .github/riskgate-model.json);\n                  eval findings: also write the report as Markdown there',
  force: '--force           calibrate: write the model even if it ranks newer commits no better than\n                  lines added alone (without it, calibrate shows the figures and writes nothing)',
  repo: '--repo OWNER/NAME spend: one repository only; eval findings: the name its report is\n                  recorded under (default: the origin remote)',
  commits: '--commits N       eval findings: N bug-introducing and N clean commits (default 25)',
  seed: '--seed S          eval findings: the sample\'s seed (default 1)',
  arms: `--arms A,B        eval findings: the arms, of ${DEFAULT_ARMS.join(', ')} (the default), and\n                  ${EVAL_ARMS.filter((arm) => arm.optIn).map((arm) => arm.name).join(', ')} (each addition alone, on request)`,
  'max-usd': '--max-usd X       eval findings: the most all arms together may spend, checked before each\n                  call (default 5)',
  quiet: '-q, --quiet       no progress on stderr (review, calibrate, eval)',
  debug: '--debug           print stack traces on errors',
  help: '-h, --help        this help; riskgate COMMAND --help: that command\'s',
  version: '-v, --version     riskgate\'s version',
};

export const GLOBAL_OPTIONS = ['quiet', 'debug', 'help', 'version'];

export const COMMANDS: readonly CommandHelp[] = [
  {
    name: 'score',
    usage: 'riskgate score [RANGE] [options]\n  riskgate score --jsonl [--diff FILE]',
    summary:
      'Score a change: the risk score, its factors with their evidence, the tier and its plan. RANGE is A..B,\nA...B or one commit; default: the branch against the upstream default branch, else the last commit.\n--jsonl reads {"id","diff","title"?,"body"?} per line and writes one score per line.',
    options: [...CHANGE, 'json', 'jsonl'],
    examples: [
      ['riskgate score', 'this branch against origin/HEAD'],
      ['riskgate score main...HEAD --json', 'against the merge base, as JSON'],
      ['git diff --cached | riskgate score --diff -', 'the staged change'],
    ],
    exit: '0 scored; 1 some --jsonl lines could not be scored; 2 usage, config or input error',
  },
  {
    name: 'plan',
    usage: 'riskgate plan [RANGE] [options]',
    summary: 'What each tier would run on the change, with estimated tokens and dollars.',
    options: [...CHANGE, 'json'],
    examples: [
      ['riskgate plan', 'the tiers for this branch'],
      ['riskgate plan HEAD~3..HEAD --json', 'for the last three commits, as JSON'],
    ],
    exit: '0 done; 2 usage, config or input error',
  },
  {
    name: 'review',
    usage: 'riskgate review [RANGE] [options]',
    summary:
      'Run the agents the tier calls for and print the findings, each agent\'s outcome, tokens, cache hits and\ndollars. Needs ANTHROPIC_API_KEY (ANTHROPIC_BASE_URL for a gateway). The score, tier and plan, then\neach agent\'s start and outcome, appear on stderr as they happen; stdout holds only the report.',
    options: [...CHANGE, 'json', 'dry-run', 'fail-on', 'no-cache', 'cache-dir'],
    examples: [
      ['riskgate review', 'review this branch'],
      ['riskgate review --dry-run', 'the plan and its estimated cost; no key, no call'],
      ['riskgate review --tier full --fail-on warning', 'every agent; warnings fail too'],
      ['riskgate review --json --quiet > review.json', 'for a script: the report alone'],
    ],
    exit: '0 pass; 1 blocking findings, or the change made riskgate fail (unreviewable); 2 usage or config\n  error (no ANTHROPIC_API_KEY); 3 could not decide (an agent failed, timed out or hit the budget)',
  },
  {
    name: 'spend',
    usage: 'riskgate spend [options]',
    summary: 'The spend ledger summarised: dollars by repository, agent, model and tier; savings from routing and\nthe result cache. Reads DATABASE_URL, else $RISKGATE_DATA_DIR/riskgate.db.',
    options: ['since', 'until', 'repo', 'json'],
    examples: [
      ['riskgate spend', 'this month'],
      ['riskgate spend --since 2026-10-01 --until 2026-10-31 --repo acme/api', 'one repository, October'],
    ],
    exit: '0 done; 2 usage error',
  },
  {
    name: 'calibrate',
    usage: 'riskgate calibrate [options]',
    summary:
      'Learn the risk model from this repository\'s history (SZZ labels, logistic regression) and write the\nmodel file that score and the gate then use (default .github/riskgate-model.json).',
    options: ['since', 'until', 'out', 'config', 'json', 'force'],
    examples: [
      ['riskgate calibrate', 'the whole history'],
      ['riskgate calibrate --since 2024-01-01 --out /tmp/model.json', 'recent history, elsewhere'],
    ],
    exit: '0 written; 2 usage or config error, or the model is no better than lines added (nothing written)',
  },
  {
    name: 'eval routing',
    usage: 'riskgate eval routing [options]',
    summary:
      'How the default score and the calibrated model would have routed this repository\'s labelled history\n(as calibrate labels it), beside a router by lines added, and what the tier floors raised. No key, no call.',
    options: ['since', 'until', 'config', 'model', 'no-model', 'json'],
    examples: [
      ['riskgate eval routing', 'the default score and the model at HEAD'],
      ['riskgate eval routing --no-model --json', 'the default score alone, as JSON'],
    ],
    exit: '0 done; 2 usage or config error',
  },
  {
    name: 'eval findings',
    usage: 'riskgate eval findings [options]',
    summary:
      'Review a sample of this repository\'s own bug-introducing and clean commits with each arm (routed,\nfast, strong) and score the findings against the lines the later fixes changed (ANTHROPIC_API_KEY).',
    options: ['since', 'until', 'config', 'commits', 'seed', 'arms', 'max-usd', 'repo', 'out', 'dry-run', 'json'],
    examples: [
      ['riskgate eval findings --dry-run', 'what it would cost; no key, no call'],
      ['riskgate eval findings --commits 10 --arms routed,strong --max-usd 2', 'a smaller run'],
    ],
    exit: '0 done; 2 usage or config error (no ANTHROPIC_API_KEY); 3 stopped by --max-usd (the report\n  covers what was reviewed)',
  },
  {
    name: 'config validate',
    usage: 'riskgate config validate [FILE]',
    summary: 'Check a config file (default .github/riskgate.yml): each problem with its key and YAML line.',
    options: ['config'],
    examples: [
      ['riskgate config validate', '.github/riskgate.yml'],
      ['riskgate config validate ci/riskgate.yml', 'another file'],
    ],
    exit: '0 valid; 2 invalid or not found',
  },
  {
    name: 'config show',
    usage: 'riskgate config show [--config FILE]',
    summary: 'The effective config, defaults filled in: what riskgate will use.',
    options: ['config'],
    examples: [['riskgate config show', 'the checkout\'s config with the defaults']],
    exit: '0 done; 2 invalid config',
  },
];

/** The top-level command words, for "did you mean". */
export const COMMAND_WORDS = ['score', 'plan', 'review', 'spend', 'calibrate', 'eval', 'config', 'help'];
export const SUBCOMMANDS: Record<string, string[]> = { eval: ['routing', 'findings'], config: ['validate', 'show'] };

export function findCommand(words: readonly string[]): CommandHelp | undefined {
  const two = words.slice(0, 2).join(' ');
  return COMMANDS.find((c) => c.name === two) ?? COMMANDS.find((c) => c.name === words[0]);
}

const indentLines = (text: string, by: number) => text.split('\n').map((l) => `${' '.repeat(by)}${l}`).join('\n');

export function commandHelp(command: CommandHelp): string {
  const options = [...command.options, ...GLOBAL_OPTIONS].map((o) => indentLines(OPTION_HELP[o]!, 2)).join('\n');
  const width = Math.max(...command.examples.map(([cmd]) => cmd.length));
  const examples = command.examples.map(([cmd, what]) => `  ${cmd.padEnd(width)}  # ${what}`).join('\n');
  return `Usage: ${command.usage}

${command.summary}

Options:
${options}

Examples:
${examples}
${command.exit ? `\nExit status: ${command.exit}\n` : ''}`;
}

export function mainHelp(): string {
  const list = COMMANDS.map((c) => `  riskgate ${c.name.padEnd(16)} ${c.summary.split(/[.:]\s|\n/)[0]!.replace(/\.$/, '')}`).join('\n');
  const options = Object.values(OPTION_HELP).map((o) => indentLines(o, 2)).join('\n');
  return `riskgate: risk-based quality gates for pull requests

Usage: riskgate COMMAND [options]; riskgate COMMAND --help for its options and examples

Commands:
${list}

Options:
${options}

Examples:
  riskgate score                       score this branch against origin/HEAD
  riskgate review --dry-run            what a review would run and cost
  riskgate review --json > out.json    review; progress on stderr, the report on stdout
  riskgate config validate             check .github/riskgate.yml

${EXIT_STATUS_HELP}
`;
}
