import { z } from 'zod';
import { SEVERITIES } from '../findings/finding.js';
import { FLOOR_SCOPES, FLOOR_TIERS, type TierFloorSetting } from '../plan/tier-floors.js';
import { AGENTS, MODEL_CLASSES, TIERS } from '../plan/tier.js';
import { knownFactorIds } from '../risk/known-factor-ids.js';
import { DEFAULT_PERMISSION_PATHS, DEFAULT_SENSITIVE_PATHS } from './default-sensitive-paths.js';
import { DEFAULT_TIER_FLOORS } from './default-tier-floors.js';
import { didYouMean } from './describe-config-issues.js';

// The schema of `.github/riskgate.yml`. Every key has a default, unknown keys are errors (a typo
// must never be silently ignored), and the YAML keys are used as they are in code.

export const ON_ERROR_POLICIES = ['by-tier', 'neutral', 'failure'] as const;
export type OnErrorPolicy = (typeof ON_ERROR_POLICIES)[number];

const globList = z.array(z.string().min(1));
const positiveInt = z.number().int().positive();
const usd = z.number().nonnegative();
// A regular expression written in YAML: it must compile, and the error says why it does not.
const regexSource = z.string().min(1).superRefine((source, ctx) => {
  try {
    new RegExp(source, 'iu');
  } catch (error) {
    ctx.addIssue({ code: 'custom', message: `not a valid regular expression: ${(error as Error).message}` });
  }
});

/** Which findings the strong model checks before they are reported (src/run/verify-findings.ts). */
export const VERIFY_MODES = ['all', 'blockers', 'off'] as const;
export type VerifyMode = (typeof VERIFY_MODES)[number];
// `findings.exclude` goes into every prompt: bounded so a config cannot crowd out the diff.
const MAX_EXCLUSIONS = 20;
const MAX_EXCLUSION_CHARS = 300;
// `review.instructions` is capped again in tokens when packed (src/context/read-guidelines.ts).
const MAX_INSTRUCTIONS_CHARS = 20_000;

export const FIX_WHEN = ['keyword', 'issue', 'keyword-or-issue', 'keyword-and-issue'] as const;
export const DEFAULT_FIX_PATTERNS = [
  '\\b(?:fix(?:e[sd]|ing)?|bug(?:s|fix(?:es)?)?|defects?|hotfix(?:es)?|regressions?|crash(?:es|ed)?|npe)\\b',
];
// Encodings and standards (UTF-8, SHA-256, ISO-8601, HTTP-2) look like JIRA keys and are not.
export const DEFAULT_ISSUE_PATTERNS = ['\\b(?!(?:UTF|SHA|ISO|HTTP|MD|RFC|TLS|SSL|X)-)[A-Z][A-Z0-9]+-[0-9]+\\b', '(?:^|[\\s(])#[0-9]+\\b'];

const agentModels = z.strictObject(
  Object.fromEntries(AGENTS.map((agent) => [agent, z.enum(MODEL_CLASSES).optional()])) as Record<
    (typeof AGENTS)[number],
    z.ZodOptional<z.ZodEnum<{ fast: 'fast'; strong: 'strong'; local: 'local' }>>
  >,
);

interface TierPlanDefaults {
  agents: Partial<Record<(typeof AGENTS)[number], (typeof MODEL_CLASSES)[number]>>;
  token_budget: number;
  max_output_tokens: number;
}

// Each field defaults per tier, so a config may change one field of one tier. `agents`, when
// given, replaces the tier's whole agent map: the agents listed are the agents that run.
function tierPlan(defaults: TierPlanDefaults) {
  return z
    .strictObject({
      /** Which agents run at this tier and on which model class. */
      agents: agentModels.default(defaults.agents),
      /** Prompt tokens of the pull request each agent is shown: files are packed by risk up to this. */
      token_budget: positiveInt.default(defaults.token_budget),
      /** The most output tokens one agent call may produce. */
      max_output_tokens: positiveInt.default(defaults.max_output_tokens),
    })
    .prefault({});
}

const DEFAULT_TIER_PLANS: Record<(typeof TIERS)[number], TierPlanDefaults> = {
  minimal: { agents: { review: 'fast' }, token_budget: 40_000, max_output_tokens: 2_000 },
  standard: { agents: { review: 'fast', security: 'fast', tests: 'fast' }, token_budget: 90_000, max_output_tokens: 3_000 },
  thorough: { agents: { review: 'strong', security: 'strong', tests: 'fast' }, token_budget: 200_000, max_output_tokens: 4_000 },
  full: { agents: { review: 'strong', security: 'strong', tests: 'strong' }, token_budget: 400_000, max_output_tokens: 6_000 },
};

const rates = {
  input: usd,
  output: usd,
  cache_write_5m: usd,
  cache_write_1h: usd,
  cache_read: usd,
};
const modelPrice = z.strictObject({
  ...rates,
  long_context: z.strictObject({ ...rates, above_tokens: positiveInt }).optional(),
  /** A self-hosted model: reports say "local" instead of dollars (its rates are usually 0). */
  local: z.boolean().optional(),
});

// `provider/model`, or a bare id meaning `anthropic/<id>`. A slash must follow a provider name:
// `Anthropic/x` or `/x` is a typo, not a model id.
const MODEL_NAME = /^[a-z][a-z0-9-]{0,31}\/\S+$/;
const modelName = z
  .string()
  .min(1)
  .refine((name) => !name.includes('/') || MODEL_NAME.test(name), {
    message: 'a model is named "provider/model" (provider: lower-case letters, digits and "-", starting with a letter) or by a bare Anthropic model id',
  });
const fallbackList = z.array(modelName).max(5);

const thresholds = z
  .strictObject({
    standard: z.number().min(0).max(100).default(25),
    thorough: z.number().min(0).max(100).default(50),
    full: z.number().min(0).max(100).default(75),
  })
  .refine((t) => t.standard <= t.thorough && t.thorough <= t.full, {
    message: 'thresholds must rise: standard <= thorough <= full',
  });

// A floor is a tier, `none`, or the long form with where it holds. Parsed to the long form and
// merged over the built-in floors: an entry replaces the built-in entry of its factor id (all of
// it: `full` alone means in any file, tests included), and `none` stays in the map as a removal,
// so parsing an effective config again gives the same config.
const floorRule = z.strictObject({
  tier: z.enum(FLOOR_TIERS),
  in: z.enum(FLOOR_SCOPES).default('any'),
  tests: z.boolean().default(true),
});
const floorSetting = z
  .union([z.enum([...FLOOR_TIERS, 'none']), floorRule])
  .transform((setting): TierFloorSetting => (typeof setting !== 'string' || setting === 'none' ? setting : { tier: setting, in: 'any', tests: true }));
const floors = z
  .record(z.string().min(1), floorSetting)
  .default({})
  .transform((configured): Record<string, TierFloorSetting> => ({ ...DEFAULT_TIER_FLOORS, ...configured }));

const kindGlobs = z.strictObject({
  source: globList.optional(),
  test: globList.optional(),
  docs: globList.optional(),
  config: globList.optional(),
  ci: globList.optional(),
  infrastructure: globList.optional(),
  'dependency-manifest': globList.optional(),
  lockfile: globList.optional(),
  generated: globList.optional(),
  vendored: globList.optional(),
});

export const configSchema = z.strictObject({
  version: z.literal(1).default(1),
  risk: z
    .strictObject({
      /** Category -> globs. Replaces the built-in map. */
      sensitive_paths: z.record(z.string().min(1), globList).default(DEFAULT_SENSITIVE_PATHS),
      permission_paths: globList.default(DEFAULT_PERMISSION_PATHS),
      /** Files with more changed lines than this are counted but not read line by line. */
      max_file_lines: positiveInt.default(20_000),
    })
    .prefault({}),
  paths: z
    .strictObject({
      /** Extra globs per file kind, checked before the built-in rules. */
      kinds: kindGlobs.default({}),
    })
    .prefault({}),
  tiers: z
    .strictObject({
      thresholds: thresholds.prefault({}),
      /** Any changed path matching one of these forces the full tier. */
      always_full: globList.default([]),
      /** Factor id -> the lowest tier a change with that factor gets, whatever its score. */
      floors,
      minimal: tierPlan(DEFAULT_TIER_PLANS.minimal),
      standard: tierPlan(DEFAULT_TIER_PLANS.standard),
      thorough: tierPlan(DEFAULT_TIER_PLANS.thorough),
      full: tierPlan(DEFAULT_TIER_PLANS.full),
    })
    .prefault({}),
  /**
   * Which model each class means, as `provider/model` (a bare id is `anthropic/<id>`). Where a
   * provider is served from and with which credentials is the operator's environment's alone
   * (RISKGATE_PROVIDERS, docs/providers.md): no key here names an endpoint or a credential.
   */
  models: z
    .strictObject({
      fast: modelName.default('claude-haiku-5-5'),
      strong: modelName.default('claude-sonnet-5-5'),
      /** The third class: a tier's agent set to `local` runs on it (typically a self-hosted model at $0). */
      local: modelName.optional(),
      /** Per class, what to call, in order, when the class's model is down (429, 529, 5xx, timeouts). */
      fallback: z
        .strictObject({ fast: fallbackList.optional(), strong: fallbackList.optional(), local: fallbackList.optional() })
        .default({}),
    })
    .prefault({}),
  findings: z
    .strictObject({
      /** Findings a model is less sure of than this are not reported (0 to 1). */
      min_confidence: z.number().min(0).max(1).default(0.6),
      /** At most this many findings per agent, the most severe and confident first. */
      max_per_agent: positiveInt.default(8),
      /** The strong model checks every blocker and warning (`all`), only blockers, or nothing before they are reported. */
      verify: z.enum(VERIFY_MODES).default('all'),
      /** Kinds of findings never to report, added to the prompts' built-in exclusion list. */
      exclude: z.array(z.string().min(1).max(MAX_EXCLUSION_CHARS)).max(MAX_EXCLUSIONS).default([]),
    })
    .prefault({}),
  review: z
    .strictObject({
      /** The repository's review guidelines, in place of AGENTS.md, CLAUDE.md, REVIEW.md or .github/copilot-instructions.md. */
      instructions: z.string().min(1).max(MAX_INSTRUCTIONS_CHARS).optional(),
      /** Show the agents the repository's guidelines, read at the base branch. */
      guidelines: z.boolean().default(true),
      /**
       * Targeted context the models are shown beside the diff, read at the head (each an arm of
       * `riskgate eval findings`, to measure before trusting it): packed after the files, dropped first.
       */
      context: z
        .strictObject({
          /** Each hunk grown to its enclosing function (a small class whole). */
          functions: z.boolean().default(true),
          /** Up to 10 call sites of each changed or removed exported symbol (where a clone is at hand: the CLI and eval). */
          callers: z.boolean().default(true),
        })
        .prefault({}),
    })
    .prefault({}),
  run: z
    .strictObject({
      /** Dollars one run may spend on models, all calls together; reaching it stops further calls. */
      max_usd: usd.default(3),
      /** Tokens (prompt and output) one run may use, all calls together. */
      max_tokens: positiveInt.default(1_500_000),
      /** Each agent call, retries included, ends by then. */
      agent_timeout_seconds: positiveInt.max(3_600).default(240),
    })
    .prefault({}),
  gate: z
    .strictObject({
      /** A finding at this severity or above fails the gate. */
      fail_on: z.enum(SEVERITIES).default('blocker'),
      /**
       * When riskgate could not decide (model outage, timeout, budget): `failure` blocks the merge,
       * `neutral` lets it through with the trouble shown; `by-tier` fails at thorough and full.
       */
      on_error: z.enum(ON_ERROR_POLICIES).default('by-tier'),
      /** Gate draft pull requests too (by default they are gated when marked ready for review). */
      review_drafts: z.boolean().default(false),
    })
    .prefault({}),
  /** How `riskgate calibrate` labels history; read from the checked-out config. */
  calibrate: z
    .strictObject({
      /** A message matching any of these (case-insensitive) describes a bug fix. */
      fix_patterns: z.array(regexSource).default(DEFAULT_FIX_PATTERNS),
      /** Issue keys (case-sensitive): JIRA's `ABC-123`, GitHub's `#123`. */
      issue_patterns: z.array(regexSource).default(DEFAULT_ISSUE_PATTERNS),
      /** Which messages mark a fix: a fix word, an issue key, either, or both. */
      fix_when: z.enum(FIX_WHEN).default('keyword'),
      /** Commits touching more files than this are bulk changes (imports, reformatting): never labelled. */
      max_commit_files: positiveInt.default(100),
      /** Likewise for added plus deleted lines. */
      max_commit_lines: positiveInt.default(10_000),
      /** Bugs in the newest changes are not found yet: commits this recent are neither trained nor tested on. */
      label_horizon_days: positiveInt.max(3_650).default(180),
      /** Days left out between the training and the test part of the validation. */
      validation_gap_days: z.number().int().nonnegative().max(3_650).default(60),
    })
    .prefault({}),
  /** `provider/model` (or a bare Anthropic id) -> prices; merged over the built-in table. */
  prices: z.record(modelName, modelPrice).default({}),
})
  // A floor naming no factor would never hold: a typo must not silently disable a floor. Which
  // ids exist depends on the sensitive categories, so this is checked on the whole config.
  .superRefine((config, ctx) => {
    // A tier that runs an agent on the local class needs a model for it.
    if (config.models.local === undefined) {
      for (const tier of TIERS) {
        for (const [agent, modelClass] of Object.entries(config.tiers[tier].agents)) {
          if (modelClass !== 'local') continue;
          ctx.addIssue({ code: 'custom', path: ['tiers', tier, 'agents', agent], message: 'runs on the local class, but models.local names no model (e.g. models: { local: local/qwen2.5-coder })' });
        }
      }
    }
    const known = knownFactorIds(Object.keys(config.risk.sensitive_paths));
    for (const id of Object.keys(DEFAULT_TIER_FLOORS)) known.add(id);
    const allowed = [...known].sort();
    for (const id of Object.keys(config.tiers.floors)) {
      if (known.has(id)) continue;
      const guess = didYouMean(id, allowed);
      ctx.addIssue({
        code: 'custom',
        path: ['tiers', 'floors', id],
        message: `no factor has this id${guess ? `; did you mean "${guess}"?` : ''} (factor ids: ${allowed.join(', ')})`,
      });
    }
  });

export type RiskgateConfig = z.output<typeof configSchema>;
export type TierPlanConfig = RiskgateConfig['tiers']['minimal'];
