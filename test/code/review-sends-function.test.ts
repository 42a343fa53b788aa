import { CONTEXT_HEADINGS } from '../../src/agents/build-prompt.js';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { scriptAgents } from '../support/agent-script.js';
import { AnthropicTestServer } from '../support/anthropic-server.js';
import { GitRepo } from '../support/git-repo.js';
import { runCli } from '../support/run-cli.js';
import { FIXTURES } from './language-fixtures.js';

// The real CLI against the local Messages API: what the models receive, per supported language.

const server = new AnthropicTestServer();
const repos: GitRepo[] = [];
let dataDir: string;
const env = (extra: Record<string, string> = {}) => ({ ANTHROPIC_API_KEY: 'sk-test', ANTHROPIC_BASE_URL: server.url, RISKGATE_DATA_DIR: dataDir, ...extra });

beforeAll(async () => {
  await server.start();
  dataDir = mkdtempSync(join(tmpdir(), 'riskgate-data-'));
});
afterAll(async () => {
  await server.stop();
  repos.forEach((r) => r.cleanup());
  rmSync(dataDir, { recursive: true, force: true });
});
afterEach(() => server.reset());

/** Every text a request carries: system blocks and message contents. */
function textsOf(body: Record<string, unknown>): string {
  const system = (Array.isArray(body.system) ? body.system : []) as Array<{ text?: string }>;
  const messages = (Array.isArray(body.messages) ? body.messages : []) as Array<{ content: string | Array<{ text?: string }> }>;
  return [...system.map((b) => b.text ?? ''), ...messages.flatMap((m) => (typeof m.content === 'string' ? [m.content] : m.content.map((c) => c.text ?? '')))].join('\n');
}

// The code context as the prompt builder renders it: its section of the cached prefix, up to the next section.
const codeContextOf = (prompt: string) => {
  const start = prompt.indexOf(`## ${CONTEXT_HEADINGS.function}`);
  if (start < 0) return '';
  const end = prompt.indexOf('\n## ', start + 3);
  return prompt.slice(start, end < 0 ? undefined : end);
};
// The numbered lines of the code context: each run fences it with its own random boundary.
const numberedLines = (context: string) => context.split('\n').filter((l) => /^\s*\d+ [ +] /.test(l));

describe('riskgate review sends the enclosing function to the models', () => {
  for (const fixture of FIXTURES) {
    it(`a one-line change inside a 200-line function sends the whole function (${fixture.language}); diff.context=0 changes nothing in it`, async () => {
      const repo = new GitRepo();
      repos.push(repo);
      repo.write(fixture.path, fixture.text);
      repo.commit('base');
      repo.write(fixture.path, fixture.changed);
      repo.commit('change one line');
      server.respond = scriptAgents({});
      const run = await runCli(['review', '--no-cache', '--json'], { cwd: repo.dir, env: env() });
      expect(run.code, run.stderr).toBe(0);
      expect(server.requests.length).toBeGreaterThan(0);
      const headLines = fixture.changed.split('\n');
      for (const request of server.requests) {
        const prompt = textsOf(request.body as Record<string, unknown>);
        const context = codeContextOf(prompt);
        expect(context).toContain(`${fixture.path}: function`);
        expect(context).toContain(`lines ${fixture.start}-${fixture.end},`);
        for (let n = fixture.start; n <= fixture.end; n++) {
          const marker = n === fixture.changedLine ? '+' : ' ';
          expect(context, `line ${n}`).toContain(`${n} ${marker} ${headLines[n - 1]}`);
        }
        for (const outside of fixture.outside) expect(context).not.toContain(outside);
      }
      const first = numberedLines(codeContextOf(textsOf(server.requests[0]!.body as Record<string, unknown>)));
      expect(first).toHaveLength(200);

      // A user's diff.context = 0 (through git's environment config) changes nothing in it.
      server.reset();
      server.respond = scriptAgents({});
      const again = await runCli(['review', '--no-cache', '--json'], { cwd: repo.dir, env: env({ GIT_CONFIG_COUNT: '1', GIT_CONFIG_KEY_0: 'diff.context', GIT_CONFIG_VALUE_0: '0' }) });
      expect(again.code, again.stderr).toBe(0);
      expect(numberedLines(codeContextOf(textsOf(server.requests[0]!.body as Record<string, unknown>)))).toEqual(first);
    });
  }
});
