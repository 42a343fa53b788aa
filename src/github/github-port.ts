import type { PullFileRow } from '../diff/from-pull-files.js';
import type { CheckConclusion } from '../report/check-conclusion.js';
import type { CheckAnnotation } from '../report/finding-annotations.js';
import type { CheckAction } from '../report/render-checks.js';

// The GitHub operations riskgate needs, and nothing more: the App and the Action each build one
// over their own authenticated client; the gate job is written against this.

export interface RepoRef {
  owner: string;
  repo: string;
}

export interface PullRequestRef extends RepoRef {
  pullNumber: number;
}

/** A collaborator's role, as the collaborator-permission API's `role_name` reports it. */
export type RepoPermission = 'admin' | 'maintain' | 'write' | 'triage' | 'read' | 'none';

export interface PullRequest {
  number: number;
  headSha: string;
  baseSha: string;
  baseRef: string;
  draft: boolean;
  /** A merged pull request is closed too. */
  state: 'open' | 'closed';
  merged: boolean;
  title: string;
  body: string;
  author: string;
  /** GitHub's own count; `listPullFiles` stops at 3,000. */
  changedFiles: number;
}

export interface CheckRunOutput {
  title: string;
  summary: string;
  text?: string;
  annotations?: CheckAnnotation[];
}

export interface NewCheckRun {
  name: string;
  headSha: string;
  output: CheckRunOutput;
  /** GitHub's "reference for the run on the integrator's system". */
  externalId?: string;
  /** Created already completed with this conclusion (one write instead of a create and an update). */
  conclusion?: CheckConclusion;
  actions?: CheckAction[];
}

export interface CheckRunUpdate {
  conclusion?: CheckConclusion;
  output?: CheckRunOutput;
  actions?: CheckAction[];
}

export interface ExistingCheckRun {
  id: number;
  headSha: string;
  status: string;
  text?: string;
}

/** One check run of riskgate's own on a commit, as listed to find the checks a dead run left open. */
export interface OwnCheckRun {
  id: number;
  name: string;
  status: string;
  externalId?: string;
}

export interface SourceFile {
  sha: string;
  size: number;
  text?: string;
}

export type CommentReaction = '+1' | 'eyes' | 'rocket' | 'confused';

export interface GitHubPort {
  getPull(pull: PullRequestRef): Promise<PullRequest>;
  /** Every row `pulls.listFiles` gives, across pages (GitHub stops at 3,000). */
  listPullFiles(pull: PullRequestRef): Promise<PullFileRow[]>;
  /** The SHAs of the pull request's commits, oldest first (GitHub lists at most 250). */
  listPullCommits(pull: PullRequestRef): Promise<string[]>;
  /** A file's text at a ref, or undefined when there is no such file. */
  readFile(repo: RepoRef, path: string, ref: string): Promise<string | undefined>;
  /**
   * A source file at a ref with its blob SHA and size, or undefined when there is no such file;
   * `text` is absent when the contents API does not give it (over 1 MB) or it is not UTF-8 text.
   */
  readSourceFile(repo: RepoRef, path: string, ref: string): Promise<SourceFile | undefined>;
  permissionOf(repo: RepoRef, login: string): Promise<RepoPermission>;
  /** Creates a check run, `in_progress` unless it has a conclusion; returns its id. */
  createCheckRun(repo: RepoRef, check: NewCheckRun): Promise<number>;
  updateCheckRun(repo: RepoRef, id: number, update: CheckRunUpdate): Promise<void>;
  /** The newest check run of this name on a commit made by riskgate itself, if any. */
  findOwnCheckRun(repo: RepoRef, sha: string, name: string): Promise<ExistingCheckRun | undefined>;
  /** Every check run made by riskgate itself on a commit, newest first (all of them, not only the latest per name). */
  listOwnCheckRuns(repo: RepoRef, sha: string): Promise<OwnCheckRun[]>;
  reactToComment(repo: RepoRef, commentId: number, reaction: CommentReaction): Promise<void>;
  commentOnPull(repo: RepoRef, pullNumber: number, body: string): Promise<void>;
}
