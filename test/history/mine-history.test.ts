import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { defaultConfig } from '../../src/config/load-config.js';
import { GitError } from '../../src/git/run-git.js';
import { blameLines } from '../../src/history/blame-lines.js';
import { CalibrationError } from '../../src/history/calibration-error.js';
import { isBlankOrComment } from '../../src/history/comment-lines.js';
import { compileFixRules } from '../../src/history/find-fixes.js';
import { mineHistory, type MinedHistory, type MineOptions } from '../../src/history/mine-history.js';
import { ALICE, BOB, CAROL, day, GitFixture, mulberry32, type Person } from '../support/git-fixture.js';

const traced = (p: string) => p.endsWith('.py') || p.endsWith('.java') || p.endsWith('.ts');

function mineOptions(extra: Partial<MineOptions> = {}): MineOptions {
  return { rules: compileFixRules(defaultConfig().calibrate), maxCommitFiles: 100, maxCommitLines: 10_000, isTracedPath: traced, ...extra };
}

const fixtures: GitFixture[] = [];
const scratch: string[] = [];
function repo(): GitFixture {
  const fixture = new GitFixture();
  fixtures.push(fixture);
  return fixture;
}
afterEach(() => {
  for (const f of fixtures.splice(0)) f.cleanup();
  for (const d of scratch.splice(0)) rmSync(d, { recursive: true, force: true });
  vi.unstubAllEnvs();
});

/** fixTimes with the shas replaced by the names the test gave them (unknown shas kept as they are). */
function labelled(history: MinedHistory, names: Record<string, string>): Record<string, number[]> {
  const byName = new Map(Object.entries(names).map(([name, sha]) => [sha, name]));
  return Object.fromEntries([...history.fixTimes].map(([sha, times]) => [byName.get(sha) ?? sha, times]));
}

interface CachedFile {
  path: string;
  lines: number[];
  origins: Array<string | null>;
  unknown: boolean;
}

function readCache(fixture: GitFixture): Record<string, CachedFile[]> {
  const file = JSON.parse(readFileSync(join(fixture.dir, '.git', 'riskgate', 'szz-v1.json'), 'utf8')) as { version: number; fixes: Record<string, CachedFile[]> };
  expect(file.version).toBe(1);
  return file.fixes;
}

/** The deleted lines (old-side numbers) of `git diff -U0 -w fix^ fix`, per old path, read independently of riskgate's parser. */
function deletedLines(fixture: GitFixture, fix: string): Map<string, Array<{ line: number; text: string }>> {
  const out = fixture.git(['diff', '-U0', '-w', '-M', '--no-color', '--no-ext-diff', `${fix}^1`, fix, '--']);
  const files = new Map<string, Array<{ line: number; text: string }>>();
  let path = '';
  let next = 0;
  for (const line of out.split('\n')) {
    const header = /^--- (?:a\/(.*)|\/dev\/null)$/.exec(line);
    if (header) {
      path = header[1] ?? '';
      continue;
    }
    if (line.startsWith('+++ ')) continue;
    const hunk = /^@@ -(\d+)(?:,\d+)? \+\d+(?:,\d+)? @@/.exec(line);
    if (hunk) {
      next = Number(hunk[1]);
      continue;
    }
    if (line.startsWith('-') && path !== '') {
      const list = files.get(path) ?? [];
      list.push({ line: next++, text: line.slice(1) });
      files.set(path, list);
    }
  }
  return files;
}

/**
 * What SZZ found (the cache riskgate wrote) against `git blame -w` at each fix's parent, line by
 * line, and the traced lines against the fix's own diff: every deleted line that is not blank or a
 * comment, and no other. Returns how many lines were compared.
 */
async function expectReplayMatchesBlame(fixture: GitFixture, history: MinedHistory): Promise<number> {
  const cache = readCache(fixture);
  expect(Object.keys(cache).sort()).toEqual([...history.fixes].sort());
  let compared = 0;
  for (const [fix, files] of Object.entries(cache)) {
    const parent = fixture.git(['rev-parse', `${fix}^1`]).trim();
    const expectedLines = new Map(
      [...deletedLines(fixture, fix)]
        .map(([path, lines]) => [path, lines.filter((l) => !isBlankOrComment(path, l.text)).map((l) => l.line)] as const)
        .filter(([, lines]) => lines.length > 0),
    );
    expect(new Map(files.map((f) => [f.path, f.lines])), `lines traced for ${fix}`).toEqual(expectedLines);
    for (const file of files) {
      expect(file.unknown).toBe(false);
      const blame = await blameLines(fixture.dir, parent, file.path, file.lines);
      expect(file.origins, `${file.path} at ${parent}`).toEqual(file.lines.map((l) => blame.get(l) ?? null));
      compared += file.lines.length;
    }
  }
  return compared;
}

/** Ten lines of code whose text says which commit wrote them. */
const code = (tag: string, n = 10) => Array.from({ length: n }, (_, i) => `${tag}_${i + 1} = compute(${i + 1})`);

describe('mineHistory: SZZ labels', () => {
  it('labels the commit that wrote the line a fix changes, with the fix\'s author time, and not an unrelated commit', async () => {
    const r = repo();
    r.write('src/parser.py', ['def parse(x):', '    return x + 1', '', 'LIMIT = 10']);
    const a = r.commit('Add the parser', ALICE, day(1));
    r.write('src/parser.py', [...r.read('src/parser.py'), 'def feature():', '    return 2']);
    const b = r.commit('feature: add feature()', BOB, day(2));
    r.editLine('src/parser.py', 2, '    return x + 2');
    const c = r.commit('Fix crash in parser', CAROL, day(3.5));

    const history = await mineHistory(r.dir, mineOptions());
    expect(history.commits.map((x) => x.sha)).toEqual([a, b, c]);
    expect(history.commits.map((x) => x.time)).toEqual([day(1), day(2), day(3.5)]);
    expect(history.commits.map((x) => x.authorEmail)).toEqual([ALICE.email, BOB.email, CAROL.email]);
    expect([...history.fixes]).toEqual([c]);
    expect(labelled(history, { a, b, c })).toEqual({ a: [day(3.5)] });
    expect(history.head).toBe(c);
    expect(history.stats).toMatchObject({ commits: 3, merges: 0, largeCommits: 0, fixes: 1, cachedFixes: 0, blamedFiles: 0 });
    expect(await expectReplayMatchesBlame(r, history)).toBe(1);
  });

  it('replays the root commit\'s lines under log.showRoot=false instead of handing them to git blame', async () => {
    const r = repo();
    r.write('src/parser.py', ['def parse(x):', '    return x + 1']);
    const a = r.commit('Add the parser', ALICE, day(1));
    r.editLine('src/parser.py', 2, '    return x + 2');
    const fix = r.commit('Fix crash in parser', BOB, day(2));
    const config = join(r.dir, '.git', 'user-gitconfig');
    writeFileSync(config, '[log]\n\tshowRoot = false\n');
    vi.stubEnv('GIT_CONFIG_GLOBAL', config);
    const history = await mineHistory(r.dir, mineOptions());
    expect(labelled(history, { a, fix })).toEqual({ a: [day(2)] });
    expect(history.commits.find((c) => c.sha === a)!.files).toMatchObject([{ path: 'src/parser.py', status: 'added', additions: 2 }]);
    expect(history.stats.blamedFiles).toBe(0);
  });

  it('a commit two fixes trace to gets both fix times, ascending; a fix that only adds lines labels nothing', async () => {
    const r = repo();
    r.write('src/app.ts', code('app'));
    const a = r.commit('initial', ALICE, day(1));
    r.write('src/app.ts', [...r.read('src/app.ts'), 'export const extra = 1;']);
    const addOnly = r.commit('Fix: add a missing export', BOB, day(2));
    r.editLine('src/app.ts', 7, 'app_7 = compute(70)');
    const fix2 = r.commit('bugfix for app_7', CAROL, day(4));
    r.editLine('src/app.ts', 3, 'app_3 = compute(30)').editLine('src/app.ts', 11, 'export const extra = 2;');
    const fix3 = r.commit('Fix app_3 regression', BOB, day(3)); // authored earlier than fix2, committed later

    const history = await mineHistory(r.dir, mineOptions());
    expect(new Set(history.fixes)).toEqual(new Set([addOnly, fix2, fix3]));
    expect(labelled(history, { a, addOnly, fix2, fix3 })).toEqual({ a: [day(3), day(4)], addOnly: [day(3)] });
    expect(await expectReplayMatchesBlame(r, history)).toBe(3);
  });

  it('follows `blame -w`: a whitespace-only re-indent does not take over the line', async () => {
    const r = repo();
    r.write('src/calc.py', ['def calc(x):', '    if x:', '        return compute(x)', '    return 0']);
    const a = r.commit('calc', ALICE, day(1));
    r.write('src/calc.py', ['def calc(x):', '  if x:', '\t\treturn   compute(x)', '  return 0']);
    const w = r.commit('Reindent', BOB, day(2));
    r.editLine('src/calc.py', 3, '\t\treturn compute(x) + 1');
    const f = r.commit('Fix bug in calc', CAROL, day(3));

    const history = await mineHistory(r.dir, mineOptions());
    expect(history.commits.map((c) => c.sha)).toEqual([a, w, f]);
    expect(labelled(history, { a, w, f })).toEqual({ a: [day(3)] });
    expect(await expectReplayMatchesBlame(r, history)).toBe(1);
  });

  it('does not trace deleted blank or comment lines, nor lines of files outside isTracedPath', async () => {
    const r = repo();
    r.write('src/notes.py', ['# explain the algorithm', '', 'first = 1']).write('src/Notes.java', ['class Notes {', '  // why', '  /*', '   * more', '   */', '}']);
    r.write('README.md', ['# Title', 'text written by Alice']);
    const x = r.commit('notes', ALICE, day(1));
    r.write('src/notes.py', [...r.read('src/notes.py'), 'second = compute(2)']);
    const y = r.commit('second', BOB, day(2));
    // Deletes X's comment and blank lines (both files) and X's README text, and changes Y's code line.
    r.write('src/notes.py', ['first = 1', 'second = compute(3)']);
    r.write('src/Notes.java', ['class Notes {', '}']);
    r.write('README.md', ['# Title']);
    const fix = r.commit('Fix second', CAROL, day(3));

    const history = await mineHistory(r.dir, mineOptions());
    expect([...history.fixes]).toEqual([fix]);
    expect(labelled(history, { x, y, fix })).toEqual({ y: [day(3)] });
    // README.md's deleted line is traced (to X) but X is not labelled: README.md is not a traced path.
    const cache = readCache(r);
    expect(cache[fix]!.find((f) => f.path === 'README.md')?.origins).toEqual([x]);
    expect(await expectReplayMatchesBlame(r, history)).toBe(2);
  });

  it('follows renames: a pure `git mv` never becomes the introducer, and a rename with edits owns only its edits', async () => {
    const r = repo();
    r.write('src/old_name.py', code('orig'));
    r.write('src/moved.ts', code('moved'));
    const a = r.commit('original', ALICE, day(1));
    r.move('src/old_name.py', 'src/new_name.py');
    const rename = r.commit('Rename the module', BOB, day(2));
    r.move('src/moved.ts', 'lib/moved.ts');
    r.editLine('lib/moved.ts', 8, 'moved_8 = compute(80)');
    const renameEdit = r.commit('Move and tweak', BOB, day(3));
    r.editLine('src/new_name.py', 3, 'orig_3 = compute(33)');
    r.editLine('lib/moved.ts', 2, 'moved_2 = compute(22)').editLine('lib/moved.ts', 8, 'moved_8 = compute(88)');
    const fix = r.commit('Fix off-by-one', CAROL, day(4));

    const history = await mineHistory(r.dir, mineOptions());
    const byName = history.commits.find((c) => c.sha === rename)!;
    expect(byName.files).toMatchObject([{ status: 'renamed', previousPath: 'src/old_name.py', path: 'src/new_name.py' }]);
    expect(labelled(history, { a, rename, renameEdit, fix })).toEqual({ a: [day(4)], renameEdit: [day(4)] });
    expect(await expectReplayMatchesBlame(r, history)).toBe(3);
  });

  it('through merges: a side-branch line keeps its author, a merge that combined both sides is never an introducer, nor in commits', async () => {
    const r = repo();
    r.write('src/m.py', code('m', 8)).write('src/k.py', code('k', 6));
    const a = r.commit('base', ALICE, day(1));
    r.git(['checkout', '-q', '-b', 'side']);
    r.write('src/m.py', [...r.read('src/m.py'), 'side_line = compute(99)']);
    const d = r.commit('side: append', BOB, day(2));
    r.editLine('src/k.py', 3, 'k_3 = side_value()');
    const s = r.commit('side: k3', BOB, day(2.5));
    r.git(['checkout', '-q', 'main']);
    r.editLine('src/m.py', 1, 'm_1 = compute(100)');
    const m1 = r.commit('main: m1', ALICE, day(3));
    r.editLine('src/k.py', 3, 'k_3 = main_value()');
    const m2 = r.commit('main: k3', ALICE, day(3.5));
    // m.py merges cleanly from both sides; k.py conflicts and the merge writes its own line 3.
    expect(() => r.git(['merge', '--no-ff', '-q', '-m', 'Merge side', 'side'], { who: CAROL, when: day(4) })).toThrow();
    r.write('src/k.py', code('k', 6).map((line, i) => (i === 2 ? 'k_3 = merged_value()' : line)));
    r.git(['add', '-A']);
    r.git(['commit', '-q', '--no-edit'], { who: CAROL, when: day(4) });
    const merge = r.head();
    expect(r.git(['rev-list', '--parents', '-n', '1', 'HEAD']).trim().split(' ')).toHaveLength(3);
    expect(r.read('src/m.py')).toEqual(['m_1 = compute(100)', ...code('m', 8).slice(1), 'side_line = compute(99)']);

    r.deleteLine('src/m.py', 9).editLine('src/m.py', 1, 'm_1 = compute(101)');
    const fix1 = r.commit('Fix side effects', ALICE, day(5));
    r.editLine('src/k.py', 3, 'k_3 = fixed_value()');
    const fix2 = r.commit('Fix the merged value', ALICE, day(6));

    const history = await mineHistory(r.dir, mineOptions());
    const shas = history.commits.map((c) => c.sha);
    expect(shas).not.toContain(merge);
    expect(new Set(shas)).toEqual(new Set([a, d, s, m1, m2, fix1, fix2]));
    // Parents before children.
    expect(shas.indexOf(d)).toBeLessThan(shas.indexOf(fix1));
    expect(shas.indexOf(m1)).toBeLessThan(shas.indexOf(fix1));
    expect(history.stats.merges).toBe(1);
    expect(history.stats.mergeResolutions).toBeGreaterThanOrEqual(1);
    expect(labelled(history, { a, d, s, m1, m2, merge, fix1, fix2 })).toEqual({ d: [day(5)], m1: [day(5)] });
    // The line fix2 changed came from the merge itself: traced there, labelled nowhere.
    expect(readCache(r)[fix2]).toEqual([{ path: 'src/k.py', lines: [3], origins: [merge], unknown: false }]);
    expect(await expectReplayMatchesBlame(r, history)).toBe(3);
  });

  it('large commits (files or lines) are never labelled, and a large fix is not a fix', async () => {
    const r = repo();
    r.write('src/a.py', code('a'));
    const a = r.commit('a', ALICE, day(1));
    for (let i = 1; i <= 6; i++) r.write(`src/gen/g${i}.py`, code(`g${i}`, 3));
    const bulk = r.commit('Generate six modules', BOB, day(2));
    r.editLine('src/gen/g1.py', 2, 'g1_2 = compute(0)');
    const fixOfBulk = r.commit('Fix g1', CAROL, day(3));
    for (let i = 1; i <= 6; i++) r.editLine(`src/gen/g${i}.py`, 1, `g${i}_1 = compute(-1)`);
    r.editLine('src/a.py', 5, 'a_5 = compute(-5)');
    const largeFix = r.commit('Fix everything', CAROL, day(4));
    r.write('src/b.py', code('b', 101));
    const longOne = r.commit('One long file', BOB, day(5));
    r.editLine('src/b.py', 50, 'b_50 = compute(0)');
    const fixOfLong = r.commit('Fix b_50', CAROL, day(6));
    r.editLine('src/a.py', 6, 'a_6 = compute(-6)');
    const fixOfA = r.commit('Fix a_6', CAROL, day(7));

    const history = await mineHistory(r.dir, mineOptions({ maxCommitFiles: 5, maxCommitLines: 100 }));
    expect(new Set(history.large)).toEqual(new Set([bulk, largeFix, longOne]));
    expect(new Set(history.fixes)).toEqual(new Set([fixOfBulk, fixOfLong, fixOfA]));
    expect(history.stats.largeCommits).toBe(3);
    // a_5 (changed only by the large fix) labels nothing; a_6 labels A; the bulk commits are never labelled.
    expect(labelled(history, { a, bulk, fixOfBulk, largeFix, longOne, fixOfLong, fixOfA })).toEqual({ a: [day(7)] });
    // Both large commits were traced to (blame agrees), just not labelled.
    const cache = readCache(r);
    expect(cache[fixOfBulk]![0]!.origins).toEqual([bulk]);
    expect(cache[fixOfLong]![0]!.origins).toEqual([longOne]);
    expect(cache[largeFix]).toBeUndefined();
    await expectReplayMatchesBlame(r, history);
  });

  it('a file over the replay\'s line cap is blamed with git instead, with the same labels', async () => {
    const r = repo();
    r.write('src/data.py', code('row', 50_001));
    const a = r.commit('Add the table', ALICE, day(1));
    r.editLine('src/data.py', 40_000, 'row_40000 = compute(0)');
    const b = r.commit('Tweak one row', BOB, day(2));
    r.editLine('src/data.py', 2, 'row_2 = compute(0)').editLine('src/data.py', 40_000, 'row_40000 = compute(1)');
    const fix = r.commit('Fix two rows', CAROL, day(3));

    const history = await mineHistory(r.dir, mineOptions({ maxCommitLines: 100_000 }));
    expect(history.stats.blamedFiles).toBe(1);
    expect(labelled(history, { a, b, fix })).toEqual({ a: [day(3)], b: [day(3)] });
    expect(readCache(r)[fix]).toEqual([{ path: 'src/data.py', lines: [2, 40_000], origins: [a, b], unknown: false }]);
    // Cached: the second run neither replays nor blames.
    const again = await mineHistory(r.dir, mineOptions({ maxCommitLines: 100_000 }));
    expect(again.stats).toMatchObject({ cachedFixes: 1, blamedFiles: 0 });
    expect(again.fixTimes).toEqual(history.fixTimes);
  });
});

describe('mineHistory: replay against git blame -w', () => {
  /**
   * A seeded random history: insertions, deletions, edits and re-indents over three files, a
   * rename with edits, a file without a final newline, and two merged side branches. Every
   * second-ish commit is a fix, so most of the history is traced.
   */
  function randomHistory(r: GitFixture, seed: number): void {
    const random = mulberry32(seed);
    const people: Person[] = [ALICE, BOB, CAROL];
    const pick = <T>(xs: readonly T[]): T => xs[Math.floor(random() * xs.length)]!;
    const files = ['src/a.py', 'src/b.ts', 'src/c.java'];
    let serial = 0;
    const fresh = (path: string) => {
      serial++;
      if (random() < 0.15) return path.endsWith('.py') ? `# note ${serial}` : `// note ${serial}`;
      if (random() < 0.05) return '';
      return `v${serial} = compute(${serial})`;
    };
    const content = new Map<string, string[]>(files.map((f) => [f, Array.from({ length: 12 }, () => fresh(f))]));
    const flush = (path: string, noFinalNewline = false) => {
      const lines = content.get(path)!;
      r.write(path, noFinalNewline ? lines.join('\n') : `${lines.join('\n')}\n`);
    };
    for (const f of files) flush(f);
    let time = 1;
    r.commit('initial', ALICE, day(time));

    const edit = (path: string, from: number, to: number) => {
      const lines = content.get(path)!;
      const at = () => from + Math.floor(random() * Math.max(1, Math.min(to, lines.length) - from));
      const op = random();
      if (op < 0.3) lines.splice(at(), 0, ...Array.from({ length: 1 + Math.floor(random() * 3) }, () => fresh(path)));
      else if (op < 0.5 && lines.length > 8) lines.splice(at(), 1 + Math.floor(random() * 2));
      else if (op < 0.8) {
        const i = at();
        lines[i] = fresh(path);
      } else {
        const i = at();
        lines[i] = random() < 0.5 ? `\t${lines[i]!.trim()}` : `    ${lines[i]!.replace(/\s+/g, '  ')}`;
      }
    };
    const step = (paths: readonly string[], region: 'top' | 'bottom' | 'any') => {
      for (const path of paths) {
        const n = content.get(path)!.length;
        const [from, to] = region === 'top' ? [0, Math.floor(n * 0.3)] : region === 'bottom' ? [Math.ceil(n * 0.7), n] : [0, n];
        for (let k = 1 + Math.floor(random() * 2); k > 0; k--) edit(path, from, to);
        flush(path, path === 'src/c.java' && random() < 0.3);
      }
      time += 0.5;
      r.commit(random() < 0.55 ? `Fix problem ${serial}` : `Change ${serial}`, pick(people), day(time));
    };

    for (let i = 0; i < 30; i++) step([pick(files)], 'any');
    // A rename with edits: the renamed file's history must carry over.
    r.move('src/b.ts', 'lib/b2.ts');
    content.set('lib/b2.ts', content.get('src/b.ts')!);
    content.delete('src/b.ts');
    files[1] = 'lib/b2.ts';
    step(['lib/b2.ts'], 'bottom');
    for (let round = 0; round < 2; round++) {
      r.git(['checkout', '-q', '-b', `side${round}`]);
      for (let i = 0; i < 3; i++) step(['src/a.py', 'lib/b2.ts'], 'bottom');
      r.git(['checkout', '-q', 'main']);
      for (const f of files) content.set(f, r.read(f));
      for (let i = 0; i < 2; i++) step(['src/a.py', 'lib/b2.ts'], 'top');
      time += 0.5;
      r.git(['merge', '--no-ff', '-q', '-m', `Merge side${round}`, `side${round}`], { who: pick(people), when: day(time) });
      for (const f of files) content.set(f, r.read(f));
      for (let i = 0; i < 15; i++) step([pick(files)], 'any');
    }
  }

  it.each([1, 2, 3])('traces every deleted code line to the commit `git blame -w` names (seed %i)', async (seed) => {
    const r = repo();
    randomHistory(r, seed);
    const history = await mineHistory(r.dir, mineOptions());
    expect(history.stats.merges).toBe(2);
    expect(history.stats.fixes).toBeGreaterThan(10);
    expect(history.stats.blamedFiles).toBe(0); // the replay knew every blob: no fallback to blame
    const compared = await expectReplayMatchesBlame(r, history);
    expect(compared).toBeGreaterThan(15);
    // Every introducer is a commit of the history, never a merge and never the fix itself.
    const shas = new Set(history.commits.map((c) => c.sha));
    for (const introducer of history.fixTimes.keys()) expect(shas.has(introducer)).toBe(true);
  });
});

describe('mineHistory: the SZZ cache', () => {
  function smallHistory(r: GitFixture) {
    r.write('src/a.py', code('a'));
    const a = r.commit('a', ALICE, day(1));
    r.write('src/a.py', [...r.read('src/a.py'), 'extra = compute(0)']);
    const b = r.commit('b', BOB, day(2));
    r.editLine('src/a.py', 4, 'a_4 = compute(40)');
    const c = r.commit('Fix a_4', CAROL, day(3));
    r.editLine('src/a.py', 11, 'extra = compute(1)');
    const d = r.commit('Fix extra', CAROL, day(4));
    return { a, b, c, d };
  }

  it('a second run reads every fix from the cache and labels the same; without the file it traces again', async () => {
    const r = repo();
    const names = smallHistory(r);
    const first = await mineHistory(r.dir, mineOptions());
    expect(labelled(first, names)).toEqual({ a: [day(3)], b: [day(4)] });
    expect(first.stats.cachedFixes).toBe(0);
    const cachePath = join(r.dir, '.git', 'riskgate', 'szz-v1.json');
    expect(existsSync(cachePath)).toBe(true);

    const second = await mineHistory(r.dir, mineOptions());
    expect(second.stats.fixes).toBe(2);
    expect(second.stats.cachedFixes).toBe(second.stats.fixes);
    expect(second.fixTimes).toEqual(first.fixTimes);

    rmSync(cachePath);
    const third = await mineHistory(r.dir, mineOptions());
    expect(third.stats.cachedFixes).toBe(0);
    expect(third.fixTimes).toEqual(first.fixTimes);
    expect(existsSync(cachePath)).toBe(true);
  });

  it('what the cache says is what labels (it is read, not recomputed), and a new fix is traced and added', async () => {
    const r = repo();
    const names = smallHistory(r);
    await mineHistory(r.dir, mineOptions());
    const cachePath = join(r.dir, '.git', 'riskgate', 'szz-v1.json');
    const file = JSON.parse(readFileSync(cachePath, 'utf8')) as { version: number; fixes: Record<string, CachedFile[]> };
    file.fixes[names.c] = [{ path: 'src/a.py', lines: [4], origins: [names.b], unknown: false }];
    writeFileSync(cachePath, JSON.stringify(file));
    const doctored = await mineHistory(r.dir, mineOptions());
    expect(labelled(doctored, names)).toEqual({ b: [day(3), day(4)] });

    r.editLine('src/a.py', 1, 'a_1 = compute(10)');
    const e = r.commit('Fix a_1', ALICE, day(5));
    const grown = await mineHistory(r.dir, mineOptions());
    expect(grown.stats).toMatchObject({ fixes: 3, cachedFixes: 2 });
    expect(labelled(grown, { ...names, e })).toEqual({ a: [day(5)], b: [day(3), day(4)] });
    expect(Object.keys(readCache(r)).sort()).toEqual([names.c, names.d, e].sort());
  });

  it('a cache of another version or broken JSON is ignored', async () => {
    const r = repo();
    const names = smallHistory(r);
    const cachePath = join(r.dir, '.git', 'riskgate', 'szz-v1.json');
    for (const text of ['{not json', JSON.stringify({ version: 2, fixes: { [names.c]: [] } })]) {
      await mineHistory(r.dir, mineOptions());
      writeFileSync(cachePath, text);
      const history = await mineHistory(r.dir, mineOptions());
      expect(history.stats.cachedFixes).toBe(0);
      expect(labelled(history, names)).toEqual({ a: [day(3)], b: [day(4)] });
    }
  });
});

describe('mineHistory: until, and histories it refuses', () => {
  it('reads no commit after `until`; a fix after it labels nothing', async () => {
    const r = repo();
    r.write('src/a.py', code('a'));
    const a = r.commit('a', ALICE, day(1));
    r.write('src/b.py', code('b'));
    const b = r.commit('b', BOB, day(2));
    r.editLine('src/a.py', 2, 'a_2 = compute(0)');
    const c = r.commit('Fix a_2', CAROL, day(3));
    r.editLine('src/b.py', 2, 'b_2 = compute(0)');
    const d = r.commit('Fix b_2', CAROL, day(10));

    const history = await mineHistory(r.dir, mineOptions({ until: new Date(day(5) * 1000) }));
    expect(history.commits.map((x) => x.sha)).toEqual([a, b, c]);
    expect([...history.fixes]).toEqual([c]);
    expect(labelled(history, { a, b, c, d })).toEqual({ a: [day(3)] });
    expect(history.stats.commits).toBe(3);

    const before = await mineHistory(r.dir, mineOptions({ until: new Date(day(2.5) * 1000) }));
    expect(before.commits.map((x) => x.sha)).toEqual([a, b]);
    expect(before.fixes.size).toBe(0);
    expect(before.fixTimes.size).toBe(0);

    const all = await mineHistory(r.dir, mineOptions());
    expect(labelled(all, { a, b, c, d })).toEqual({ a: [day(3)], b: [day(10)] });
  });

  it('refuses a shallow clone, saying how to unshallow it', async () => {
    const r = repo();
    for (let i = 1; i <= 4; i++) {
      r.write('src/a.py', code(`a${i}`));
      r.commit(`commit ${i}`, ALICE, day(i));
    }
    const target = mkdtempSync(join(tmpdir(), 'riskgate-shallow-'));
    scratch.push(target);
    const clone = join(target, 'clone');
    r.git(['clone', '-q', '--depth', '2', `file://${r.dir}`, clone]);
    expect(r.git(['rev-parse', '--is-shallow-repository'], { cwd: clone }).trim()).toBe('true');
    const error = await mineHistory(clone, mineOptions()).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CalibrationError);
    expect((error as Error).message).toMatch(/shallow/);
    expect((error as Error).message).toMatch(/git fetch --unshallow/);
  });

  it('refuses a directory that is not a repository with a GitError', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'riskgate-norepo-'));
    scratch.push(dir);
    // Whatever the temp directory sits in, git must not find a repository above it.
    vi.stubEnv('GIT_CEILING_DIRECTORIES', dirname(dir));
    const error = await mineHistory(dir, mineOptions()).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(GitError);
    expect((error as Error).message).toMatch(/not a git repository/);
  });

  it('refuses a revision that is not a commit', async () => {
    const r = repo();
    r.write('src/a.py', code('a'));
    r.commit('a', ALICE, day(1));
    const error = await mineHistory(r.dir, mineOptions({ revision: 'no-such-branch' })).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CalibrationError);
    expect((error as Error).message).toMatch(/"no-such-branch" is not a commit/);
  });
});
