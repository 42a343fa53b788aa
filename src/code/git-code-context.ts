import type { Diff } from '../diff/diff-file.js';
import { gitCallerFinder } from './callers-context.js';
import { gatherCodeContext, type CodeContext, type CodeContextSwitches } from './gather-code-context.js';
import { gitSourceReader } from './git-source-reader.js';

/** The code-structure layer over a local clone (the CLI, `eval`): files by `git cat-file`, callers by `git grep`, at `head`. */
export async function gatherGitCodeContext(root: string, base: string, head: string, diff: Diff, switches: CodeContextSwitches): Promise<CodeContext> {
  const reader = gitSourceReader(root);
  try {
    return await gatherCodeContext(diff, { reader, base, head, callers: gitCallerFinder(root) }, switches);
  } finally {
    reader.close();
  }
}

/** Only the blocks a set of switches asks for: eval arms gather once and choose per arm. */
export function chooseContext(context: CodeContext, switches: CodeContextSwitches): Pick<CodeContext, 'blocks' | 'unavailable'> {
  const wanted = (kind: string) => (kind === 'function' ? switches.functions : kind === 'callers' ? switches.callers : false);
  return { blocks: context.blocks.filter((b) => wanted(b.kind)), unavailable: context.unavailable.filter((u) => wanted(u.kind)) };
}
