import type { Octokit } from '@octokit/rest';
import type { PullFileRow } from '../diff/from-pull-files.js';
import type { CheckRunOutput, GitHubPort, RepoPermission } from './github-port.js';
import { httpStatusOf } from './http-status.js';
import { fitCheckText } from '../report/fit-check-text.js';
import { redactCredentialShapes, redactDeep, type Redact } from '../security/redact-secrets.js';

/** What riskgate uses of an Octokit: probot's and @octokit/rest's both have it. */
export type RestClient = Pick<Octokit, 'rest' | 'paginate'>;

// "per_page: The number of results per page (max 100)": fewer round trips for large PRs.
const MAX_PER_PAGE = 100;

const ROLES: ReadonlySet<string> = new Set<RepoPermission>(['admin', 'maintain', 'write', 'triage', 'read', 'none']);

const isNotFound = (error: unknown) => httpStatusOf(error) === 404;

/** A check run's output as sent: redacted (errors quoted in it may carry a secret), then fitted again. */
function outputBody(output: CheckRunOutput, redact: Redact) {
  return {
    title: redact(output.title),
    summary: fitCheckText(redact(output.summary)),
    ...(output.text !== undefined ? { text: fitCheckText(redact(output.text)) } : {}),
    ...(output.annotations && output.annotations.length > 0 ? { annotations: redactDeep(output.annotations, redact) } : {}),
  };
}

/** The app whose check runs are riskgate's own: the App by id; the Action's runs belong to GitHub Actions. */
export type OwnApp = { id: number } | { slug: string };

/**
 * The GitHub port over an authenticated Octokit. Earlier state is only ever read from check runs
 * of `ownApp`, which no PR author can write. Everything it writes (check runs, comments) goes
 * through `redact` first: the one place every posted text passes.
 */
export function octokitGitHub(octokit: RestClient, ownApp: OwnApp, redact: Redact = redactCredentialShapes): GitHubPort {
  const isOwn = (app: { id: number; slug?: string } | null) => app !== null && ('id' in ownApp ? app.id === ownApp.id : app.slug === ownApp.slug);
  return {
    async getPull({ owner, repo, pullNumber }) {
      const { data } = await octokit.rest.pulls.get({ owner, repo, pull_number: pullNumber });
      return {
        number: data.number,
        headSha: data.head.sha,
        baseSha: data.base.sha,
        baseRef: data.base.ref,
        draft: data.draft ?? false,
        state: data.state === 'closed' ? 'closed' : 'open',
        merged: data.merged,
        title: data.title,
        body: data.body ?? '',
        author: data.user.login,
        changedFiles: data.changed_files,
      };
    },

    async listPullFiles({ owner, repo, pullNumber }) {
      const rows = await octokit.paginate(octokit.rest.pulls.listFiles, { owner, repo, pull_number: pullNumber, per_page: MAX_PER_PAGE });
      return rows.map((r): PullFileRow => ({
        filename: r.filename,
        status: r.status,
        additions: r.additions,
        deletions: r.deletions,
        changes: r.changes,
        ...(r.patch !== undefined ? { patch: r.patch } : {}),
        ...(r.previous_filename !== undefined ? { previous_filename: r.previous_filename } : {}),
        ...(r.sha ? { sha: r.sha } : {}),
      }));
    },

    async listPullCommits({ owner, repo, pullNumber }) {
      const commits = await octokit.paginate(octokit.rest.pulls.listCommits, { owner, repo, pull_number: pullNumber, per_page: MAX_PER_PAGE });
      return commits.map((c) => c.sha);
    },

    async readFile({ owner, repo }, path, ref) {
      try {
        const { data } = await octokit.rest.repos.getContent({ owner, repo, path, ref });
        if (Array.isArray(data) || data.type !== 'file') throw new Error(`${path} at ${ref} is not a file`);
        if (!('content' in data) || data.encoding !== 'base64') throw new Error(`${path} at ${ref} is too large to read through the contents API`);
        return Buffer.from(data.content, 'base64').toString('utf8');
      } catch (error) {
        if (isNotFound(error)) return undefined;
        throw error;
      }
    },

    async readSourceFile({ owner, repo }, path, ref) {
      try {
        const { data } = await octokit.rest.repos.getContent({ owner, repo, path, ref });
        if (Array.isArray(data) || data.type !== 'file') return undefined;
        // Above 1 MB the contents API answers with no content (encoding "none").
        const text = 'content' in data && data.encoding === 'base64' ? Buffer.from(data.content, 'base64') : undefined;
        return { sha: data.sha, size: data.size, ...(text && !text.subarray(0, 8000).includes(0) ? { text: text.toString('utf8') } : {}) };
      } catch (error) {
        if (isNotFound(error)) return undefined;
        throw error;
      }
    },

    async permissionOf({ owner, repo }, login) {
      try {
        const { data } = await octokit.rest.repos.getCollaboratorPermissionLevel({ owner, repo, username: login });
        // `permission` folds maintain into write and triage into read; `role_name` keeps them.
        return (ROLES.has(data.role_name) ? data.role_name : data.permission) as RepoPermission;
      } catch (error) {
        if (isNotFound(error)) return 'none';
        throw error;
      }
    },

    async createCheckRun({ owner, repo }, check) {
      const { data } = await octokit.rest.checks.create({
        owner,
        repo,
        name: check.name,
        head_sha: check.headSha,
        started_at: new Date().toISOString(),
        ...(check.conclusion ? { status: 'completed' as const, conclusion: check.conclusion, completed_at: new Date().toISOString() } : { status: 'in_progress' as const }),
        output: outputBody(check.output, redact),
        ...(check.externalId !== undefined ? { external_id: check.externalId } : {}),
        ...(check.actions && check.actions.length > 0 ? { actions: check.actions } : {}),
      });
      return data.id;
    },

    async updateCheckRun({ owner, repo }, id, update) {
      await octokit.rest.checks.update({
        owner,
        repo,
        check_run_id: id,
        ...(update.conclusion ? { status: 'completed' as const, conclusion: update.conclusion, completed_at: new Date().toISOString() } : {}),
        ...(update.output ? { output: outputBody(update.output, redact) } : {}),
        ...(update.actions ? { actions: update.actions } : {}),
      });
    },

    async findOwnCheckRun({ owner, repo }, sha, name) {
      const { data } = await octokit.rest.checks.listForRef({
        owner,
        repo,
        ref: sha,
        check_name: name,
        filter: 'latest',
        ...('id' in ownApp ? { app_id: ownApp.id } : {}),
      });
      // Filter here too: the slug cannot be asked for, and another app may name a check "riskgate".
      const run = data.check_runs.find((r) => r.name === name && isOwn(r.app));
      return run ? { id: run.id, headSha: run.head_sha, status: run.status, ...(run.output.text ? { text: run.output.text } : {}) } : undefined;
    },

    async listOwnCheckRuns({ owner, repo }, sha) {
      const runs = await octokit.paginate(octokit.rest.checks.listForRef, {
        owner,
        repo,
        ref: sha,
        // `latest` hides an older run of a name behind a newer one: a run left open by a dead
        // process must be found even so.
        filter: 'all',
        per_page: MAX_PER_PAGE,
        ...('id' in ownApp ? { app_id: ownApp.id } : {}),
      });
      return runs
        .filter((r) => isOwn(r.app))
        .sort((a, b) => b.id - a.id)
        .map((r) => ({ id: r.id, name: r.name, status: r.status, ...(r.external_id ? { externalId: r.external_id } : {}) }));
    },

    async reactToComment({ owner, repo }, commentId, reaction) {
      await octokit.rest.reactions.createForIssueComment({ owner, repo, comment_id: commentId, content: reaction });
    },

    async commentOnPull({ owner, repo }, pullNumber, body) {
      await octokit.rest.issues.createComment({ owner, repo, issue_number: pullNumber, body: redact(body) });
    },
  };
}
