import { execFileSync } from 'node:child_process';
import { afterAll, describe, expect, it } from 'vitest';
import { createAttributeLookup, parseGitAttributes, type AttributeState } from '../../src/diff/match-git-attributes.js';
import { GitRepo } from '../support/git-repo.js';

const WANTED = ['linguist-vendored', 'linguist-generated'];

// Patterns as teams write them for linguist, and the corners of git's matching rules.
const ATTRIBUTES = [
  '# comments and blank lines are skipped',
  '',
  'vendor/** linguist-vendored',
  'vendor/ours/** -linguist-vendored',
  '*.pb.go linguist-generated',
  '/dist/* linguist-generated=true',
  'docs/api/** linguist-generated linguist-vendored=false',
  'lib/*/gen.ts linguist-generated',
  'third_party linguist-vendored',
  'assets/ linguist-vendored',
  'build/**/out.js linguist-generated',
  '**/snapshots/** linguist-generated',
  '!negated.js linguist-vendored',
  '\\!bang.js linguist-vendored',
  '[attr]thirdparty linguist-vendored -linguist-generated',
  'external/** thirdparty',
  'external/keep.js thirdparty linguist-generated',
  '"quoted dir/*.js" linguist-vendored',
  'web/*.min.js linguist-generated -linguist-vendored',
  'web/app.min.js !linguist-generated',
  'Gen?.java linguist-generated',
  'mixed[0-9].ts linguist-generated',
  'src/**/*.gen.ts linguist-generated\r',
  '/src/index.ts linguist-vendored',
  '*.lock linguist-generated',
  `long/** linguist-vendored ${'x'.repeat(2100)}`,
].join('\n');

const PATHS = [
  'vendor/lib.js', 'vendor/a/b/c.js', 'vendor/ours/mine.js', 'src/vendor/lib.js', 'vendor',
  'api/user.pb.go', 'user.pb.go', 'dist/index.js', 'dist/sub/index.js', 'src/dist/index.js',
  'docs/api/ref.md', 'docs/api/deep/ref.md', 'lib/x/gen.ts', 'lib/x/y/gen.ts', 'third_party', 'third_party/x.c',
  'src/third_party', 'assets', 'assets/logo.js', 'build/out.js', 'build/a/b/out.js', 'snapshots/a.snap', 'x/snapshots/y/a.snap',
  'negated.js', '!bang.js', 'external/lib.js', 'external/keep.js', 'quoted dir/a.js', 'web/app.min.js', 'web/other.min.js',
  'GenA.java', 'src/GenB.java', 'Gen.java', 'mixed7.ts', 'mixedx.ts', 'src/a/b.gen.ts', 'src/b.gen.ts', 'long/x.js', 'src/index.ts', 'a/src/index.ts', 'yarn.lock', 'x/Cargo.lock', '.lock', 'lock',
];

/** `git check-attr` as the truth: its words for each state. */
function gitState(word: string): AttributeState | undefined {
  if (word === 'unspecified') return undefined;
  if (word === 'set') return true;
  if (word === 'unset') return false;
  return word;
}

describe('.gitattributes lines as git reads them', () => {
  const repo = new GitRepo();
  afterAll(() => repo.cleanup());

  it('gives every path the states `git check-attr` gives it', () => {
    repo.write('.gitattributes', ATTRIBUTES);
    // git warns on stderr about the negative pattern and the long line: as intended, kept quiet.
    const env = { PATH: process.env.PATH, HOME: repo.dir, GIT_CONFIG_NOSYSTEM: '1', GIT_CONFIG_GLOBAL: '/dev/null' };
    const out = execFileSync('git', ['check-attr', '-z', ...WANTED, '--', ...PATHS], { cwd: repo.dir, env, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
    const parts = out.split('\0');
    const expected = new Map<string, Record<string, AttributeState>>();
    for (let i = 0; i + 2 < parts.length; i += 3) {
      const [path, name, word] = [parts[i]!, parts[i + 1]!, parts[i + 2]!];
      const state = gitState(word);
      const entry = expected.get(path) ?? {};
      if (state !== undefined) entry[name] = state;
      expected.set(path, entry);
    }
    const lookup = createAttributeLookup(parseGitAttributes(ATTRIBUTES, WANTED));
    // `!attr` makes an attribute unspecified, as git says nothing about it.
    const ours = (path: string) => Object.fromEntries([...lookup(path)].filter(([, state]) => state !== null));
    expect(PATHS.map((path) => [path, ours(path)])).toEqual(PATHS.map((path) => [path, expected.get(path)]));
    // The corners are really exercised: both kinds of answer occur.
    expect(PATHS.filter((p) => expected.get(p)?.['linguist-vendored'] === true).length).toBeGreaterThan(4);
    expect(PATHS.filter((p) => Object.keys(expected.get(p) ?? {}).length === 0).length).toBeGreaterThan(4);
  });

  it('keeps only the lines about the wanted attributes, with macros expanded', () => {
    const parsed = parseGitAttributes('*.png binary\n[attr]ours linguist-vendored\nx/** ours\n*.sh text eol=lf\n', WANTED);
    expect(parsed.lines).toEqual([{ pattern: 'x/**', states: [['linguist-vendored', true]] }]);
  });

  it('skips a byte-order mark and Windows line ends', () => {
    const lookup = createAttributeLookup(parseGitAttributes('\uFEFFvendor/** linguist-vendored\r\ngen/** linguist-generated\r\n', WANTED));
    expect(lookup('vendor/a.js').get('linguist-vendored')).toBe(true);
    expect(lookup('gen/a.js').get('linguist-generated')).toBe(true);
  });
});
