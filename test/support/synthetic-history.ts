import { day, mulberry32, type ImportCommit, type Person } from './git-fixture.js';

// A few years of a small Python project for calibration tests, with bugs planted and fixed.

const DEVELOPERS: Person[] = ['ana', 'ben', 'chen', 'dara', 'eli', 'femi'].map((n) => ({ name: n, email: `${n}@example.com` }));
const CORE = ['core/engine.py', 'core/parser.py', 'core/store.py', 'core/cache.py'];

export interface Synthetic {
  commits: ImportCommit[];
  /** Indices of the commits a later fix repairs. */
  buggy: Set<number>;
  /** Indices of the fix commits. */
  fixes: Set<number>;
  /** Introducer index -> the planted line its fix rewrote: path and new-side line number in the introducer. */
  targets: Map<number, { path: string; line: number }>;
}

/**
 * Where bugs are planted: `features`, mostly in the large core/ changes (a signal a model can
 * learn); `anywhere`, in a third of all changes whatever their size (nothing to learn).
 */
export type Planting = 'features' | 'anywhere';

/**
 * A history with a planted signal: "feature" commits that add many lines to two or three core/
 * files are buggy, and a "fix ..." commit one to three steps later rewrites one of their lines.
 * Clean commits add new modules (as large, but in new files) or touch docs and lib/ a little.
 * Commit i is dated about 4i days after day 0: 260 commits span almost three years.
 */
export function syntheticHistory(count: number, options: { seed: number; withFixes: boolean; daysApart: number; planting?: Planting }): Synthetic {
  const anywhere = options.planting === 'anywhere';
  const random = mulberry32(options.seed);
  const int = (lo: number, hi: number) => lo + Math.floor(random() * (hi - lo + 1));
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(random() * xs.length)]!;
  const files = new Map<string, string[]>();
  const render = (path: string) => `${files.get(path)!.join('\n')}\n`;
  let serial = 0;
  const codeLines = (n: number) => Array.from({ length: n }, () => `v${++serial} = compute(${serial})`);

  const commits: ImportCommit[] = [];
  const buggy = new Set<number>();
  const fixes = new Set<number>();
  const targets = new Map<number, { path: string; line: number }>();
  const pending: Array<{ due: number; path: string; text: string; introducer: number; line: number }> = [];

  for (const path of [...CORE, 'lib/util.py', 'docs/guide.md']) files.set(path, codeLines(12));
  commits.push({ who: DEVELOPERS[0]!, when: day(0), message: 'Initial import', files: Object.fromEntries([...files.keys()].map((p) => [p, render(p)])) });

  for (let i = 1; i < count; i++) {
    const who = pick(DEVELOPERS);
    const when = day(i * options.daysApart + random());
    const dueIndex = pending.findIndex((p) => p.due <= i);
    if (dueIndex >= 0) {
      const [due] = pending.splice(dueIndex, 1);
      const lines = files.get(due!.path)!;
      const at = lines.indexOf(due!.text);
      if (at < 0) throw new Error(`planted line ${due!.text} is gone`);
      lines[at] = `${due!.text.split(' = ')[0]} = checked(${++serial})`;
      fixes.add(i);
      buggy.add(due!.introducer);
      targets.set(due!.introducer, { path: due!.path, line: due!.line });
      commits.push({ who, when, message: `${pick(['Fix crash in', 'fix off-by-one in', 'Bugfix for'])} ${due!.path}`, files: { [due!.path]: render(due!.path) } });
      continue;
    }
    // Plants a bug in the last lines of `path`, to be fixed one to three steps later.
    const plant = (path: string, lastLines: number) => {
      if (!options.withFixes) return;
      const lines = files.get(path)!;
      const due = i + int(1, 3);
      // Lines are only ever appended after this, so the planted line keeps its number until the fix.
      const at = lines.length - int(1, lastLines);
      pending.push({ due, path, text: lines[at]!, introducer: i, line: at + 1 });
    };
    if (random() < 0.45) {
      const touched = [...CORE].sort(() => random() - 0.5).slice(0, int(2, 3));
      const changed: Record<string, string> = {};
      for (const path of touched) {
        files.get(path)!.push(...codeLines(int(8, 30)));
        changed[path] = render(path);
      }
      if (random() < (anywhere ? 0.35 : 0.85)) plant(pick(touched), 8); // most, not all, of these are buggy
      commits.push({ who, when, message: `Add feature ${i}`, files: changed });
    } else if (random() < 0.4) {
      const path = `feat/m${i}.py`;
      files.set(path, codeLines(int(30, 120)));
      if (anywhere && random() < 0.35) plant(path, 8);
      commits.push({ who, when, message: `Add module ${i}`, files: { [path]: render(path) } });
    } else {
      const path = pick(['lib/util.py', 'docs/guide.md']);
      files.get(path)!.push(...codeLines(int(1, 4)));
      if (path === 'lib/util.py' && random() < (anywhere ? 0.35 : 0.2)) plant(path, 1); // and now and then a small change is
      commits.push({ who, when, message: `Update ${path}`, files: { [path]: render(path) } });
    }
  }
  return { commits, buggy, fixes, targets };
}

