import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseRiskModel, type RiskModel } from '../../src/calibrate/risk-model-file.js';
import type { RiskgateConfig } from '../../src/config/config-schema.js';
import { parseConfig } from '../../src/config/load-config.js';
import { resolveGitChange } from '../../src/git/resolve-change.js';
import { TIERS, tierRank, type Tier } from '../../src/plan/tier.js';
import { createChangeScorer } from '../../src/run/score-change.js';
import { BOB, CAROL, day, fastImport, GitFixture, type ImportCommit } from '../support/git-fixture.js';
import { riskModelFileText } from '../support/risk-model-fixture.js';
import { runCli } from '../support/run-cli.js';
import { syntheticHistory } from '../support/synthetic-history.js';

// `riskgate eval routing` through the real CLI, on a history with planted bugs, a migration that
// drops a table (later fixed), a hard-coded credential, a bulk commit and a merge. Every figure is
// checked against an oracle that reads each commit the slow way (`riskgate score <commit>`'s own
// git diff, one commit at a time) and labels from what was planted, not from SZZ.

const CONFIG_TEXT = `tiers:
  thresholds: { standard: 9, thorough: 26, full: 30 }
  floors:
    pattern.sql-ddl: full
    pattern.hardcoded-credential: full
`;

interface TierJson {
  tier: Tier;
  commits: number;
  share: number;
  buggy: number;
  buggyShare: number;
  laBuggy: number;
  laBuggyShare: number;
  estimatedUsd: number;
}
interface FloorJson {
  factor: string;
  tier: string;
  holds: number;
  raised: number;
  buggy: number;
}
interface RoutingJson {
  tiers: TierJson[];
  floors: { raised: number; buggy: number; factors: FloorJson[] };
  estimatedUsd: number;
}
interface EvalJson extends RoutingJson {
  window: { since: string | null; labelledUntil: string; fixesUntil: string; labelHorizonDays: number; firstCommit: string; lastCommit: string };
  commits: number;
  buggy: number;
  leftOut: { merges: number; bulk: number; unreadable: number };
  config: string;
  model: (RoutingJson & { source: string; variant: string; trainedThrough: string; inSampleCommits: number }) | null;
}

const fixture = new GitFixture('riskgate-eval-routing-');
afterAll(() => fixture.cleanup());

const UNTIL_DAY = 430;
const until = new Date(day(UNTIL_DAY) * 1000).toISOString().slice(0, 10);
// --until names a whole day; the last 180 days (the default horizon) are left out.
const labelledUntil = day(UNTIL_DAY + 1) - 180 * 86_400;
const MODEL_TRAINED_UNTIL = 200;
const modelText = riskModelFileText({ window: { since: null, until: new Date(day(MODEL_TRAINED_UNTIL + 30) * 1000).toISOString(), labelHorizonDays: 30 } });

const synthetic = syntheticHistory(100, { seed: 3, withFixes: true, daysApart: 4 });
const specials = {
  migration: { who: BOB, when: day(150.5), message: 'Add migration dropping the legacy sessions', files: { 'db/migrations/0042_drop_legacy.sql': 'DROP TABLE legacy_sessions;\nCREATE INDEX users_email ON users (email);\n' } },
  migrationFix: { who: CAROL, when: day(165.5), message: 'Fix migration: keep legacy sessions until the backfill', files: { 'db/migrations/0042_drop_legacy.sql': 'DELETE FROM legacy_sessions WHERE expired = 1;\nCREATE INDEX users_email ON users (email);\n' } },
  credential: { who: BOB, when: day(170.5), message: 'Mail transport', files: { 'lib/mail.py': 'smtp = {"user": "mailer", "password": "Tr0ub4dor-horse-battery"}\n' } },
  bulk: { who: CAROL, when: day(180.5), message: 'Import the fixtures', files: Object.fromEntries(Array.from({ length: 101 }, (_, i) => [`data/f${i}.txt`, `row ${i}\n`])) },
  model: { who: CAROL, when: day(UNTIL_DAY - 2), message: 'Add the calibrated model', files: { '.github/riskgate-model.json': modelText } },
} satisfies Record<string, ImportCommit>;

let shas: string[] = [];
const special: Record<string, string> = {};
let config: RiskgateConfig;
let model: RiskModel;
let json: EvalJson;
let defaultRows: ReturnType<typeof oracle> | undefined;
/** The oracle for the working tree's config, computed once. */
const routedByDefault = () => (defaultRows ??= oracle({ config }));

/** How a config (and model) routes each labelled commit, the slow way: one `riskgate score <commit>` diff at a time. */
async function oracle(routeWith: { config: RiskgateConfig; model?: RiskModel }) {
  const scorer = createChangeScorer(routeWith.config, routeWith.model);
  const unfloored = createChangeScorer({ ...routeWith.config, tiers: { ...routeWith.config.tiers, floors: {} } }, routeWith.model);
  const buggy = new Set([...synthetic.buggy].map((i) => shas[i]!).concat(special.migration!));
  const listed = fixture.git(['log', '--no-merges', '--format=%H %at', 'HEAD']).trim().split('\n');
  const rows: Array<{ sha: string; time: number; tier: Tier; unfloored: Tier; floors: Array<{ factor: string; tier: Tier }>; buggy: boolean; la: number }> = [];
  for (const line of listed) {
    const [sha = '', at = ''] = line.split(' ');
    if (Number(at) > labelledUntil || sha === special.bulk) continue;
    const change = await resolveGitChange(fixture.dir, sha);
    const text = { ...(change.title ? { title: change.title } : {}), ...(change.body ? { body: change.body } : {}) };
    const result = scorer.scoreText(change.diffText, text);
    rows.push({
      sha,
      time: Number(at),
      tier: result.tier,
      unfloored: unfloored.scoreText(change.diffText, text).tier,
      floors: result.floors,
      buggy: buggy.has(sha),
      la: result.additions,
    });
  }
  return rows;
}

/** Buggy commits a lines-added router with the same tier counts sends to each tier; equal sizes share their places. */
function expectedLinesAdded(rows: Awaited<ReturnType<typeof oracle>>): Record<Tier, number> {
  const sizes = rows.map((r) => r.la).sort((a, b) => a - b);
  const out = Object.fromEntries(TIERS.map((t) => [t, 0])) as Record<Tier, number>;
  let from = 0;
  for (const tier of TIERS) {
    const to = from + rows.filter((r) => r.tier === tier).length;
    for (const row of rows.filter((r) => r.buggy)) {
      const first = sizes.indexOf(row.la);
      const last = sizes.lastIndexOf(row.la) + 1;
      out[tier] += Math.max(0, Math.min(to, last) - Math.max(from, first)) / (last - first);
    }
    from = to;
  }
  return out;
}

function expectRouting(got: RoutingJson, rows: Awaited<ReturnType<typeof oracle>>) {
  const la = expectedLinesAdded(rows);
  const allBuggy = rows.filter((r) => r.buggy).length;
  for (const tier of TIERS) {
    const row = got.tiers.find((t) => t.tier === tier)!;
    const here = rows.filter((r) => r.tier === tier);
    expect(row.commits, tier).toBe(here.length);
    expect(row.share).toBeCloseTo(here.length / rows.length, 10);
    expect(row.buggy, tier).toBe(here.filter((r) => r.buggy).length);
    expect(row.buggyShare).toBeCloseTo(row.buggy / allBuggy, 10);
    expect(row.laBuggy, `lines added, ${tier}`).toBeCloseTo(la[tier], 10);
  }
  const raised = rows.filter((r) => r.tier !== r.unfloored);
  expect(got.floors.raised).toBe(raised.length);
  expect(got.floors.buggy).toBe(raised.filter((r) => r.buggy).length);
  for (const floor of got.floors.factors) {
    const holding = rows.filter((r) => r.floors.some((f) => f.factor === floor.factor));
    const raisedBy = holding.filter((r) => r.floors.some((f) => f.factor === floor.factor && tierRank(f.tier) > tierRank(r.unfloored)));
    expect({ holds: floor.holds, raised: floor.raised, buggy: floor.buggy }, floor.factor).toEqual({
      holds: holding.length,
      raised: raisedBy.length,
      buggy: raisedBy.filter((r) => r.buggy).length,
    });
  }
}

beforeAll(async () => {
  const commits: ImportCommit[] = [...synthetic.commits, specials.migration, specials.migrationFix, specials.credential, specials.bulk, specials.model];
  shas = fastImport(fixture, commits);
  Object.keys(specials).forEach((name, i) => (special[name] = shas[synthetic.commits.length + i]!));
  // A merge inside the window: a side branch off an early commit, merged back.
  fixture.git(['checkout', '-q', '-f', 'main']);
  fixture.git(['checkout', '-q', '-b', 'side', shas[40]!]);
  fixture.write('lib/side.py', ['side = 1']);
  special.side = fixture.commit('Side work', BOB, day(200.5));
  fixture.git(['checkout', '-q', 'main']);
  fixture.git(['merge', '-q', '--no-ff', '-m', 'Merge side', 'side'], { who: CAROL, when: day(201) });
  fixture.write('.github/riskgate.yml', CONFIG_TEXT);
  config = parseConfig(CONFIG_TEXT, 'test');
  model = parseRiskModel(modelText, 'test');
  const run = await runCli(['eval', 'routing', '--until', until, '--json'], { cwd: fixture.dir });
  expect(run.code, run.stderr).toBe(0);
  json = JSON.parse(run.stdout) as EvalJson;
}, 120_000);

describe('riskgate eval routing --json', () => {
  it('routes every labelled commit as riskgate score does, per tier beside the lines-added router, with the planted labels', async () => {
    const rows = await routedByDefault();
    expect(json.commits).toBe(rows.length);
    expect(json.buggy).toBe(rows.filter((r) => r.buggy).length);
    expect(json.buggy).toBeGreaterThan(10);
    // The thresholds of the working tree's config spread the commits over every tier.
    for (const tier of json.tiers) expect(tier.commits, tier.tier).toBeGreaterThan(0);
    expectRouting(json, rows);
    expect(json.config).toBe('.github/riskgate.yml');
  });

  it('names the floors that raised the migration and the credential, and that the migration was later fixed', async () => {
    const rows = await routedByDefault();
    const migration = rows.find((r) => r.sha === special.migration)!;
    const credential = rows.find((r) => r.sha === special.credential)!;
    expect(migration.tier).not.toBe(migration.unfloored);
    expect(credential.tier).not.toBe(credential.unfloored);
    expect(json.floors.raised).toBeGreaterThanOrEqual(2);
    expect(json.floors.buggy).toBeGreaterThanOrEqual(1);
    // Which floor catches DROP TABLE depends on the rules (pattern.sql-ddl, or pattern.sql-destructive).
    const dropFloors = json.floors.factors.filter((f) => f.factor === 'pattern.sql-ddl' || f.factor === 'pattern.sql-destructive');
    expect(dropFloors.reduce((n, f) => n + f.buggy, 0)).toBe(1);
    expect(json.floors.factors.find((f) => f.factor === 'pattern.hardcoded-credential')).toMatchObject({ tier: 'full', raised: 1, buggy: 0 });
  });

  it('has the shape the issue asks for, the window, and what it left out', () => {
    for (const tier of json.tiers) expect(Object.keys(tier)).toEqual(expect.arrayContaining(['tier', 'commits', 'buggy', 'laBuggy']));
    expect(json.tiers.map((t) => t.tier)).toEqual([...TIERS]);
    expect(json.window).toMatchObject({
      since: null,
      labelledUntil: new Date(labelledUntil * 1000).toISOString(),
      fixesUntil: new Date(day(UNTIL_DAY + 1) * 1000).toISOString(),
      labelHorizonDays: 180,
      firstCommit: new Date(day(0) * 1000).toISOString(),
    });
    expect(json.leftOut).toEqual({ merges: 1, bulk: 1, unreadable: 0 });
  });

  it('routes with the model committed at HEAD too, its diff-only variant, and says how much of the window it was trained on', async () => {
    expect(json.model).not.toBeNull();
    expect(json.model!.source).toBe(`.github/riskgate-model.json at ${fixture.head().slice(0, 12)} (HEAD)`);
    expect(json.model!.variant).toBe('diff');
    const rows = await oracle({ config, model });
    expectRouting(json.model!, rows);
    expect(json.model!.inSampleCommits).toBe(rows.filter((r) => r.time <= day(MODEL_TRAINED_UNTIL)).length);
    // The model routes differently from the default score on this history.
    expect(json.model!.tiers.map((t) => t.commits)).not.toEqual(json.tiers.map((t) => t.commits));
  });

  it('--no-model leaves the model out; --model FILE uses that file', async () => {
    const none = JSON.parse((await runCli(['eval', 'routing', '--until', until, '--json', '--no-model'], { cwd: fixture.dir })).stdout) as EvalJson;
    expect(none.model).toBeNull();
    expect(none.tiers).toEqual(json.tiers);
    const file = join(fixture.dir, 'other-model.json');
    writeFileSync(file, riskModelFileText());
    const other = JSON.parse((await runCli(['eval', 'routing', '--until', until, '--json', '--model', 'other-model.json'], { cwd: fixture.dir })).stdout) as EvalJson;
    expect(other.model!.source).toBe('other-model.json');
    expect(other.model!.inSampleCommits).toBe(json.commits);
  });

  it('reads the same whatever the user\'s git config says about diffs and logs', async () => {
    const hostile = join(fixture.dir, '.git', 'hostile-gitconfig');
    writeFileSync(
      hostile,
      ['[diff]', '\tnoprefix = true', '\tmnemonicPrefix = true', '\tcontext = 0', '\trenames = false', '\trelative = true', '[color]', '\tui = always', '[log]', '\tshowRoot = false', '\tshowSignature = true', ''].join('\n'),
    );
    const run = await runCli(['eval', 'routing', '--until', until, '--json'], { cwd: fixture.dir, env: { GIT_CONFIG_GLOBAL: hostile } });
    expect(run.code, run.stderr).toBe(0);
    const got = JSON.parse(run.stdout) as EvalJson;
    expect({ tiers: got.tiers, floors: got.floors, commits: got.commits, buggy: got.buggy }).toEqual({ tiers: json.tiers, floors: json.floors, commits: json.commits, buggy: json.buggy });
  });
});

describe('riskgate eval routing, the table', () => {
  it('prints the tiers beside lines added, the floors, and what was left out', async () => {
    const run = await runCli(['eval', 'routing', '--until', until], { cwd: fixture.dir });
    expect(run.code, run.stderr).toBe(0);
    const out = run.stdout;
    expect(out).toContain(`riskgate eval routing: ${json.commits} commits authored 2022-01-03 to `);
    expect(out).toContain(`${json.buggy} of them later fixed`);
    expect(out).toContain('left out as calibrate does: 1 merge(s) and 1 bulk commit(s)');
    expect(out).toContain('config: .github/riskgate.yml');
    for (const t of json.tiers) {
      expect(out).toMatch(new RegExp(`\\n  ${t.tier} +${t.commits} +${(100 * t.share).toFixed(1)}% +${t.buggy} `));
    }
    expect(out).toMatch(/tier floors raised \d+ commit\(s\)/);
    expect(out).toMatch(/pattern\.hardcoded-credential +full +1 +1 +0/);
    expect(out).toContain('calibrated model (.github/riskgate-model.json at');
    expect(out).toContain('diff-only variant as the gate uses it');
    expect(out).toMatch(/caution: the model was trained on \d+ of these commits/);
  });

  it('refuses a subcommand it does not know', async () => {
    const run = await runCli(['eval', 'routes'], { cwd: fixture.dir });
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('riskgate: unknown eval subcommand "routes"; did you mean "routing"? (riskgate eval --help lists them: routing, findings)');
  });
});
