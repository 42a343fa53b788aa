import { spawn, type ChildProcess } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';

// The riskgate App as production runs it: `node bin/riskgate-app.js` (npm start) in its own
// process, against the local GitHub server (as a GitHub Enterprise host) and the local Messages
// API. The crash test kills it; the load benchmark measures it.

const LAUNCHER = fileURLToPath(new URL('../../bin/riskgate-app.js', import.meta.url));

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
