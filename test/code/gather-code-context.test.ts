import { afterAll, describe, expect, it } from 'vitest';
import { gatherCodeContext } from '../../src/code/gather-code-context.js';
import { gitCallerFinder } from '../../src/code/callers-context.js';
import { gitSourceReader } from '../../src/code/git-source-reader.js';
import { tokensForChars } from '../../src/plan/estimate-cost.js';
import { GIT_DIFF_FLAGS } from '../../src/git/read-git-diff.js';
import { GitRepo } from '../support/git-repo.js';
import { parse } from '../support/parse.js';
import { FIXTURES, FUNCTION_LINES, type LanguageFixture } from './language-fixtures.js';

const repos: GitRepo[] = [];
afterAll(() => repos.forEach((r) => r.cleanup()));

function repoWith(fixture: LanguageFixture) {
  const repo = new GitRepo();
  repos.push(repo);
  repo.write(fixture.path, fixture.text);
  const base = repo.commit('base');
  repo.write(fixture.path, fixture.changed);
  const head = repo.commit('change one line');
  return { repo, base, head };
}

async function gather(dir: string, diffText: string, base: string, head: string, switches = { functions: true, callers: true }) {
  const reader = gitSourceReader(dir);
  try {
    return await gatherCodeContext(parse(diffText), { reader, base, head, callers: gitCallerFinder(dir) }, switches);
  } finally {
    reader.close();
  }
}

describe('a one-line change inside a 200-line function', () => {
  for (const fixture of FIXTURES) {
    it(`sends the whole function as context (${fixture.language})`, async () => {
      const { repo, base, head } = repoWith(fixture);
      const diffText = repo.git('diff', ...GIT_DIFF_FLAGS, base, head, '--');
      const context = await gather(repo.dir, diffText, base, head);
      const functions = context.blocks.filter((b) => b.kind === 'function');
      expect(functions).toHaveLength(1);
      const block = functions[0]!;
      const lines = block.text.split('\n');
      expect(lines[0]).toContain(`${fixture.path}: function`);
      expect(lines[0]).toContain(`lines ${fixture.start}-${fixture.end},`);
      expect(lines[0]).toContain('Unchanged context');
      const numbered = lines.slice(1);
      expect(numbered).toHaveLength(FUNCTION_LINES);
      expect(numbered.map((l) => Number(l.trim().split(' ')[0]))).toEqual(Array.from({ length: FUNCTION_LINES }, (_, i) => fixture.start + i));
      const headLines = fixture.changed.split('\n');
      expect(numbered[0]).toContain(headLines[fixture.start - 1]!.trim());
      expect(numbered[FUNCTION_LINES - 1]).toContain(headLines[fixture.end - 1]!.trim());
      // The changed line is marked as the diff marks it; the others are context.
      const changed = numbered.filter((l) => /^\s*\d+ \+ /.test(l));
      expect(changed).toHaveLength(1);
      expect(changed[0]).toContain('1000');
      for (const outside of fixture.outside) expect(block.text).not.toContain(outside);
      expect(block.tokens).toBe(tokensForChars(block.text.length));
      expect(block.path).toBe(fixture.path);

      // A user's `diff.context = 0` changes nothing in what is gathered.
      const noContext = repo.git('-c', 'diff.context=0', 'diff', ...GIT_DIFF_FLAGS, base, head, '--');
      expect(noContext).not.toEqual(diffText);
      const again = await gather(repo.dir, noContext, base, head);
      expect(again.blocks).toEqual(context.blocks);
      expect(again.structure).toEqual(context.structure);
    });
  }
});

describe("git's hunk heading for languages riskgate does not parse", () => {
  it('grows the hunk up to the function line git named', async () => {
    const body = Array.from({ length: 40 }, (_, i) => `  x = x + ${i + 1}`);
    const text = ['local M = {}', '', 'function M.target(x)', ...body, '  return x', 'end', '', 'return M', ''].join('\n');
    const repo = new GitRepo();
    repos.push(repo);
    repo.write('calc.lua', text);
    const base = repo.commit('base');
    repo.write('calc.lua', text.replace('x = x + 30', 'x = x + 300'));
    const head = repo.commit('change');
    const diffText = repo.git('diff', ...GIT_DIFF_FLAGS, base, head, '--');
    expect(diffText).toContain('@@ function M.target(x)');
    const context = await gather(repo.dir, diffText, base, head);
    expect(context.blocks).toHaveLength(1);
    const lines = context.blocks[0]!.text.split('\n');
    expect(lines[0]).toContain('the function at "function M.target(x)"');
    expect(lines[1]).toMatch(/^\s*3 {3}function M\.target\(x\)$/);
    expect(lines.at(-1)).toMatch(/^\s*33 \+ {3}x = x \+ 300$/);
  });
});

describe('switches', () => {
  it('gathers nothing a switch turns off', async () => {
    const fixture = FIXTURES[0]!;
    const { repo, base, head } = repoWith(fixture);
    const diffText = repo.git('diff', ...GIT_DIFF_FLAGS, base, head, '--');
    const off = await gather(repo.dir, diffText, base, head, { functions: false, callers: false });
    expect(off.blocks).toEqual([]);
    expect(off.unavailable).toEqual([]);
  });
});
