import { spawn, type ChildProcess } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import { existsSync } from 'node:fs';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';

// The riskgate App as production runs it: `node bin/riskgate-app.js` (npm start) in its own
// process, against the local GitHub server (as a GitHub Enterprise host) and the local Messages
// API. The crash test kills it; the load benchmark measures it.

// From test/support, or from build/test/support when a benchmark runs the compiled copy.
const LAUNCHER = [new URL('../../bin/riskgate-app.js', import.meta.url), new URL('../../../bin/riskgate-app.js', import.meta.url)].map((url) => fileURLToPath(url)).find((path) => existsSync(path))!;

export const APP_SECRET = 'app-process-webhook-secret';

/** One key per test process: generating RSA keys is slow. */
export const APP_PRIVATE_KEY = generateKeyPairSync('rsa', { modulusLength: 2048, privateKeyEncoding: { type: 'pkcs1', format: 'pem' }, publicKeyEncoding: { type: 'spki', format: 'pem' } }).privateKey;

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

export interface AppProcess {
  url: string;
  child: ChildProcess;
  /** Everything the process printed, for a failing test to show. */
  output(): string;
  /** SIGKILL: no handler runs, nothing is flushed. */
  kill(): Promise<void>;
  /** SIGTERM: the graceful stop. */
  stop(): Promise<void>;
}

export interface AppProcessOptions {
  appId: number;
  githubUrl: string;
  anthropicUrl: string;
  /** RISKGATE_DATA_DIR, REDIS_URL, DATABASE_URL, RISKGATE_* settings. */
  env: Record<string, string>;
  port?: number;
}

/** Starts the App and resolves once it answers on its port. */
export async function startAppProcess(options: AppProcessOptions): Promise<AppProcess> {
  const port = options.port ?? (await freePort());
  const github = new URL(options.githubUrl);
  const child = spawn(process.execPath, [LAUNCHER], {
    env: {
      PATH: process.env.PATH,
      NODE_ENV: 'production',
      APP_ID: String(options.appId),
      PRIVATE_KEY: APP_PRIVATE_KEY,
      WEBHOOK_SECRET: APP_SECRET,
      GHE_HOST: github.host,
      GHE_PROTOCOL: 'http',
      ANTHROPIC_API_KEY: 'sk-app-process',
      ANTHROPIC_BASE_URL: options.anthropicUrl,
      HOST: '127.0.0.1',
      PORT: String(port),
      LOG_LEVEL: 'warn',
      // GitHub asks for writes a second apart; a local server does not.
      RISKGATE_GITHUB_THROTTLE: 'off',
      ...options.env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let printed = '';
  child.stdout!.setEncoding('utf8').on('data', (d: string) => (printed += d));
  child.stderr!.setEncoding('utf8').on('data', (d: string) => (printed += d));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const url = `http://127.0.0.1:${port}`;

  const deadline = Date.now() + 20_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`the App exited with ${child.exitCode} before answering:\n${printed}`);
    try {
      if ((await fetch(`${url}/ping`)).ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`the App did not answer on ${url} within 20 s:\n${printed}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }

  return {
    url,
    child,
    output: () => printed,
    async kill() {
      if (child.exitCode === null) child.kill('SIGKILL');
      await exited;
    },
    async stop() {
      if (child.exitCode === null) child.kill('SIGTERM');
      await exited;
    },
  };
}

/** One process working jobs (embedded), or a web process and two workers sharing Redis and PostgreSQL (scaled). */
export type DeploymentMode = 'embedded' | 'scaled';

export interface AppDeploymentOptions extends Omit<AppProcessOptions, 'githubUrl' | 'port'> {
  mode: DeploymentMode;
  /** The GitHub URL a process is given: one of its own per process tells whose request is whose. */
  githubUrlFor: (name: string) => Promise<string>;
}

/** The riskgate App as deployed: processes that can be killed mid-job and started again. */
export interface AppDeployment {
  readonly mode: DeploymentMode;
  /** The processes that work jobs, by name: `app` (embedded), `worker-1` and `worker-2` (scaled). */
  readonly workers: ReadonlyMap<string, AppProcess>;
  /** Where webhooks can be delivered now: with every worker of an embedded deployment dead, a web-only process on its data. */
  webUrl(): Promise<string>;
  /** SIGKILL the named workers (all by default). */
  kill(names?: readonly string[]): Promise<void>;
  /** Starts every killed worker again. */
  restart(): Promise<void>;
  /** The worker that sent a request which came in on this GitHub port. */
  workerOnPort(port: number): string | undefined;
  output(): string;
  stop(): Promise<void>;
}

export async function startAppDeployment(options: AppDeploymentOptions): Promise<AppDeployment> {
  const { mode, githubUrlFor, env, ...common } = options;
  const ports = new Map<number, string>();
  const workers = new Map<string, AppProcess>();
  const others: AppProcess[] = [];
  const killed = new Set<string>();
  let printed = '';
  const start = async (name: string, extra: Record<string, string> = {}) => {
    const githubUrl = await githubUrlFor(name);
    ports.set(Number(new URL(githubUrl).port), name);
    const app = await startAppProcess({ ...common, githubUrl, env: { ...env, ...extra } });
    return app;
  };
  const workerNames = mode === 'embedded' ? ['app'] : ['worker-1', 'worker-2'];
  const web = mode === 'scaled' ? await start('web', { RISKGATE_WORKER: 'off' }) : undefined;
  if (web) others.push(web);
  for (const name of workerNames) workers.set(name, await start(name));
  const all = () => [...others, ...workers.values()];
  return {
    mode,
    workers,
    async webUrl() {
      if (web) return web.url;
      const live = [...workers.entries()].find(([name]) => !killed.has(name));
      if (live) return live[1].url;
      const standIn = await start('web', { RISKGATE_WORKER: 'off' });
      others.push(standIn);
      return standIn.url;
    },
    async kill(names = workerNames) {
      for (const name of names) {
        const app = workers.get(name)!;
        printed += `--- ${name} (killed) ---\n${app.output()}\n`;
        await app.kill();
        killed.add(name);
      }
    },
    async restart() {
      for (const name of [...killed]) {
        workers.set(name, await start(name));
        killed.delete(name);
      }
    },
    workerOnPort: (port) => ports.get(port),
    output: () => printed + all().map((app) => app.output()).join('\n---\n'),
    async stop() {
      await Promise.all(all().map((app) => app.stop()));
    },
  };
}

/**
 * Polls `probe` until it gives a value (not undefined or false), or fails after `timeoutMs` with
 * what the App printed, which is what a failing App-process test needs to be read.
 */
export async function waitForApp<T>(what: string, probe: () => Promise<T | undefined | false> | T | undefined | false, app: { output(): string } | undefined, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}; the App printed:\n${app?.output() ?? ''}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
