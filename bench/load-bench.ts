// `npm run bench:load -- [--seconds N] [--rate R] [--mode embedded|redis|both]`: a steady burst of
// signed pull_request.synchronize webhooks to the App process (`node bin/riskgate-app.js`) on
// loopback, with this process hosting the local GitHub and Anthropic servers at simulated
// latency. Prints accepted webhooks per second, acknowledgement percentiles, gates finished per
// second and each App process's memory over time, for the embedded store (one process, SQLite)
// and for Redis + PostgreSQL (one web process and two worker processes).
//
// Goals on the 2-core development machine: acknowledgement p99 under 100 ms at 200 webhooks a
// second; memory flat over a 10-minute run.
import { spawn, type ChildProcess } from 'node:child_process';
import { createHash, createHmac, generateKeyPairSync } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { Redis } from 'ioredis';
import pg from 'pg';
import { AnthropicTestServer } from '../test/support/anthropic-server.js';
import { AUTH_FILE, FOUND_SQL, STANDARD_CONFIG } from '../test/support/example-pull.js';
import { startGitHubServer, type GitHubServer } from '../test/support/github-server.js';
import { addedFile, examplePayload, type Payload } from '../test/support/webhooks.js';
import { freePort } from '../test/support/app-process.js';

// ---------------------------------------------------------------------------------------------
// Settings
// ---------------------------------------------------------------------------------------------

const APP_ID = 6262;
const SECRET = 'load-bench-webhook-secret';
const REDIS_URL = process.env.RISKGATE_BENCH_REDIS_URL ?? 'redis://127.0.0.1:6379';
const POSTGRES_URL = process.env.RISKGATE_BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const GITHUB_LATENCY_MS = 30;
const ANTHROPIC_LATENCY = { firstTokenMs: 300, totalMs: 1500 };
const OWNERS = 10;
const AUTHOR = 'Codertocat';
const BASE_SHA = 'f95f852bd8fca8fcc58a9a2d6c842781e32a215e';
// "Memory flat": the second half of the run grows by less than this.
const FLAT_SLOPE_MB_PER_MIN = 1;
const ACK_P99_GOAL_MS = 100;
const PROGRESS_EVERY_MS = 10_000;
const WARM_UP_PUSHES = 3;
const CLK_TCK = 100;
// Event-loop delay histograms (ours, and prom-client's in the App) time a timer of this period: an
// idle loop reads this much, so it is taken off to leave the lag.
const LOOP_PROBE_MS = 10;

interface Options {
  seconds: number;
  rate: number;
  modes: Mode[];
  repos: number;
  prsPerRepo: number;
  /** RISKGATE_CONCURRENCY of each working process (the App's default when absent). */
  concurrency?: number;
  /** After sending, wait up to this long for the queue to empty. */
  drainSeconds: number;
  /** Scrape every process's /metrics this often while sending, as Prometheus would (0: only at the end). */
  scrapeSeconds: number;
  /** Write V8 CPU profiles of the App processes into this directory. */
  cpuProfDir?: string;
}

type Mode = 'embedded' | 'redis';

function parseOptions(argv: string[]): Options {
  const options: Options = { seconds: 60, rate: 200, modes: ['embedded', 'redis'], repos: 40, prsPerRepo: 10, drainSeconds: 0, scrapeSeconds: 0 };
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i]!;
    const value = argv[i + 1];
    const number = () => {
      const n = Number(value);
      if (value === undefined || !Number.isFinite(n) || n < 0) throw new Error(`${flag} needs a number, not "${value}"`);
      i++;
      return n;
    };
    switch (flag) {
      case '--seconds':
        options.seconds = number();
        break;
      case '--rate':
        options.rate = number();
        break;
      case '--repos':
        options.repos = Math.max(1, Math.round(number()));
        break;
      case '--prs-per-repo':
        options.prsPerRepo = Math.max(1, Math.round(number()));
        break;
      case '--concurrency':
        options.concurrency = Math.max(1, Math.round(number()));
        break;
      case '--drain':
        options.drainSeconds = number();
        break;
      case '--scrape':
        options.scrapeSeconds = number();
        break;
      case '--cpu-prof':
        if (value === undefined) throw new Error('--cpu-prof needs a directory');
        options.cpuProfDir = value;
        i++;
        break;
      case '--mode':
        if (value === 'both') options.modes = ['embedded', 'redis'];
        else if (value === 'embedded' || value === 'redis') options.modes = [value];
        else throw new Error(`--mode is embedded, redis or both, not "${value}"`);
        i++;
        break;
      default:
        throw new Error(`unknown option ${flag}; options: --seconds N --rate R --mode embedded|redis|both --repos N --prs-per-repo N --concurrency N --drain S --scrape S --cpu-prof DIR`);
    }
  }
  if (options.seconds <= 0 || options.rate <= 0) throw new Error('--seconds and --rate must be above 0');
  return options;
}

// ---------------------------------------------------------------------------------------------
// Small helpers
// ---------------------------------------------------------------------------------------------

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const f1 = (n: number | undefined) => (n === undefined || Number.isNaN(n) ? '-' : n.toFixed(1));
const f0 = (n: number | undefined) => (n === undefined || Number.isNaN(n) ? '-' : n.toFixed(0));
const signed = (n: number) => (Number.isNaN(n) ? '-' : `${n >= 0 ? '+' : ''}${n.toFixed(1)}`);
const lagMs = (nanoseconds: number) => Math.max(0, nanoseconds / 1e6 - LOOP_PROBE_MS);
const sha1 = (text: string) => createHash('sha1').update(text).digest('hex');

function percentile(sorted: ArrayLike<number>, p: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? Number.NaN;
}

function sortedCopy(values: readonly number[]): Float64Array {
  return Float64Array.from(values).sort();
}

/** The repository root: the directory holding package.json, from here or build/bench. */
function projectRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'package.json'))) {
    const up = dirname(dir);
    if (up === dir) throw new Error('load-bench: no package.json above this file');
    dir = up;
  }
  return dir;
}

/**
 * Each whole minute's lowest RSS, at the minute's middle: what survives the collector. The heap's
 * sawtooth swings RSS by tens of MB within a minute; a leak shows as rising troughs.
 */
function minuteTroughs(samples: readonly MemorySample[], untilMs: number): MemorySample[] {
  const troughs: MemorySample[] = [];
  for (let from = 0; from + 60_000 <= untilMs + 1000; from += 60_000) {
    const inMinute = samples.filter((s) => s.t >= from && s.t < from + 60_000);
    if (inMinute.length > 0) troughs.push({ t: from + 30_000, mb: Math.min(...inMinute.map((s) => s.mb)) });
  }
  return troughs;
}

/** Least-squares slope of (minutes, MB) points. */
function slopePerMinute(points: ReadonlyArray<{ t: number; mb: number }>): number {
  if (points.length < 2) return Number.NaN;
  const xs = points.map((p) => p.t / 60_000);
  const mx = xs.reduce((a, b) => a + b, 0) / xs.length;
  const my = points.reduce((a, p) => a + p.mb, 0) / points.length;
  let num = 0;
  let den = 0;
  points.forEach((p, i) => {
    num += (xs[i]! - mx) * (p.mb - my);
    den += (xs[i]! - mx) ** 2;
  });
  return den === 0 ? Number.NaN : num / den;
}

// ---------------------------------------------------------------------------------------------
// App processes
// ---------------------------------------------------------------------------------------------

const ROOT = projectRoot();
const LAUNCHER = join(ROOT, 'bin', 'riskgate-app.js');
const PRIVATE_KEY = generateKeyPairSync('rsa', { modulusLength: 2048, privateKeyEncoding: { type: 'pkcs1', format: 'pem' }, publicKeyEncoding: { type: 'spki', format: 'pem' } }).privateKey;

interface MemorySample {
  /** Milliseconds since sending began (negative before). */
  t: number;
  mb: number;
}

interface AppProcess {
  name: string;
  url: string;
  child: ChildProcess;
  pid: number;
  samples: MemorySample[];
  /** V8 heap in use, from /metrics, when scraping while sending (--scrape). */
  heapSamples: MemorySample[];
  /** utime + stime in seconds when sending began and ended. */
  cpuAtStart?: number;
  cpuAtEnd?: number;
  output(): string;
  stop(): Promise<void>;
}

function readRssMb(pid: number): { rss: number; hwm: number } | undefined {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = (field: string) => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? Number.NaN);
    return { rss: kb('VmRSS') / 1024, hwm: kb('VmHWM') / 1024 };
  } catch {
    return undefined;
  }
}

function readCpuSeconds(pid: number): number | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // After the command: state is field 3, utime 14 and stime 15 (1-based) of the whole line.
    return (Number(fields[11]) + Number(fields[12])) / CLK_TCK;
  } catch {
    return undefined;
  }
}

/** Jiffies of the whole machine, all cores: busy and total. */
function readMachineJiffies(): { busy: number; total: number } {
  const fields = readFileSync('/proc/stat', 'utf8').split('\n')[0]!.trim().split(/\s+/).slice(1).map(Number);
  const total = fields.reduce((a, b) => a + b, 0);
  // idle and iowait
  return { busy: total - (fields[3] ?? 0) - (fields[4] ?? 0), total };
}

/** Processes of the shared servers (Redis, PostgreSQL), whose CPU the redis mode adds. */
function servicePids(): number[] {
  const pids: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const comm = readFileSync(`/proc/${entry}/comm`, 'utf8').trim();
      if (comm === 'redis-server' || comm === 'postgres') pids.push(Number(entry));
    } catch {
      // gone
    }
  }
  return pids;
}

function cpuSecondsOf(pids: readonly number[]): number {
  return pids.reduce((sum, pid) => sum + (readCpuSeconds(pid) ?? 0), 0);
}

async function redisMemoryMb(): Promise<number> {
  const redis = new Redis(REDIS_URL);
  try {
    return Number(/used_memory:(\d+)/.exec(await redis.info('memory'))?.[1]) / 1024 / 1024;
  } finally {
    await redis.quit();
  }
}

async function startApp(name: string, env: Record<string, string>, cwd: string, cpuProfDir: string | undefined): Promise<AppProcess> {
  const port = await freePort();
  const github = new URL(env.GITHUB_URL!);
  // Profiles are written when the process exits (SIGTERM is a graceful exit); file names carry the pid.
  // (Node refuses --cpu-prof in NODE_OPTIONS, so it goes on the command line.)
  const profile = cpuProfDir ? ['--cpu-prof', `--cpu-prof-dir=${cpuProfDir}`] : [];
  const child = spawn(process.execPath, [...profile, LAUNCHER], {
    cwd,
    env: {
      PATH: process.env.PATH,
      NODE_ENV: 'production',
      APP_ID: String(APP_ID),
      PRIVATE_KEY,
      WEBHOOK_SECRET: SECRET,
      GHE_HOST: github.host,
      GHE_PROTOCOL: 'http',
      ANTHROPIC_API_KEY: 'sk-load-bench',
      HOST: '127.0.0.1',
      PORT: String(port),
      LOG_LEVEL: 'warn',
      RISKGATE_GITHUB_THROTTLE: 'off',
      ...Object.fromEntries(Object.entries(env).filter(([key]) => key !== 'GITHUB_URL')),
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  // The last 20 KB of what it printed: enough to show trouble, bounded over a long run.
  let printed = '';
  const keep = (d: string) => {
    printed = (printed + d).slice(-20_000);
  };
  child.stdout!.setEncoding('utf8').on('data', keep);
  child.stderr!.setEncoding('utf8').on('data', keep);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 30_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`${name} exited with ${child.exitCode} before answering:\n${printed}`);
    try {
      if ((await fetch(`${url}/ping`)).ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`${name} did not answer on ${url} within 30 s:\n${printed}`);
    }
    await sleep(50);
  }
  return {
    name,
    url,
    child,
    pid: child.pid!,
    samples: [],
    heapSamples: [],
    output: () => printed,
    async stop() {
      if (child.exitCode === null) child.kill('SIGTERM');
      const killer = setTimeout(() => child.kill('SIGKILL'), 20_000);
      await exited;
      clearTimeout(killer);
    },
  };
}

// ---------------------------------------------------------------------------------------------
// Metrics scraped from the App processes
// ---------------------------------------------------------------------------------------------

type Scrape = Array<{ name: string; labels: Record<string, string>; value: number }>;

async function scrape(app: AppProcess): Promise<Scrape> {
  const text = await (await fetch(`${app.url}/metrics`)).text();
  const out: Scrape = [];
  for (const line of text.split('\n')) {
    const match = /^([a-zA-Z_:][\w:]*)(?:\{([^}]*)\})?\s+(\S+)$/.exec(line);
    if (!match) continue;
    const labels: Record<string, string> = {};
    for (const pair of (match[2] ?? '').matchAll(/(\w+)="([^"]*)"/g)) labels[pair[1]!] = pair[2]!;
    out.push({ name: match[1]!, labels, value: Number(match[3]) });
  }
  return out;
}

function sumOf(scrape: Scrape, name: string, labels: Record<string, string> = {}): number {
  return scrape.filter((m) => m.name === name && Object.entries(labels).every(([k, v]) => m.labels[k] === v)).reduce((a, m) => a + m.value, 0);
}

// ---------------------------------------------------------------------------------------------
// The traffic
// ---------------------------------------------------------------------------------------------

interface PullTarget {
  fullName: string;
  owner: string;
  repo: string;
  number: number;
  installationId: number;
  /** The PR's payload, adjusted once; only the SHAs change per delivery. */
  payload: Payload;
  seq: number;
  headSha: string;
}

function makeTargets(github: GitHubServer, repos: number, prsPerRepo: number): PullTarget[] {
  const template = examplePayload('pull_request', 'synchronize');
  const targets: PullTarget[] = [];
  // Ordered so that consecutive deliveries go to different repositories, as a burst across an organisation would.
  for (let p = 1; p <= prsPerRepo; p++) {
    for (let r = 0; r < repos; r++) {
      const owner = `bench-org-${r % OWNERS}`;
      const repo = `service-${r}`;
      const fullName = `${owner}/${repo}`;
      if (p === 1) {
        github.addRepo(fullName);
        github.setPermission(fullName, AUTHOR, 'write');
        // The standard tier for the auth change: three agents on the fast model.
        github.setFile(fullName, 'main', '.github/riskgate.yml', STANDARD_CONFIG);
      }
      const payload = structuredClone(template);
      payload.installation = { ...payload.installation, id: 100 + (r % OWNERS) };
      payload.number = p;
      payload.repository.name = repo;
      payload.repository.full_name = fullName;
      payload.repository.owner.login = owner;
      payload.pull_request.number = p;
      payload.pull_request.base.sha = BASE_SHA;
      const target: PullTarget = { fullName, owner, repo, number: p, installationId: 100 + (r % OWNERS), payload, seq: 0, headSha: sha1(`${fullName}#${p}@0`) };
      seedHead(github, target);
      targets.push(target);
    }
  }
  return targets;
}

/** The PR's head and its files at that head, as GitHub has them once the push landed. */
function seedHead(github: GitHubServer, target: PullTarget): void {
  github.setPull(target.fullName, { number: target.number, headSha: target.headSha, baseSha: BASE_SHA, title: 'Add login', body: 'Adds a login function.', user: { login: AUTHOR } });
  // The auth change (line 3 builds SQL from input), plus a line that differs per head so no result is cached.
  const lines = (AUTH_FILE.patch ?? '').split('\n').filter((l) => l.startsWith('+')).map((l) => l.slice(1));
  github.setPullFiles(target.fullName, target.number, [addedFile(AUTH_FILE.filename, [...lines, `// revision ${target.seq} of ${target.fullName}#${target.number}`])]);
}

/** A push to the PR: a new head seeded on GitHub, and the synchronize webhook's body for it. */
function nextPush(github: GitHubServer, target: PullTarget): string {
  const before = target.headSha;
  target.seq += 1;
  target.headSha = sha1(`${target.fullName}#${target.number}@${target.seq}`);
  seedHead(github, target);
  target.payload.before = before;
  target.payload.after = target.headSha;
  target.payload.pull_request.head.sha = target.headSha;
  return JSON.stringify(target.payload);
}

// A connection per delivery, as GitHub's deliveries arrive: a kept-alive socket the App's server
// closes as idle can race with the next request (ECONNRESET), which would be the client's fault.
const agent = new Agent({ keepAlive: false, maxSockets: Infinity });

interface Ack {
  status: number;
  ms: number;
  error?: string;
}

/** Posts a signed webhook; `ms` runs from writing the request to the end of the answer. */
function post(url: string, body: string, deliveryId: string): Promise<Ack> {
  return new Promise((resolve) => {
    const signature = `sha256=${createHmac('sha256', SECRET).update(body).digest('hex')}`;
    const started = performance.now();
    const req = request(
      `${url}/api/github/webhooks`,
      {
        method: 'POST',
        agent,
        headers: {
          'content-type': 'application/json',
          'content-length': Buffer.byteLength(body),
          'x-github-event': 'pull_request',
          'x-github-delivery': deliveryId,
          'x-hub-signature-256': signature,
          'user-agent': 'GitHub-Hookshot/load-bench',
        },
      },
      (res) => {
        res.resume();
        res.on('end', () => resolve({ status: res.statusCode ?? 0, ms: performance.now() - started }));
        res.on('error', (error) => resolve({ status: 0, ms: performance.now() - started, error: error.message }));
      },
    );
    req.on('error', (error) => resolve({ status: 0, ms: performance.now() - started, error: error.message }));
    req.end(body);
  });
}

// ---------------------------------------------------------------------------------------------
// One mode
// ---------------------------------------------------------------------------------------------

interface ProcessResult {
  name: string;
  peakMb: number;
  atMinuteMb: number;
  endMb: number;
  /** Medians over the second minute and over the last minute: the GC's sawtooth evened out. */
  secondMinuteMedianMb: number;
  lastMinuteMedianMb: number;
  slope: number;
  /** The same over the second half's per-minute troughs (NaN under two minutes of them). */
  troughSlope: number;
  troughs: number[];
  heapTroughs: number[];
  heapSlope: number;
  cpuPercent: number;
  loopLagMaxMs: number;
  loopLagP99Ms: number;
  /** How long the /metrics scrape after the run took. */
  finalScrapeMs: number;
}

interface ModeResult {
  mode: Mode;
  seconds: number;
  sent: number;
  accepted: number;
  non2xx: Map<string, number>;
  ack: { p50: number; p90: number; p99: number; max: number };
  /** p99 of the deliveries sent after the first 10 s. */
  steadyP99: number;
  /** Redis's used_memory at the end of sending minus at its start. */
  redisGrowthMb: number;
  /** CPU over the run, in % of one core: the machine's busy total, split by who. */
  machine: { cores: number; busy: number; apps: number; bench: number; services: number; other: number };
  worstWindowP99: number;
  senderLagMaxMs: number;
  sendLate: number;
  maxInFlight: number;
  benchLoopLagMaxMs: number;
  benchLoopLagP99Ms: number;
  benchCpuPercent: number;
  gatesConcluded: number;
  gatesVerdict: number;
  gatesCancelled: number;
  jobs: { completed: number; superseded: number; failed: number; queued: number; running: number };
  gateRuns: Record<string, number>;
  modelCalls: number;
  violations: string[];
  processes: ProcessResult[];
  appTrouble: string[];
}

async function runMode(mode: Mode, options: Options, github: GitHubServer, anthropic: AnthropicTestServer): Promise<ModeResult> {
  github.reset();
  anthropic.reset();
  github.latencyMs = GITHUB_LATENCY_MS;
  anthropic.latency = { ...ANTHROPIC_LATENCY };
  anthropic.respond = FOUND_SQL;
  const targets = makeTargets(github, options.repos, options.prsPerRepo);

  const runId = `${process.pid}-${Date.now().toString(36)}`;
  const dataDir = mkdtempSync(join(tmpdir(), 'riskgate-load-'));
  const prefix = `riskgate-bench-${runId}`;
  const schema = `bench_${runId.replace(/[^a-z0-9]/gi, '_').toLowerCase()}`;
  const common: Record<string, string> = {
    GITHUB_URL: github.url,
    ANTHROPIC_BASE_URL: anthropic.url,
    RISKGATE_DATA_DIR: dataDir,
    ...(options.concurrency ? { RISKGATE_CONCURRENCY: String(options.concurrency) } : {}),
  };
  let admin: pg.Client | undefined;
  const apps: AppProcess[] = [];
  const umbrellas = () => github.checkRuns().filter((run) => run.name === 'riskgate' && run.status === 'completed');
  try {
    let web: AppProcess;
    if (mode === 'embedded') {
      web = await startApp('app', common, dataDir, options.cpuProfDir);
      apps.push(web);
    } else {
      admin = new pg.Client({ connectionString: POSTGRES_URL });
      await admin.connect();
      await admin.query(`CREATE SCHEMA "${schema}"`);
      const shared = { ...common, REDIS_URL, RISKGATE_QUEUE_PREFIX: prefix, DATABASE_URL: `${POSTGRES_URL}?options=${encodeURIComponent(`-c search_path=${schema}`)}` };
      // One at a time, each kept as soon as it runs, so a failed start still stops the others.
      for (const name of ['worker-1', 'worker-2']) apps.push(await startApp(name, shared, dataDir, options.cpuProfDir));
      web = await startApp('web', { ...shared, RISKGATE_WORKER: 'off' }, dataDir, options.cpuProfDir);
      apps.unshift(web);
    }
    console.log(`\n== ${mode}: ${apps.map((a) => `${a.name} pid ${a.pid}`).join(', ')}; ${options.rate}/s for ${options.seconds} s over ${targets.length} pull requests`);

    // Warm-up, not measured: one push to a few PRs, until one gate has concluded (every route the
    // gate uses compiled in the fake GitHub, the App's code paths warm).
    for (const target of targets.slice(0, WARM_UP_PUSHES)) {
      const ack = await post(web.url, nextPush(github, target), `warmup-${runId}-${target.fullName}-${target.number}`);
      if (ack.status < 200 || ack.status >= 300) throw new Error(`warm-up webhook answered ${ack.status} ${ack.error ?? ''}\n${web.output()}`);
    }
    const warmDeadline = Date.now() + 60_000;
    while (umbrellas().length === 0) {
      if (Date.now() > warmDeadline) throw new Error(`no gate concluded within 60 s of the warm-up; the App printed:\n${apps.map((a) => `${a.name}: ${a.output()}`).join('\n')}\nGitHub violations: ${github.violations.slice(0, 5).join('\n')}`);
      await sleep(100);
    }
    const concludedBefore = new Set(umbrellas().map((run) => run.id));
    const violationsBefore = github.violations.length;

    // --- the burst ---
    const total = Math.round(options.seconds * options.rate);
    const intervalMs = 1000 / options.rate;
    const acks = new Float64Array(total).fill(Number.NaN);
    const ackAt = new Float64Array(total).fill(Number.NaN);
    const non2xx = new Map<string, number>();
    let accepted = 0;
    let inFlight = 0;
    let maxInFlight = 0;
    let senderLagMax = 0;
    let sendLate = 0;
    let sent = 0;
    const loop = monitorEventLoopDelay({ resolution: 10 });
    loop.enable();
    const cpuBefore = process.cpuUsage();
    const services = servicePids();
    const servicesCpuBefore = cpuSecondsOf(services);
    const machineBefore = readMachineJiffies();
    const redisBefore = mode === 'redis' ? await redisMemoryMb() : Number.NaN;
    const pending = new Set<Promise<void>>();

    const start = performance.now();
    const sampleMemory = () => {
      const t = performance.now() - start;
      for (const app of apps) {
        const rss = readRssMb(app.pid);
        if (rss) app.samples.push({ t, mb: rss.rss });
      }
    };
    for (const app of apps) app.cpuAtStart = readCpuSeconds(app.pid);
    sampleMemory();
    const memoryTimer = setInterval(sampleMemory, 1000);
    // The fake servers keep every request: dropped regularly so a long run measures the App, not them.
    const trimTimer = setInterval(() => {
      github.requests.length = 0;
      github.contentReads.length = 0;
      anthropic.requests.length = 0;
    }, 5000);
    let scrapes = 0;
    const scrapeTimer =
      options.scrapeSeconds > 0
        ? setInterval(() => {
            for (const app of apps) {
              void scrape(app).then(
                (metrics) => {
                  scrapes++;
                  app.heapSamples.push({ t: performance.now() - start, mb: sumOf(metrics, 'riskgate_nodejs_heap_size_used_bytes') / 1024 / 1024 });
                },
                () => undefined,
              );
            }
          }, options.scrapeSeconds * 1000)
        : undefined;
    let windowStart = 0;
    let worstWindowP99 = 0;
    // Per window: the bench's own loop delay and what else used the CPU, so a noisy window shows itself.
    const windowLoop = monitorEventLoopDelay({ resolution: 10 });
    windowLoop.enable();
    const cpuSnapshot = () => ({
      busy: readMachineJiffies().busy / CLK_TCK,
      ours: apps.reduce((a, app) => a + (readCpuSeconds(app.pid) ?? 0), 0) + (process.cpuUsage().user + process.cpuUsage().system) / 1e6 + cpuSecondsOf(services),
    });
    let lastCpu = cpuSnapshot();
    const progressTimer = setInterval(() => {
      const now = performance.now() - start;
      const cpu = cpuSnapshot();
      const otherPercent = ((cpu.busy - lastCpu.busy - (cpu.ours - lastCpu.ours)) / (PROGRESS_EVERY_MS / 1000)) * 100;
      lastCpu = cpu;
      const benchLagMs = lagMs(windowLoop.max);
      windowLoop.reset();
      const inWindow: number[] = [];
      for (let i = windowStart; i < sent; i++) {
        const at = ackAt[i]!;
        if (!Number.isNaN(at) && at >= now - PROGRESS_EVERY_MS) inWindow.push(acks[i]!);
      }
      while (windowStart < sent && !Number.isNaN(ackAt[windowStart]!) && ackAt[windowStart]! < now - PROGRESS_EVERY_MS) windowStart++;
      const sorted = sortedCopy(inWindow);
      const p99 = percentile(sorted, 99);
      if (p99 > worstWindowP99) worstWindowP99 = p99;
      const gates = umbrellas().length - concludedBefore.size;
      const rss = apps.map((a) => `${a.name} ${f0(a.samples.at(-1)?.mb)} MB`).join(', ');
      console.log(
        `  t=${f0(now / 1000)}s sent ${sent} acked/s ${f1(inWindow.length / (PROGRESS_EVERY_MS / 1000))} ack p50 ${f1(percentile(sorted, 50))} p99 ${f1(p99)} max ${f1(sorted.at(-1))} ms, in flight ${inFlight}, gates concluded ${gates}, bench loop max ${f1(benchLagMs)} ms, other CPU ${f0(Math.max(0, otherPercent))} %; ${rss}`,
      );
    }, PROGRESS_EVERY_MS);

    await new Promise<void>((resolve) => {
      const tick = () => {
        const now = performance.now();
        while (sent < total && start + sent * intervalMs <= now) {
          const i = sent++;
          const lag = now - (start + i * intervalMs);
          if (lag > senderLagMax) senderLagMax = lag;
          if (lag > 10) sendLate++;
          const target = targets[i % targets.length]!;
          const body = nextPush(github, target);
          inFlight++;
          if (inFlight > maxInFlight) maxInFlight = inFlight;
          const done = post(web.url, body, `${runId}-${i}`).then((ack) => {
            inFlight--;
            acks[i] = ack.ms;
            ackAt[i] = performance.now() - start;
            if (ack.status >= 200 && ack.status < 300) accepted++;
            else {
              const key = ack.error ? `error: ${ack.error}` : String(ack.status);
              non2xx.set(key, (non2xx.get(key) ?? 0) + 1);
            }
          });
          pending.add(done);
          void done.then(() => pending.delete(done));
        }
        if (sent >= total) return resolve();
        setTimeout(tick, Math.max(0, start + sent * intervalMs - performance.now()));
      };
      tick();
    });
    const sendEnd = performance.now();
    // The last answers are part of the burst.
    await Promise.race([Promise.all(pending), sleep(30_000)]);
    const elapsedSeconds = (performance.now() - start) / 1000;
    const windowSeconds = (sendEnd - start) / 1000;
    clearInterval(progressTimer);
    windowLoop.disable();
    if (scrapeTimer) clearInterval(scrapeTimer);
    for (const app of apps) app.cpuAtEnd = readCpuSeconds(app.pid);
    const benchCpu = process.cpuUsage(cpuBefore);
    const servicesCpu = cpuSecondsOf(services) - servicesCpuBefore;
    const machineAfter = readMachineJiffies();
    const redisAfter = mode === 'redis' ? await redisMemoryMb() : Number.NaN;
    loop.disable();
    const concludedInWindow = umbrellas().filter((run) => !concludedBefore.has(run.id));

    if (options.drainSeconds > 0) {
      const deadline = Date.now() + options.drainSeconds * 1000;
      for (;;) {
        const counts = await scrape(web).catch(() => []);
        const busy = sumOf(counts, 'riskgate_jobs', { state: 'queued' }) + sumOf(counts, 'riskgate_jobs', { state: 'running' });
        if (busy === 0 || Date.now() > deadline) break;
        await sleep(2000);
      }
      console.log(`  drained after ${f0((performance.now() - sendEnd) / 1000)} s`);
    }
    clearInterval(memoryTimer);
    clearInterval(trimTimer);
    sampleMemory();

    // --- the App's own view ---
    // One at a time and timed: a scrape counts the queue's jobs, which grows with what it holds.
    const scraped: Scrape[] = [];
    const scrapeMs: number[] = [];
    for (const app of apps) {
      const before = performance.now();
      scraped.push(await scrape(app));
      scrapeMs.push(performance.now() - before);
    }
    const queueView = scraped[0]!;
    const jobs = {
      completed: sumOf(queueView, 'riskgate_jobs', { state: 'completed' }),
      superseded: sumOf(queueView, 'riskgate_jobs', { state: 'superseded' }),
      failed: sumOf(queueView, 'riskgate_jobs', { state: 'failed' }),
      queued: sumOf(queueView, 'riskgate_jobs', { state: 'queued' }),
      running: sumOf(queueView, 'riskgate_jobs', { state: 'running' }),
    };
    if (mode === 'redis') {
      // BullMQ keeps only the newest 10,000 finished jobs, so its counts are not totals. The
      // superseded set is trimmed by age only: its size is the total, and every accepted job not
      // superseded, failed or left has completed.
      const redis = new Redis(REDIS_URL);
      jobs.superseded = await redis.zcard(`${prefix}:superseded:gates`);
      await redis.quit();
      jobs.completed = accepted + WARM_UP_PUSHES - jobs.superseded - jobs.failed - jobs.queued - jobs.running;
    }
    const modelCalls = scraped.reduce((a, s) => a + sumOf(s, 'riskgate_model_calls_total'), 0);
    const gateRuns: Record<string, number> = {};
    if (mode === 'embedded') {
      const db = new Database(join(dataDir, 'riskgate.db'), { readonly: true, fileMustExist: true });
      for (const row of db.prepare('SELECT state, count(*) AS n FROM gate_runs GROUP BY state').all() as Array<{ state: string; n: number }>) gateRuns[row.state] = row.n;
      db.close();
    } else {
      const { rows } = await admin!.query<{ state: string; n: string }>(`SELECT state, count(*) AS n FROM "${schema}".gate_runs GROUP BY state`);
      for (const row of rows) gateRuns[row.state] = Number(row.n);
    }

    const ackSorted = sortedCopy(Array.from(acks).filter((ms) => !Number.isNaN(ms)));
    // Past the first 10 s: the App's code is compiled and optimised by then (a cold start is in the overall figure).
    const steadySorted = sortedCopy(Array.from(acks.subarray(Math.min(total, Math.round(10 * options.rate)))).filter((ms) => !Number.isNaN(ms)));
    const appsCpu = apps.reduce((a, app) => a + ((app.cpuAtEnd ?? 0) - (app.cpuAtStart ?? 0)), 0);
    const machineSeconds = (machineAfter.total - machineBefore.total) / CLK_TCK;
    const cores = machineSeconds / elapsedSeconds;
    const busySeconds = (machineAfter.busy - machineBefore.busy) / CLK_TCK;
    const benchSeconds = (benchCpu.user + benchCpu.system) / 1e6;
    const cpuShare = (seconds: number) => (seconds / elapsedSeconds) * 100;
    const processes: ProcessResult[] = apps.map((app, index) => {
      const during = app.samples.filter((s) => s.t <= windowSeconds * 1000);
      const atMinute = during.find((s) => s.t >= 60_000);
      const hwm = readRssMb(app.pid)?.hwm ?? Number.NaN;
      const cpu = app.cpuAtStart !== undefined && app.cpuAtEnd !== undefined ? ((app.cpuAtEnd - app.cpuAtStart) / elapsedSeconds) * 100 : Number.NaN;
      return {
        name: app.name,
        peakMb: Math.max(hwm, ...app.samples.map((s) => s.mb)),
        atMinuteMb: atMinute?.mb ?? Number.NaN,
        endMb: during.at(-1)?.mb ?? Number.NaN,
        secondMinuteMedianMb: percentile(sortedCopy(during.filter((s) => s.t >= 60_000 && s.t < 120_000).map((s) => s.mb)), 50),
        lastMinuteMedianMb: percentile(sortedCopy(during.filter((s) => s.t >= windowSeconds * 1000 - 60_000).map((s) => s.mb)), 50),
        slope: slopePerMinute(during.filter((s) => s.t >= (windowSeconds * 1000) / 2)),
        troughSlope: slopePerMinute(minuteTroughs(during, windowSeconds * 1000).filter((s) => s.t >= (windowSeconds * 1000) / 2)),
        troughs: minuteTroughs(during, windowSeconds * 1000).map((s) => s.mb),
        heapTroughs: minuteTroughs(app.heapSamples, windowSeconds * 1000).map((s) => s.mb),
        heapSlope: slopePerMinute(minuteTroughs(app.heapSamples, windowSeconds * 1000).filter((s) => s.t >= (windowSeconds * 1000) / 2)),
        cpuPercent: cpu,
        finalScrapeMs: scrapeMs[index]!,
        loopLagMaxMs: lagMs(sumOf(scraped[index]!, 'riskgate_nodejs_eventloop_lag_max_seconds') * 1e9),
        loopLagP99Ms: lagMs(sumOf(scraped[index]!, 'riskgate_nodejs_eventloop_lag_p99_seconds') * 1e9),
      };
    });
    const verdicts = concludedInWindow.filter((run) => run.conclusion !== 'cancelled').length;
    if (scrapes > 0) console.log(`  (${scrapes} /metrics scrapes while sending)`);
    const appTrouble = apps.flatMap((app) => app.output().split('\n').filter((l) => l.trim() !== '' && !l.startsWith('riskgate: jobs in')).slice(-5).map((l) => `${app.name}: ${l.slice(0, 300)}`));
    return {
      mode,
      seconds: windowSeconds,
      sent,
      accepted,
      non2xx,
      ack: { p50: percentile(ackSorted, 50), p90: percentile(ackSorted, 90), p99: percentile(ackSorted, 99), max: ackSorted.at(-1) ?? Number.NaN },
      steadyP99: percentile(steadySorted, 99),
      redisGrowthMb: redisAfter - redisBefore,
      machine: { cores, busy: cpuShare(busySeconds), apps: cpuShare(appsCpu), bench: cpuShare(benchSeconds), services: cpuShare(servicesCpu), other: cpuShare(busySeconds - appsCpu - benchSeconds - servicesCpu) },
      worstWindowP99,
      senderLagMaxMs: senderLagMax,
      sendLate,
      maxInFlight,
      benchLoopLagMaxMs: lagMs(loop.max),
      benchLoopLagP99Ms: lagMs(loop.percentile(99)),
      benchCpuPercent: ((benchCpu.user + benchCpu.system) / 1e6 / elapsedSeconds) * 100,
      gatesConcluded: concludedInWindow.length,
      gatesVerdict: verdicts,
      gatesCancelled: concludedInWindow.length - verdicts,
      jobs,
      gateRuns,
      modelCalls,
      violations: github.violations.slice(violationsBefore),
      processes,
      appTrouble,
    };
  } finally {
    await Promise.all(apps.map((app) => app.stop()));
    rmSync(dataDir, { recursive: true, force: true });
    if (mode === 'redis') {
      const redis = new Redis(REDIS_URL);
      let removed = 0;
      let cursor = '0';
      do {
        const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 1000);
        cursor = next;
        if (keys.length > 0) removed += await redis.del(...keys);
      } while (cursor !== '0');
      await redis.quit();
      await admin?.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
      await admin?.end();
      console.log(`  cleaned up: ${removed} Redis keys under ${prefix}:*, schema ${schema}`);
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Main
// ---------------------------------------------------------------------------------------------

function report(results: ModeResult[], options: Options): void {
  const rows = results.map((r) => {
    const errors = [...r.non2xx.values()].reduce((a, b) => a + b, 0);
    return `| ${r.mode} | ${r.sent} in ${f1(r.seconds)} s | ${f1(r.accepted / r.seconds)} | ${errors} | ${f1(r.ack.p50)} / ${f1(r.ack.p90)} / ${f1(r.ack.p99)} / ${f1(r.ack.max)} ms | ${f1(r.steadyP99)} ms | ${f1(r.worstWindowP99)} ms | ${(r.gatesConcluded / r.seconds).toFixed(2)} (${r.gatesVerdict} verdicts, ${r.gatesCancelled} cancelled) | ${r.jobs.completed} / ${r.jobs.superseded} / ${r.jobs.failed} / ${r.jobs.queued + r.jobs.running} | ${f1(r.senderLagMaxMs)} ms (${r.sendLate} late) / ${f1(r.benchLoopLagMaxMs)} ms |`;
  });
  console.log(`\nLoad: ${options.rate} webhooks/s for ${options.seconds} s, ${options.repos * options.prsPerRepo} pull requests, GitHub ${GITHUB_LATENCY_MS} ms, model ${ANTHROPIC_LATENCY.firstTokenMs}/${ANTHROPIC_LATENCY.totalMs} ms\n`);
  console.log(
    [
      '| mode | webhooks sent | accepted/s | non-2xx | ack p50 / p90 / p99 / max | p99 after 10 s | worst 10 s p99 | gates concluded/s | jobs completed / superseded / failed / left | sender lag max / bench loop lag max |',
      '|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|',
      ...rows,
    ].join('\n'),
  );
  const memRows = results.flatMap((r) =>
    r.processes.map((p) => `| ${r.mode} | ${p.name} | ${f0(p.peakMb)} MB | ${f0(p.atMinuteMb)} MB | ${f0(p.endMb)} MB | ${f0(p.secondMinuteMedianMb)} → ${f0(p.lastMinuteMedianMb)} MB | ${signed(p.slope)} / ${signed(p.troughSlope)} MB/min | ${f0(p.cpuPercent)} % | ${f1(p.loopLagMaxMs)} / ${f1(p.loopLagP99Ms)} ms |`),
  );
  console.log(`\n${['| mode | process | peak RSS | RSS at 1 min | RSS at end | median, 2nd → last minute | slope, 2nd half: all samples / minute troughs | CPU | event-loop lag max / p99 |', '|---|---|---:|---:|---:|---:|---:|---:|---:|', ...memRows].join('\n')}`);

  for (const r of results) {
    console.log(`\n${r.mode}:`);
    const m = r.machine;
    console.log(`  CPU (% of one core, ${f0(m.cores)} cores): machine busy ${f0(m.busy)} % = App processes ${f0(m.apps)} + bench ${f0(m.bench)} + Redis/PostgreSQL ${f0(m.services)} + other ${f0(m.other)}${m.other > 15 ? '  <- something else ran: figures may be noisy' : ''}`);
    console.log(`  gate runs in the store: ${JSON.stringify(r.gateRuns)}; model calls ${r.modelCalls}; max webhooks in flight ${r.maxInFlight}; bench CPU ${f0(r.benchCpuPercent)} %, bench loop lag p99 ${f1(r.benchLoopLagP99Ms)} ms`);
    console.log(`  /metrics scrape after the run: ${r.processes.map((p) => `${p.name} ${f0(p.finalScrapeMs)} ms`).join(', ')}${r.mode === 'redis' ? `; Redis used_memory grew ${f1(r.redisGrowthMb)} MB while sending` : ''}`);
    if (r.non2xx.size > 0) console.log(`  non-2xx: ${JSON.stringify(Object.fromEntries(r.non2xx))}`);
    if (r.violations.length > 0) console.log(`  GitHub violations (${r.violations.length}): ${[...new Set(r.violations)].slice(0, 5).join(' | ')}`);
    if (r.appTrouble.length > 0) console.log(`  App output (last lines):\n    ${r.appTrouble.join('\n    ')}`);
    const p99ok = r.ack.p99 < ACK_P99_GOAL_MS && r.accepted / r.seconds >= options.rate * 0.99;
    // Judged on the troughs: the raw slope over a few minutes is mostly where the sawtooth happened to stop.
    const growing = r.processes.filter((p) => p.troughSlope >= FLAT_SLOPE_MB_PER_MIN);
    const flat = growing.length === 0;
    for (const p of r.processes) if (p.troughs.length > 1) console.log(`  ${p.name} RSS per-minute troughs: ${p.troughs.map((mb) => f0(mb)).join(', ')} MB`);
    for (const p of r.processes) if (p.heapTroughs.length > 1) console.log(`  ${p.name} V8 heap used, per-minute troughs: ${p.heapTroughs.map((mb) => f0(mb)).join(', ')} MB (slope over the second half ${signed(p.heapSlope)} MB/min)`);
    console.log(`  goal ack p99 < ${ACK_P99_GOAL_MS} ms at ${options.rate}/s: ${p99ok ? 'met' : 'NOT met'} (p99 ${f1(r.ack.p99)} ms, ${f1(r.accepted / r.seconds)} accepted/s)`);
    console.log(`  goal memory flat (every process's per-minute RSS troughs grow < ${FLAT_SLOPE_MB_PER_MIN} MB/min over the second half): ${flat ? 'met' : `NOT met (${growing.map((p) => `${p.name} ${signed(p.troughSlope)} MB/min`).join(', ')}; see the V8 heap with --scrape)`}${r.seconds < 300 ? ' (a short run: judge on --seconds 600)' : ''}`);
  }
}

const options = parseOptions(process.argv.slice(2));
if (!existsSync(join(ROOT, 'build', 'src', 'app', 'start-app.js'))) throw new Error('build/ is missing: run `npm run build` first (npm run bench:load does)');
const github = await startGitHubServer({ appId: APP_ID });
const anthropic = await new AnthropicTestServer().start();
const results: ModeResult[] = [];
try {
  for (const mode of options.modes) results.push(await runMode(mode, options, github, anthropic));
} finally {
  await github.close();
  await anthropic.stop();
  agent.destroy();
}
report(results, options);
