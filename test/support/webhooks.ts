import { createRequire } from 'node:module';
import { sign } from '@octokit/webhooks-methods';
import type { SeedPullFile } from './github-server.js';

// Real webhook payloads from @octokit/webhooks-examples, adjusted only where a field must point at
// the test's repository, pull request or installation, and sent over HTTP signed as GitHub signs.

interface ExampleGroup {
  name: string;
  examples: Array<Record<string, unknown> & { action?: string }>;
}

// Deep webhook JSON that tests adjust field by field; typing every event here would add nothing.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Payload = Record<string, any>;

const examples = createRequire(import.meta.url)('@octokit/webhooks-examples/api.github.com/index.json') as ExampleGroup[];

/** A deep copy of the first example of `event` with this `action` (and matching `pick`, when given). */
export function examplePayload(event: string, action: string, pick: (p: Record<string, unknown>) => boolean = () => true): Payload {
  const found = examples.find((g) => g.name === event)?.examples.find((e) => e.action === action && pick(e));
  if (!found) throw new Error(`no ${event}.${action} example in @octokit/webhooks-examples`);
  return structuredClone(found) as Payload;
}

export interface Delivery {
  status: number;
  body: string;
  /** Milliseconds from sending to the answer. */
  ms: number;
}

/** Posts a webhook as GitHub does: JSON body, event and delivery headers, HMAC-SHA256 signature. */
export async function deliver(url: string, event: string, payload: unknown, options: { secret?: string; id?: string; signature?: string; signal?: AbortSignal } = {}): Promise<Delivery> {
  const body = JSON.stringify(payload);
  const headers: Record<string, string> = {
    'content-type': 'application/json',
    'x-github-event': event,
    'x-github-delivery': options.id ?? crypto.randomUUID(),
    'user-agent': 'GitHub-Hookshot/test',
  };
  const signature = options.signature ?? (options.secret !== undefined ? await sign(options.secret, body) : undefined);
  if (signature) headers['x-hub-signature-256'] = signature;
  const started = performance.now();
  const response = await fetch(`${url}/api/github/webhooks`, { method: 'POST', headers, body, ...(options.signal ? { signal: options.signal } : {}) });
  return { status: response.status, body: await response.text(), ms: performance.now() - started };
}

/** A listFiles row adding these lines to a new file (GitHub's patch: hunks, no git headers). */
export function addedFile(filename: string, added: readonly string[]): SeedPullFile {
  return { filename, status: 'added', additions: added.length, deletions: 0, changes: added.length, patch: `@@ -0,0 +1,${added.length} @@\n${added.map((l) => `+${l}`).join('\n')}` };
}

/** A `pull_request` delivery for any repository and installation: the example payload, re-pointed. */
export function pullRequestEvent(options: { repository: string; number: number; installationId: number; action: 'opened' | 'synchronize'; headSha: string; before?: string }): Payload {
  const payload = examplePayload('pull_request', options.action);
  const [owner = '', name = ''] = options.repository.split('/');
  payload.installation = { id: options.installationId };
  payload.repository = { ...payload.repository, name, full_name: options.repository, owner: { ...payload.repository.owner, login: owner } };
  payload.number = options.number;
  payload.pull_request.number = options.number;
  payload.pull_request.head.sha = options.headSha;
  if (options.action === 'synchronize') {
    payload.before = options.before;
    payload.after = options.headSha;
  }
  return payload;
}
