import { answer, scriptAgents, verdicts } from './agent-script.js';
import type { GitHubServer } from './github-server.js';
import { addedFile } from './webhooks.js';

// The pull request the App and Action tests gate: the repository, number and SHAs of the
// @octokit/webhooks-examples payloads, and a change with a query built from input.

export const REPO = 'Codertocat/Hello-World';
export const PR = 2;
export const BASE_SHA = 'f95f852bd8fca8fcc58a9a2d6c842781e32a215e';
export const HEAD_SHA = 'ec26c3e57ca3a959ca5aad62de7213c562f8c821';

/** An auth module whose line 3 builds SQL from the user name. */
export const AUTH_FILE = addedFile('src/auth/login.ts', ['import { db } from "../db";', 'export function login(name: string) {', '  db.query("select * from users where name = \'" + name + "\'");', '}']);

/** The security agent's answer about that line. */
export const SQL_BLOCKER = { severity: 'blocker' as const, confidence: 0.95, path: 'src/auth/login.ts', start_line: 3, end_line: 3, title: 'SQL injection', explanation: 'The query concatenates the user name.' };

/** The security agent finds the blocker; the strong model's re-check confirms it. */
export const FOUND_SQL = scriptAgents({ security: answer([SQL_BLOCKER]), verify: verdicts({ index: 0, real: true }) });

// The auth change's score is low; this threshold puts it at the standard tier (all three agents, fast model).
export const STANDARD_CONFIG = 'tiers:\n  thresholds:\n    standard: 1\n';

/** Seeds the local GitHub server with the example pull request at the standard tier: the PR, its auth change and the base's config. */
export function seedExamplePull(github: GitHubServer): void {
  github.setPull(REPO, { number: PR, headSha: HEAD_SHA, baseSha: BASE_SHA, title: 'Add login', body: 'Adds a login function.', user: { login: 'Codertocat' } });
  github.setPullFiles(REPO, PR, [AUTH_FILE]);
  github.setFile(REPO, 'main', '.github/riskgate.yml', STANDARD_CONFIG);
}
