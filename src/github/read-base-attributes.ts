import { LINGUIST_ATTRIBUTES } from '../diff/classify-file.js';
import { GITATTRIBUTES_PATH, parseGitAttributes, type GitAttributes } from '../diff/match-git-attributes.js';
import type { GitHubPort, PullRequest, RepoRef } from './github-port.js';

/**
 * The linguist lines of the base branch's root `.gitattributes`, read like the config and for the
 * same reason: a PR that adds `vendor/** linguist-vendored` must not take its own files out of the
 * count or the models' view. One contents request per gate; nested `.gitattributes` files are not
 * read. GitHub failing to answer is thrown, as for the config.
 */
export async function readBaseAttributes(github: GitHubPort, repo: RepoRef, pull: PullRequest): Promise<GitAttributes> {
  const text = await github.readFile(repo, GITATTRIBUTES_PATH, pull.baseSha);
  return parseGitAttributes(text ?? '', LINGUIST_ATTRIBUTES);
}
