import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { SqliteStore } from '../../src/store/sqlite/sqlite-store.js';
import { answer, roleOf, scriptAgents, verdicts, type ModelFinding } from '../support/agent-script.js';
import { AnthropicTestServer, promptOf } from '../support/anthropic-server.js';
import { day, fastImport, GitFixture } from '../support/git-fixture.js';
import { runCli, startCli } from '../support/run-cli.js';
import { syntheticHistory } from '../support/synthetic-history.js';

// `riskgate eval findings` through the real CLI, on a synthetic history whose bugs were planted
// with their exact lines, against the local Messages API scripted per prompt. Every figure is
// checked against what was planted and against the commits' own diffs, read here with git.

type Window = { k0: number | null; k3: number | null; k10: number | null };
interface ArmJson {
  name: string;
  commits: number;
  sampled: number;
  introducers: number;
  clean: number;
  recall: Window;
  blockerRecall: Window;
  randomRecall: Window;
  randomBlockerRecall: Window;
  hitShare: number | null;
  findingsPerCleanCommit: number | null;
  cleanWithBlocker: number | null;
  costUsd: number;
  spentUsd: number;
  usdPerCommit: number | null;
  tokensPerCommit: number | null;
  cacheHitRatio: number;
  calls: number;
  reusedAnswers: number;
  agentsFailed: number;
  agentsBudgetLimited: number;
  budgetLimited: boolean;
  partial: number;
  notRun: number;
  tiers: Record<string, number>;
}
interface SampleJson {
  repository: string;
  seed: number;
  commitsPerSide: number;
  maxUsd: number;
  sample: { introducers: Array<{ sha: string; targetLines: Record<string, number[]>; fixes: string[] }>; clean: Array<{ sha: string; matchedTo: string }> };
}
interface EvalJson extends SampleJson {
  arms: ArmJson[];
  pairs: Array<{ a: string; b: string; k: number; introducers: number; onlyA: number; onlyB: number; mcnemarP: number; difference: number | null; interval95: [number, number] | null }>;
  spentUsd: number;
  stoppedBy: string | null;
  caveats: string[];
}
interface PriceJson extends SampleJson {
  dryRun: true;
  arms: Array<{ name: string; commits: number; estimatedUsd: number; worstCaseUsd: number; tiers: Record<string, number> }>;
  estimatedUsd: number;
  worstCaseUsd: number;
}

const COMMITS = 4;
const synthetic = syntheticHistory(100, { seed: 3, withFixes: true, daysApart: 4 });
// A tag in every message, so a request tells which commit it reviews (the title is in the prompt).
synthetic.commits.forEach((commit, i) => (commit.message = `${commit.message} [c${i}]`));
const UNTIL = new Date(day(430) * 1000).toISOString().slice(0, 10);

const fixture = new GitFixture('riskgate-eval-findings-');
const server = new AnthropicTestServer();
const scratch: string[] = [];
let shas: string[] = [];
const indexOf = new Map<string, number>();
let priced: PriceJson;

const tempDir = (prefix: string) => {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  scratch.push(dir);
  return dir;
};
const env = (dataDir: string) => ({ ANTHROPIC_API_KEY: 'sk-test', ANTHROPIC_BASE_URL: server.url, RISKGATE_DATA_DIR: dataDir });
const evalArgs = (...more: string[]) => ['eval', 'findings', '--until', UNTIL, '--commits', String(COMMITS), ...more];

/** The commit a request reviews: the tag of the title in its prompt. */
function commitOf(body: Record<string, unknown>): number {
  const tag = /\[c(\d+)\]/.exec(promptOf(body));
  if (!tag) throw new Error(`a request names no commit: ${promptOf(body).slice(0, 300)}`);
  return Number(tag[1]);
}

/** A request's body with its run's random fence boundary taken out: equal for equal prompts. */
function normalised(body: Record<string, unknown>): string {
  const text = JSON.stringify(body);
  const boundary = /boundary=\\"([0-9a-f]{16})\\"/.exec(text)?.[1];
  return boundary ? text.replaceAll(boundary, 'BOUNDARY') : text;
}

/** The lines a commit added, per path, read from git (not from riskgate's parser). */
function addedLines(sha: string): Map<string, number[]> {
  const out = new Map<string, number[]>();
  let path = '';
  for (const line of fixture.git(['show', '--format=', '-U0', '--no-color', sha]).split('\n')) {
    if (line.startsWith('+++ ')) path = line.slice('+++ b/'.length);
    const hunk = /^@@ -\d+(?:,\d+)? \+(\d+)(?:,(\d+))? @@/.exec(line);
    if (!hunk) continue;
    const start = Number(hunk[1]);
    const count = hunk[2] === undefined ? 1 : Number(hunk[2]);
    out.set(path, [...(out.get(path) ?? []), ...Array.from({ length: count }, (_, i) => start + i)]);
  }
  return out;
}

const finding = (path: string, line: number, severity: ModelFinding['severity'] = 'blocker'): ModelFinding => ({
  severity,
  confidence: 0.9,
  path,
  start_line: line,
  end_line: line,
  title: 'Wrong value computed here',
  explanation: 'The computation uses the wrong input.',
});

const introducers = () => priced.sample.introducers;
const cleanShas = () => priced.sample.clean.map((c) => c.sha);
const target = (sha: string) => {
  const [path, lines] = Object.entries(introducers().find((i) => i.sha === sha)!.targetLines)[0]!;
  return { path, line: lines[0]! };
};
const arm = (json: EvalJson, name: string) => json.arms.find((a) => a.name === name)!;

/** The random baseline by hand: one finding on a uniformly random added line of the commit, hitting at window k. */
function expectedRandomRecall(k: number): number {
  const chances = introducers().map(({ sha }) => {
    const { path, line } = target(sha);
    const added = addedLines(sha);
    const all = [...added.values()].reduce((n, lines) => n + lines.length, 0);
    return (added.get(path) ?? []).filter((a) => Math.abs(a - line) <= k).length / all;
  });
  return chances.reduce((a, b) => a + b, 0) / chances.length;
}

beforeAll(async () => {
  await server.start();
  shas = fastImport(fixture, synthetic.commits);
  shas.forEach((sha, i) => indexOf.set(sha, i));
  fixture.git(['checkout', '-q', '-f', 'main']);
  const run = await runCli(evalArgs('--dry-run', '--json'), { cwd: fixture.dir, env: { ANTHROPIC_API_KEY: '', ANTHROPIC_BASE_URL: server.url } });
  expect(run.code, run.stderr).toBe(0);
  priced = JSON.parse(run.stdout) as PriceJson;
}, 60_000);

afterEach(() => server.reset());
afterAll(async () => {
  await server.stop();
  fixture.cleanup();
  for (const dir of scratch) rmSync(dir, { recursive: true, force: true });
});

describe('the sample', () => {
  it('is N planted introducers, each with exactly its planted line, and N clean commits that are neither introducer nor fix', () => {
    expect(introducers()).toHaveLength(COMMITS);
    for (const { sha, targetLines } of introducers()) {
      const planted = synthetic.targets.get(indexOf.get(sha)!)!;
      expect(targetLines, `commit ${indexOf.get(sha)}`).toEqual({ [planted.path]: [planted.line] });
    }
    expect(cleanShas()).toHaveLength(COMMITS);
    for (const sha of cleanShas()) {
      expect(synthetic.buggy.has(indexOf.get(sha)!)).toBe(false);
      expect(synthetic.fixes.has(indexOf.get(sha)!)).toBe(false);
    }
  });
});

describe('riskgate eval findings --dry-run', () => {
  it('sends nothing, needs no key, and prices every arm from the prompts `riskgate review --dry-run` would send', async () => {
    const run = await runCli(evalArgs('--dry-run'), { cwd: fixture.dir, env: { ANTHROPIC_API_KEY: '', ANTHROPIC_BASE_URL: server.url } });
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toContain('No model was called.');
    expect(run.stdout).toMatch(/^ {2}strong +8 +\$\d/m);
    expect(server.requests).toHaveLength(0);

    // Each arm is `riskgate review <commit>` as configured for it: routed as it is, strong at the
    // full tier (all strong by default), fast at the full tier with every call on the fast model.
    const fastConfig = join(tempDir('riskgate-fast-config-'), 'fast.yml');
    writeFileSync(fastConfig, 'models: { fast: claude-haiku-5-5, strong: claude-haiku-5-5 }\ntiers:\n  full: { agents: { review: fast, security: fast, tests: fast } }\n');
    const armArgs: Record<string, string[]> = { routed: [], strong: ['--tier', 'full'], fast: ['--tier', 'full', '--config', fastConfig] };
    const commits = [...introducers().map((i) => i.sha), ...cleanShas()];
    for (const [name, extra] of Object.entries(armArgs)) {
      let expected = 0;
      for (const sha of commits) {
        const review = await runCli(['review', sha, '--dry-run', '--json', ...extra], { cwd: fixture.dir, env: { ANTHROPIC_API_KEY: '' } });
        expect(review.code, review.stderr).toBe(0);
        expected += (JSON.parse(review.stdout) as { estimatedUsd: number }).estimatedUsd;
      }
      const priceOf = priced.arms.find((a) => a.name === name)!;
      expect(priceOf.commits).toBe(2 * COMMITS);
      expect(priceOf.estimatedUsd, name).toBeCloseTo(expected, 10);
      expect(priceOf.worstCaseUsd).toBeGreaterThan(priceOf.estimatedUsd);
    }
    expect(priced.arms.find((a) => a.name === 'strong')!.tiers).toEqual({ minimal: 0, standard: 0, thorough: 0, full: 2 * COMMITS });
    expect(priced.estimatedUsd).toBeCloseTo(priced.arms.reduce((s, a) => s + a.estimatedUsd, 0), 12);
  }, 120_000);

  it('prices the additions one arm at a time: guidelines in the prompt, the verification call in the worst case', async () => {
    const configPath = join(tempDir('riskgate-guidelines-config-'), 'riskgate.yml');
    writeFileSync(configPath, `review:\n  instructions: "${'Every amount is in cents. '.repeat(40).trim()}"\n`);
    const run = await runCli(evalArgs('--arms', 'bare,guidelines,verification', '--dry-run', '--json', '--config', configPath), { cwd: fixture.dir, env: { ANTHROPIC_API_KEY: '', ANTHROPIC_BASE_URL: server.url } });
    expect(run.code, run.stderr).toBe(0);
    expect(server.requests).toHaveLength(0);
    const arms = Object.fromEntries((JSON.parse(run.stdout) as PriceJson).arms.map((a) => [a.name, a]));
    expect(Object.keys(arms)).toEqual(['bare', 'guidelines', 'verification']);
    // The guidelines make every prompt longer; verification adds a strong call that only the worst case reserves.
    expect(arms.guidelines!.estimatedUsd).toBeGreaterThan(arms.bare!.estimatedUsd);
    expect(arms.verification!.estimatedUsd).toBeCloseTo(arms.bare!.estimatedUsd, 10);
    expect(arms.verification!.worstCaseUsd).toBeGreaterThan(arms.bare!.worstCaseUsd);
    expect(arms.bare!.tiers).toEqual(arms.verification!.tiers);
  }, 120_000);
});

describe('riskgate eval findings', () => {
  it('prices the code-context arms by name, each with the context tokens it adds (none for top-level code)', async () => {
    const run = await runCli(evalArgs('--dry-run', '--json', '--arms', 'function-context,callers'), { cwd: fixture.dir, env: { ANTHROPIC_API_KEY: '', ANTHROPIC_BASE_URL: server.url } });
    expect(run.code, run.stderr).toBe(0);
    const price = JSON.parse(run.stdout) as { arms: Array<{ name: string; commits: number; estimatedUsd: number; contextTokensPerCommit: number | null }> };
    expect(price.arms.map((a) => a.name)).toEqual(['function-context', 'callers']);
    const routed = priced.arms.find((a) => a.name === 'routed')!;
    for (const arm of price.arms) {
      expect(arm.commits).toBe(2 * COMMITS);
      // The synthetic files are statements with no function or exported symbol around them: no block is added.
      expect(arm.contextTokensPerCommit).toBe(0);
      expect(arm.estimatedUsd).toBeCloseTo(routed.estimatedUsd, 10);
    }
    expect(server.requests).toHaveLength(0);
  });

  it('needs a key unless --dry-run, and refuses bad options naming what is allowed', async () => {
    const noKey = await runCli(evalArgs(), { cwd: fixture.dir, env: { ANTHROPIC_API_KEY: '' } });
    expect(noKey.code).toBe(2);
    expect(noKey.stderr).toMatch(/set ANTHROPIC_API_KEY.*--dry-run/);
    const cases: Array<[string[], RegExp]> = [
      [['--arms', 'routed,best'], /--arms: no arm is called "best" \(arms: routed, fast, strong, bare, guidelines, function-context, callers, verification\)/],
      [['--arms', 'fast,fast'], /--arms names an arm twice/],
      [['--max-usd', '0'], /--max-usd must be a positive number of dollars/],
      [['--out', 'report.md'], /--out writes the report of a measured eval; --dry-run only prices it/],
      [['--max-usd', 'lots'], /--max-usd must be a positive number of dollars/],
      [['--seed', '1.5'], /--seed must be a whole number from 0 to 4294967295, not "1.5"/],
    ];
    for (const [extra, message] of cases) {
      const run = await runCli([...evalArgs('--dry-run'), ...extra], { cwd: fixture.dir, env: {} });
      expect(run.code, extra.join(' ')).toBe(2);
      expect(run.stderr).toMatch(message);
    }
    const zero = await runCli(['eval', 'findings', '--commits', '0', '--dry-run'], { cwd: fixture.dir });
    expect(zero.stderr).toMatch(/--commits must be a whole number from 1 to 1000, not "0"/);
    expect(server.requests).toHaveLength(0);
  });

  describe('with a reviewer that flags the planted lines', () => {
    let json: EvalJson;
    let requests: Array<Record<string, unknown>>;
    const dataDir = () => scratch.find((d) => d.includes('riskgate-eval-planted-'))!;
    let markdown: string;

    beforeAll(async () => {
      const data = tempDir('riskgate-eval-planted-');
      const reportPath = join(tempDir('riskgate-eval-report-'), 'report.md');
      const plain = scriptAgents({ verify: verdicts({ index: 0, real: true }) });
      server.respond = (body) => {
        const planted = synthetic.targets.get(commitOf(body));
        if (roleOf(body) === 'review' && planted) return answer([finding(planted.path, planted.line)]);
        return plain(body);
      };
      const run = await runCli(evalArgs('--json', '--out', reportPath), { cwd: fixture.dir, env: env(data) });
      expect(run.code, run.stderr).toBe(0);
      json = JSON.parse(run.stdout) as EvalJson;
      requests = server.requests.map((r) => r.body);
      markdown = readFileSync(reportPath, 'utf8');
    }, 60_000);

    it('gives every arm recall 1 at every window, blockers too, and a hit share of 1', () => {
      expect(json.arms.map((a) => a.name)).toEqual(['routed', 'fast', 'strong']);
      for (const a of json.arms) {
        expect({ name: a.name, commits: a.commits, introducers: a.introducers, clean: a.clean, budgetLimited: a.budgetLimited }).toEqual({ name: a.name, commits: 2 * COMMITS, introducers: COMMITS, clean: COMMITS, budgetLimited: false });
        expect(a.recall, a.name).toEqual({ k0: 1, k3: 1, k10: 1 });
        expect(a.blockerRecall, a.name).toEqual({ k0: 1, k3: 1, k10: 1 });
        expect(a.hitShare).toBe(1);
        expect(a.findingsPerCleanCommit).toBe(0);
        expect(a.cleanWithBlocker).toBe(0);
        expect(a.agentsFailed).toBe(0);
      }
    });

    it('gives a random baseline below it: one finding on a random added line of the same commit, as computed here from git', () => {
      for (const a of json.arms) {
        for (const k of [0, 3, 10] as const) {
          expect(a.randomRecall[`k${k}`], `${a.name} k${k}`).toBeCloseTo(expectedRandomRecall(k), 10);
          expect(a.randomBlockerRecall[`k${k}`]).toBeCloseTo(expectedRandomRecall(k), 10);
        }
        expect(a.randomRecall.k3!).toBeLessThan(0.5);
        expect(a.randomRecall.k0!).toBeLessThan(a.randomRecall.k3!);
      }
    });

    it('shows the models only the commit itself: no fix message, no line a later fix wrote, in any request body', () => {
      expect(requests.length).toBeGreaterThan(3 * 2 * COMMITS);
      const fixes = [...synthetic.fixes].map((i) => ({
        index: i,
        message: synthetic.commits[i]!.message,
        lines: fixture
          .git(['show', '--format=', '-U0', '--no-color', shas[i]!])
          .split('\n')
          .filter((l) => l.startsWith('+') && !l.startsWith('+++'))
          .map((l) => l.slice(1)),
      }));
      expect(fixes.every((f) => f.lines.length > 0)).toBe(true);
      const reviewed = new Set<number>();
      for (const body of requests) {
        const text = JSON.stringify(body);
        const commit = commitOf(body);
        reviewed.add(commit);
        for (const fix of fixes) {
          expect(text.includes(fix.message), `request about commit ${commit} holds the message of fix ${fix.index}`).toBe(false);
          if (fix.index > commit) for (const line of fix.lines) expect(text.includes(line), `request about commit ${commit} holds "${line}" of fix ${fix.index}`).toBe(false);
        }
        // The title is the commit's own message, and the planted line is there as the introducer wrote it.
        expect(promptOf(body)).toContain(synthetic.commits[commit]!.message);
        const planted = synthetic.targets.get(commit);
        if (planted) expect(promptOf(body)).toContain(fixture.git(['show', `${shas[commit]}:${planted.path}`]).split('\n')[planted.line - 1]);
      }
      expect(new Set([...reviewed].map((i) => shas[i]))).toEqual(new Set([...introducers().map((i) => i.sha), ...cleanShas()]));
    });

    it('records the report in the store it ran against, and writes the Markdown report with what each figure means', async () => {
      const store = SqliteStore.inDataDirectory(dataDir());
      try {
        const reports = await store.latestEvalReports(10);
        expect(reports).toHaveLength(1);
        expect(reports[0]!.repository).toBe(json.repository);
        expect(reports[0]!.report).toEqual(json);
      } finally {
        await store.close();
      }
      expect(markdown).toMatch(/^\| routed \| 8\/8 \| 100% \| 100% \| 100% \| \d+% \|/m);
      expect(markdown).toContain('## What each figure means');
      expect(markdown).toContain('**recall at k**');
      expect(markdown).toContain('## Caveats');
      expect(markdown).toMatch(/SZZ labels are noisy/);
      expect(markdown).toMatch(/Bugs of omission/);
      expect(markdown).toMatch(/seen this public history/);
    });

    it('compares the arms on the same introducers: no discordant pair, p = 1', () => {
      expect(json.pairs.map((p) => `${p.a}-${p.b}`)).toEqual(['routed-fast', 'routed-strong', 'fast-strong']);
      for (const p of json.pairs) expect(p).toMatchObject({ k: 3, introducers: COMMITS, onlyA: 0, onlyB: 0, mcnemarP: 1, difference: 0, interval95: [0, 0] });
    });
  });

  describe('with a reviewer that flags nothing', () => {
    it('gives recall 0, a random baseline of 0 and no noise, at a cost; the table and caveats are printed', async () => {
      server.respond = scriptAgents({});
      const run = await runCli(evalArgs('--arms', 'routed'), { cwd: fixture.dir, env: env(tempDir('riskgate-eval-nothing-')) });
      expect(run.code, run.stderr).toBe(0);
      expect(run.stdout).toMatch(/^ {2}routed +8\/8 +0% \/ 0% \/ 0% +0% \/ 0% \/ 0% +0% +- +0\.00 +0% +(\$0\.\d{1,3}|<\$0\.001) +\d{1,3}(,\d{3})* +\d+% +0 +no$/m);
      expect(run.stdout).toMatch(/caveats:\n {2}- SZZ labels are noisy/);
      expect(run.stdout).not.toMatch(/paired/);
      expect(run.stderr).toMatch(/riskgate eval findings: 8\/8 reviews \(routed 8\/8\), (?:<\$0\.001|\$[\d,.]+) spent of \$5\.00/);
      expect(run.stderr).toMatch(/ETA \d+ s/);
    }, 60_000);
  });

  it('with a reviewer that flags clean commits, measures the noise: findings per clean commit and the share with a blocker', async () => {
    // A finding on the first added line of every clean commit: a blocker on the first and third, a warning on the others.
    const blockers = new Set([cleanShas()[0], cleanShas()[2]]);
    const clean = new Map(cleanShas().map((sha) => [indexOf.get(sha)!, sha]));
    const plain = scriptAgents({ verify: verdicts({ index: 0, real: true }) });
    server.respond = (body) => {
      const sha = clean.get(commitOf(body));
      if (roleOf(body) !== 'review' || !sha) return plain(body);
      const [path, lines] = [...addedLines(sha)][0]!;
      return answer([finding(path, lines[0]!, blockers.has(sha) ? 'blocker' : 'warning')]);
    };
    const run = await runCli(evalArgs('--arms', 'routed,strong', '--json'), { cwd: fixture.dir, env: env(tempDir('riskgate-eval-noise-')) });
    expect(run.code, run.stderr).toBe(0);
    const json = JSON.parse(run.stdout) as EvalJson;
    for (const a of json.arms) {
      expect(a.findingsPerCleanCommit, a.name).toBe(1);
      expect(a.cleanWithBlocker, a.name).toBe(0.5);
      expect(a.recall).toEqual({ k0: 0, k3: 0, k10: 0 });
      expect(a.hitShare).toBeNull();
    }
  }, 60_000);

  it('scores the k windows: exact line, within 3 lines, within 10, and elsewhere', async () => {
    // Per introducer in the sample's order, a finding at a chosen distance from its target line,
    // on an added line (riskgate keeps findings on changed lines only).
    // The near ones on either side of their target: below it for 1-3 lines, above it for 4-10, so
    // both ends of a widened range count.
    const plan = new Map<number, { path: string; line: number; distance: number; below: boolean }>();
    const wanted: Array<[number, number, 'below' | 'above'] | 'elsewhere'> = [[0, 0, 'below'], [1, 3, 'below'], [4, 10, 'above'], 'elsewhere'];
    introducers().forEach(({ sha }, i) => {
      const { path, line } = target(sha);
      const added = addedLines(sha);
      const want = wanted[i % wanted.length]!;
      if (want === 'elsewhere') {
        const [other, lines] = [...added].find(([p]) => p !== path)!;
        plan.set(indexOf.get(sha)!, { path: other, line: lines[0]!, distance: Infinity, below: false });
        return;
      }
      const [lo, hi, side] = want;
      const onSide = (a: number) => (side === 'below' ? a >= line : a <= line);
      const at = added
        .get(path)!
        .filter((a) => Math.abs(a - line) >= lo && Math.abs(a - line) <= hi)
        .sort((a, b) => Number(onSide(b)) - Number(onSide(a)) || Math.abs(b - line) - Math.abs(a - line))[0]!;
      plan.set(indexOf.get(sha)!, { path, line: at, distance: Math.abs(at - line), below: at > line });
    });
    const distances = [...plan.values()].map((p) => p.distance);
    const near = [...plan.values()].filter((p) => p.distance > 0 && p.distance <= 10);
    expect(near.filter((p) => p.below)).toHaveLength(1);
    expect(near.filter((p) => !p.below)).toHaveLength(1);
    expect(distances.filter((d) => d === 0)).toHaveLength(1);
    expect(distances.filter((d) => d > 0 && d <= 3)).toHaveLength(1);
    expect(distances.filter((d) => d > 3 && d <= 10)).toHaveLength(1);
    expect(distances.filter((d) => d > 10)).toHaveLength(1);
    const plain = scriptAgents({});
    server.respond = (body) => {
      const at = plan.get(commitOf(body));
      return roleOf(body) === 'review' && at ? answer([finding(at.path, at.line, 'warning')]) : plain(body);
    };
    const run = await runCli(evalArgs('--arms', 'strong', '--json'), { cwd: fixture.dir, env: env(tempDir('riskgate-eval-windows-')) });
    expect(run.code, run.stderr).toBe(0);
    const strong = arm(JSON.parse(run.stdout) as EvalJson, 'strong');
    expect(strong.recall).toEqual({ k0: 0.25, k3: 0.5, k10: 0.75 });
    expect(strong.blockerRecall).toEqual({ k0: 0, k3: 0, k10: 0 });
    expect(strong.hitShare).toBe(0.5);
  }, 60_000);

  it('keeps each arm\'s answers under its own key: an arm whose prompts equal another\'s still sends its own', async () => {
    // Thresholds of 0 send every commit to the full tier: routed then sends exactly strong's prompts.
    const config = join(tempDir('riskgate-eval-config-'), 'riskgate.yml');
    writeFileSync(config, 'tiers:\n  thresholds: { standard: 0, thorough: 0, full: 0 }\n');
    const data = tempDir('riskgate-eval-arms-');
    server.respond = scriptAgents({});
    const routed = await runCli(evalArgs('--arms', 'routed', '--config', config, '--json'), { cwd: fixture.dir, env: env(data) });
    expect(routed.code, routed.stderr).toBe(0);
    const routedBodies = server.requests.map((r) => normalised(r.body)).sort();
    expect(arm(JSON.parse(routed.stdout) as EvalJson, 'routed').tiers.full).toBe(2 * COMMITS);
    server.requests.length = 0;
    const strong = await runCli(evalArgs('--arms', 'strong', '--config', config, '--json'), { cwd: fixture.dir, env: env(data) });
    expect(strong.code, strong.stderr).toBe(0);
    // The same prompts, every one sent again: nothing came from the routed arm's answers.
    expect(server.requests.map((r) => normalised(r.body)).sort()).toEqual(routedBodies);
    expect(arm(JSON.parse(strong.stdout) as EvalJson, 'strong').reusedAnswers).toBe(0);
    // Its own answers, it reuses: a re-run sends nothing and costs nothing.
    server.requests.length = 0;
    const again = await runCli(evalArgs('--arms', 'strong', '--config', config, '--json'), { cwd: fixture.dir, env: env(data) });
    expect(server.requests).toHaveLength(0);
    const reused = JSON.parse(again.stdout) as EvalJson;
    expect(reused.spentUsd).toBe(0);
    expect(arm(reused, 'strong').reusedAnswers).toBe(routedBodies.length);
    expect(arm(reused, 'strong').costUsd).toBeCloseTo(arm(JSON.parse(strong.stdout) as EvalJson, 'strong').costUsd, 12);
  }, 90_000);

  it('stops at --max-usd, checked before each call, with the arms marked budget-limited and exit 3 (could not finish)', async () => {
    server.respond = scriptAgents({});
    const data = tempDir('riskgate-eval-budget-');
    // A strong call reserves its worst case (6,000 output tokens, about $0.06): the cap lets a few
    // commits through and then refuses.
    const maxUsd = 0.21;
    const run = await runCli(evalArgs('--max-usd', String(maxUsd), '--json'), { cwd: fixture.dir, env: env(data) });
    expect(run.code, run.stderr).toBe(3);
    const json = JSON.parse(run.stdout) as EvalJson;
    expect(json.stoppedBy).toBe('max-usd');
    expect(json.spentUsd).toBeLessThanOrEqual(maxUsd);
    expect(json.spentUsd).toBeGreaterThan(0);
    expect(json.arms.some((a) => a.agentsBudgetLimited > 0)).toBe(true);
    for (const a of json.arms) {
      expect(a.budgetLimited, a.name).toBe(true);
      expect(a.commits + a.partial + a.notRun).toBe(2 * COMMITS);
    }
    expect(json.arms.reduce((n, a) => n + a.commits, 0)).toBeGreaterThan(0);
    expect(run.stderr).toMatch(/--max-usd \$0\.21 reached: \d+ of 24 reviews left undone or cut short/);
    // What the ledger recorded as paid stays under the cap too.
    const spend = await runCli(['spend', '--json', '--since', '2000-01-01'], { cwd: fixture.dir, env: env(data) });
    expect((JSON.parse(spend.stdout) as { totals: { usd: number } }).totals.usd).toBeLessThanOrEqual(maxUsd);
    // No review started after the stop: some sampled commits were never sent at all.
    const sent = new Set(server.requests.map((r) => commitOf(r.body)));
    expect(sent.size).toBeLessThan(2 * COMMITS);
    expect(sent.size).toBeGreaterThan(0);
  }, 60_000);

  it('resumes a killed eval without repeating any call that was answered, and ends as a fresh run does', async () => {
    const arms = ['--arms', 'routed,fast'];
    const plain = scriptAgents({});
    server.respond = plain;
    // The whole eval on a fresh store: the calls it makes, and its figures.
    const fresh = await runCli(evalArgs(...arms, '--json'), { cwd: fixture.dir, env: env(tempDir('riskgate-eval-fresh-')) });
    expect(fresh.code, fresh.stderr).toBe(0);
    const everyCall = server.requests.map((r) => normalised(r.body)).sort();
    server.requests.length = 0;

    // From the tenth request on, none is answered; the eval is killed once the nine answered are in the store.
    const data = tempDir('riskgate-eval-killed-');
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    let seen = 0;
    server.respond = (body) => (++seen >= 10 ? { hold: held } : plain(body));
    const killed = startCli(evalArgs(...arms, '--json'), { cwd: fixture.dir, env: env(data) });
    const results = () => {
      const db = new Database(join(data, 'riskgate.db'), { readonly: true, fileMustExist: true });
      try {
        return (db.prepare('SELECT count(*) AS n FROM results').get() as { n: number }).n;
      } catch {
        return -1;
      } finally {
        db.close();
      }
    };
    const answered = () => server.requests.filter((r) => r.finishedAt !== undefined);
    const deadline = Date.now() + 30_000;
    while (seen < 10 || answered().length !== 9 || results() !== 9) {
      if (Date.now() > deadline) throw new Error(`never settled: ${seen} requests, ${answered().length} answered`);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    killed.child.kill('SIGKILL');
    const ended = await killed.done;
    expect(ended.code).toBeNull();
    release();
    const answeredBefore = answered().map((r) => normalised(r.body));
    expect(answeredBefore).toHaveLength(9);
    server.requests.length = 0;

    server.respond = plain;
    const resumed = await runCli(evalArgs(...arms, '--json'), { cwd: fixture.dir, env: env(data) });
    expect(resumed.code, resumed.stderr).toBe(0);
    const resumedCalls = server.requests.map((r) => normalised(r.body));
    for (const call of resumedCalls) expect(answeredBefore, 'a call answered before the kill was sent again').not.toContain(call);
    // Together, the two runs made exactly the calls of one whole run.
    expect([...answeredBefore, ...resumedCalls].sort()).toEqual(everyCall);
    const resumedJson = JSON.parse(resumed.stdout) as EvalJson;
    const freshJson = JSON.parse(fresh.stdout) as EvalJson;
    for (const name of ['routed', 'fast']) {
      const [r, f] = [arm(resumedJson, name), arm(freshJson, name)];
      expect({ commits: r.commits, recall: r.recall, randomRecall: r.randomRecall, findingsPerCleanCommit: r.findingsPerCleanCommit }).toEqual({ commits: f.commits, recall: f.recall, randomRecall: f.randomRecall, findingsPerCleanCommit: f.findingsPerCleanCommit });
      expect(r.costUsd).toBeCloseTo(f.costUsd, 10);
    }
    expect(resumedJson.arms.reduce((n, a) => n + a.reusedAnswers, 0)).toBe(answeredBefore.length);
  }, 120_000);
});
