import { describe, expect, it } from 'vitest';
import { LANGUAGES, languageOfPath, type CodeLanguage } from '../../src/code/languages.js';
import { parseSource } from '../../src/code/parse-source.js';
import { compareSymbols } from '../../src/code/symbol-changes.js';
import { summarizeStructure } from '../../src/code/structure-summary.js';

async function symbolsOf(language: CodeLanguage, text: string) {
  const parsed = await parseSource(LANGUAGES[language], text);
  try {
    return parsed.symbols;
  } finally {
    parsed.dispose();
  }
}

async function changesOf(language: CodeLanguage, base: string, head: string) {
  return compareSymbols('f', await symbolsOf(language, base), await symbolsOf(language, head));
}

const brief = (changes: Awaited<ReturnType<typeof changesOf>>) => changes.map((c) => `${c.change} ${c.exported ? 'exported' : 'local'} ${c.kind} ${c.name}`).sort();

describe('symbol changes between base and head', () => {
  it('TypeScript: a changed exported signature, a removed export, a new local function; a body change is no symbol change', async () => {
    const base = [
      'export function parseToken(text: string): Token { return lex(text); }',
      'export const render = (t: Token): string => String(t);',
      'export class Lexer {',
      '  next(): Token { return 1; }',
      '  private skip(): void {}',
      '}',
      'export function gone(): void {}',
      'function helper() { return 1; }',
    ].join('\n');
    const head = [
      'export function parseToken(text: string, strict: boolean): Token { return lex(text); }',
      'export const render = (t: Token): string => `${t}`;',
      'export class Lexer {',
      '  next(): Token { return 2; }',
      '  private skip(n: number): void {}',
      '}',
      'function helper() { return 2; }',
      'function added(a: number) { return a; }',
    ].join('\n');
    const changes = await changesOf('typescript', base, head);
    expect(brief(changes)).toEqual(['added local function added', 'changed exported function parseToken', 'changed local function Lexer.skip', 'removed exported function gone']);
    const parse = changes.find((c) => c.name === 'parseToken')!;
    expect(parse.before).toBe('export function parseToken(text: string): Token');
    expect(parse.after).toBe('export function parseToken(text: string, strict: boolean): Token');
    const summary = summarizeStructure(changes, 1);
    expect(summary.newFunctions).toBe(1);
    expect(summary.breaking.map((b) => `${b.change} ${b.name}`).sort()).toEqual(['changed parseToken', 'removed gone']);
  });

  it('Go: capitalised names are exported; methods are named by their receiver', async () => {
    const changes = await changesOf('go', 'package p\nfunc Open(p string) error { return nil }\nfunc (c *Conn) Close() error { return nil }\nfunc local() {}\n', 'package p\nfunc Open(p string, flags int) error { return nil }\nfunc local(x int) {}\n');
    expect(brief(changes)).toEqual(['changed exported function Open', 'changed local function local', 'removed exported function Conn.Close']);
  });

  it('Python: a leading underscore is private, dunder methods are public', async () => {
    const changes = await changesOf('python', 'class Client:\n    def __init__(self, url):\n        pass\n    def _retry(self):\n        pass\n', 'class Client:\n    def __init__(self, url, timeout):\n        pass\n    def _retry(self, n):\n        pass\n');
    expect(brief(changes)).toEqual(['changed exported function Client.__init__', 'changed local function Client._retry']);
  });

  it('Java: public members of a public class are exported; overloads compare as a set', async () => {
    const base = 'public class A {\n  public int f(int x) { return x; }\n  public int f(String s) { return 0; }\n  int g() { return 1; }\n}\n';
    const head = 'public class A {\n  public int f(int x) { return x; }\n  public int f(String s, int n) { return 0; }\n  int g(int y) { return 1; }\n}\n';
    expect(brief(await changesOf('java', base, head))).toEqual(['changed exported function A.f', 'changed local function A.g']);
  });

  it('Rust: pub is exported; impl methods are named by their type', async () => {
    const base = 'pub fn open(p: &str) {}\nfn local() {}\nimpl Conn {\n    pub fn close(&self) {}\n}\n';
    const head = 'pub fn open(p: &str, f: u32) {}\nfn local() {}\nimpl Conn {\n}\n';
    expect(brief(await changesOf('rust', base, head))).toEqual(['changed exported function open', 'removed exported function Conn.close']);
  });

  it('C: static functions are local; the name comes through the declarator', async () => {
    const changes = await changesOf('c', 'int *make(int n) { return 0; }\nstatic int helper(void) { return 1; }\n', 'int *make(int n, int m) { return 0; }\n');
    expect(brief(changes)).toEqual(['changed exported function make', 'removed local function helper']);
  });

  it('C#, PHP and Ruby: public members of classes', async () => {
    expect(brief(await changesOf('c_sharp', 'namespace N { public class C { public int M(int x) { return x; } private void P() {} } }', 'namespace N { public class C { public int M(long x) { return 0; } } }'))).toEqual([
      'changed exported function C.M',
      'removed local function C.P',
    ]);
    expect(brief(await changesOf('php', '<?php\nclass C { public function m($x) {} private function p() {} }\n', '<?php\nclass C { public function m($x, $y) {} }\n'))).toEqual(['changed exported function C.m', 'removed local function C.p']);
    expect(brief(await changesOf('ruby', 'module M\n  class C\n    def run(x)\n    end\n  end\nend\n', 'module M\n  class C\n    def run(x, y)\n    end\n  end\nend\n'))).toEqual(['changed exported function M.C.run']);
  });

  it('maps paths to languages by extension; others fall back to git', () => {
    expect(languageOfPath('a/b.tsx')?.id).toBe('tsx');
    expect(languageOfPath('x.hpp')?.id).toBe('cpp');
    expect(languageOfPath('Makefile')).toBeUndefined();
    expect(languageOfPath('a.lua')).toBeUndefined();
    expect(languageOfPath('.ts')).toBeUndefined();
  });
});
