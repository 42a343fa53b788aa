import { afterAll, describe, expect, it } from 'vitest';
import { CALL_SITE_LINES, MAX_CALL_SITES } from '../../src/code/callers-context.js';
import { gatherCodeContext } from '../../src/code/gather-code-context.js';
import { gitCallerFinder } from '../../src/code/callers-context.js';
import { gitSourceReader } from '../../src/code/git-source-reader.js';
import { GIT_DIFF_FLAGS } from '../../src/git/read-git-diff.js';
import { GitRepo } from '../support/git-repo.js';
import { parse } from '../support/parse.js';

const repo = new GitRepo();
afterAll(() => repo.cleanup());

const caller = (i: number) => ['// uses the lexer', '', ...Array.from({ length: 20 }, (_, k) => `const pad${k} = ${k};`), `export const use${i} = parseToken('x${i}');`, ...Array.from({ length: 20 }, (_, k) => `const tail${k} = ${k};`), ''].join('\n');

describe('callers of a changed exported symbol', () => {
  it('at most 10 call sites of 15 lines each, read at the head with git grep; the definition is no call site', async () => {
    repo.write('src/lexer.ts', 'export function parseToken(text: string): string {\n  return text;\n}\n');
    for (let i = 0; i < 12; i++) repo.write(`src/use-${String(i).padStart(2, '0')}.ts`, caller(i));
    repo.write('src/unrelated.ts', 'export const parseTokenizer = 1;\n');
    const base = repo.commit('base');
    repo.write('src/lexer.ts', 'export function parseToken(text: string, strict: boolean): string {\n  return strict ? text : text.trim();\n}\n');
    const head = repo.commit('strict mode');
    const reader = gitSourceReader(repo.dir);
    try {
      const diff = parse(repo.git('diff', ...GIT_DIFF_FLAGS, base, head, '--'));
      const context = await gatherCodeContext(diff, { reader, base, head, callers: gitCallerFinder(repo.dir) }, { functions: false, callers: true });
      expect(context.structure.breaking).toEqual([{ path: 'src/lexer.ts', name: 'parseToken', kind: 'function', change: 'changed', before: 'export function parseToken(text: string): string', after: 'export function parseToken(text: string, strict: boolean): string' }]);
      const callers = context.blocks.filter((b) => b.kind === 'callers');
      expect(callers).toHaveLength(1);
      const block = callers[0]!;
      expect(block.label).toBe('callers of parseToken');
      const sites = block.text.split('\n#### ').slice(1);
      expect(sites).toHaveLength(MAX_CALL_SITES);
      for (const site of sites) {
        const [where, ...lines] = site.split('\n');
        expect(where).toMatch(/^src\/use-\d\d\.ts:23$/);
        expect(lines).toHaveLength(CALL_SITE_LINES);
        expect(lines[7]).toMatch(/^23 {3}export const use\d+ = parseToken\('x\d+'\);$/);
      }
      expect(block.text).not.toContain('src/lexer.ts:1\n');
      expect(block.text).not.toContain('parseTokenizer');
      expect(block.text).toContain('(10 of at least 12 uses shown)');
    } finally {
      reader.close();
    }
  });

  it('without a clone (the App, the Action) names what it could not look up', async () => {
    const base = repo.git('rev-parse', 'HEAD~1').trim();
    const head = repo.git('rev-parse', 'HEAD').trim();
    const reader = gitSourceReader(repo.dir);
    try {
      const diff = parse(repo.git('diff', ...GIT_DIFF_FLAGS, base, head, '--'));
      const context = await gatherCodeContext(diff, { reader, base, head }, { functions: true, callers: true });
      expect(context.blocks.map((b) => b.kind)).toEqual(['function']);
      expect(context.unavailable).toEqual([{ kind: 'callers', label: 'callers of parseToken (src/lexer.ts)', reason: 'unavailable' }]);
    } finally {
      reader.close();
    }
  });
});

describe('the git source reader', () => {
  it('reads files at a revision, says which are missing, and keeps to its bounds', async () => {
    const head = repo.git('rev-parse', 'HEAD').trim();
    const reader = gitSourceReader(repo.dir, { maxFiles: 2, maxFileBytes: 120, maxTotalBytes: 10_000 });
    try {
      const [lexer, missing, big, dir] = await Promise.all([
        reader.readFile('src/lexer.ts', head),
        reader.readFile('src/none.ts', head),
        reader.readFile('src/use-00.ts', head),
        reader.readFile('src', head),
      ]);
      expect(lexer).toEqual({ status: 'read', text: 'export function parseToken(text: string, strict: boolean): string {\n  return strict ? text : text.trim();\n}\n' });
      expect(missing).toEqual({ status: 'missing' });
      expect(big).toEqual({ status: 'skipped', reason: 'larger than 120 bytes' });
      expect(dir).toEqual({ status: 'skipped', reason: 'a tree, not a file' });
      expect(await reader.readFile('src/unrelated.ts', head)).toEqual({ status: 'read', text: 'export const parseTokenizer = 1;\n' });
      expect(await reader.readFile('src/lexer.ts', 'HEAD~1')).toEqual({ status: 'skipped', reason: 'more than 2 files read' });
      expect(await reader.readFile('a\nb', head)).toEqual({ status: 'skipped', reason: 'a name git cat-file cannot be asked for' });
    } finally {
      reader.close();
    }
  });
});
