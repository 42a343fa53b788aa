import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { LINGUIST_ATTRIBUTES } from '../diff/classify-file.js';
import { GITATTRIBUTES_PATH, parseGitAttributes, type GitAttributes } from '../diff/match-git-attributes.js';
import { readFileAtRevision } from '../git/resolve-change.js';

/**
 * The linguist lines of `.gitattributes`, from where the config comes from: for a git range, the
 * root file at the base revision (the change cannot mark its own files vendored or generated, as
 * on the App); else the file in `dir` (the working tree). Nested `.gitattributes` files are not
 * read, on the App nor here, so both score a change alike.
 */
export async function resolveAttributes(dir: string, git?: { root: string; base: string }): Promise<GitAttributes> {
  let text: string | undefined;
  if (git) {
    text = await readFileAtRevision(git.root, git.base, GITATTRIBUTES_PATH);
  } else {
    const local = join(dir, GITATTRIBUTES_PATH);
    text = existsSync(local) ? readFileSync(local, 'utf8') : undefined;
  }
  return parseGitAttributes(text ?? '', LINGUIST_ATTRIBUTES);
}
