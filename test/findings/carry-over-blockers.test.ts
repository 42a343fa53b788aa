import { describe, expect, it } from 'vitest';
import { carryOverBlockers, recordOpenBlockers } from '../../src/findings/carry-over-blockers.js';
import { PULL_REQUEST_TEXT, type Finding } from '../../src/findings/finding.js';
import { makeDiff } from '../support/make-diff.js';
import { parse } from '../support/parse.js';

const SHA1 = 'a'.repeat(40);
const SHA2 = 'b'.repeat(40);

const blocker = (over: Partial<Finding> = {}): Finding => ({
  agent: 'security',
  severity: 'blocker',
  confidence: 0.9,
  path: 'src/db.ts',
  startLine: 2,
  endLine: 2,
  title: 'SQL built from user input',
  explanation: 'The query concatenates `name`.',
  ...over,
});

const FIRST = parse(makeDiff({ path: 'src/db.ts', added: ['import { db } from "./pool";', 'db.query("select * from t where n = " + name);', 'export {};'] }));

describe('blockers carried across heads', () => {
  it('keeps a blocker while its lines are unchanged, found again where they moved', () => {
    const open = recordOpenBlockers([blocker()], FIRST, 'blocker', SHA1);
    expect(open).toHaveLength(1);
    // The next push adds lines above: the same code is now on line 4.
    const next = parse(makeDiff({ path: 'src/db.ts', added: ['// a', '// b', 'import { db } from "./pool";', 'db.query("select * from t where n = " + name);', 'export {};'] }));
    const { carried, resolved } = carryOverBlockers(open, next, []);
    expect(resolved).toBe(0);
    expect(carried).toEqual([expect.objectContaining({ path: 'src/db.ts', startLine: 4, endLine: 4, severity: 'blocker', carriedFrom: SHA1 })]);
  });

  it('resolves a blocker once its lines change, and when its file leaves the change', () => {
    const open = recordOpenBlockers([blocker()], FIRST, 'blocker', SHA1);
    const fixed = parse(makeDiff({ path: 'src/db.ts', added: ['import { db } from "./pool";', 'db.query("select * from t where n = $1", [name]);', 'export {};'] }));
    expect(carryOverBlockers(open, fixed, [])).toEqual({ carried: [], resolved: 1 });
    const gone = parse(makeDiff({ path: 'src/other.ts', added: ['export {};'] }));
    expect(carryOverBlockers(open, gone, [])).toEqual({ carried: [], resolved: 1 });
  });

  it('ignores indentation changes, follows a rename, and keeps the first SHA across several pushes', () => {
    const open = recordOpenBlockers([blocker()], FIRST, 'blocker', SHA1);
    const renamed = parse(
      [
        'diff --git a/src/db.ts b/src/store.ts',
        'similarity index 90%',
        'rename from src/db.ts',
        'rename to src/store.ts',
        '--- a/src/db.ts',
        '+++ b/src/store.ts',
        '@@ -0,0 +1,3 @@',
        '+import { db } from "./pool";',
        '+    db.query("select * from t where n = " + name);',
        '+export {};',
        '',
      ].join('\n'),
    );
    const second = carryOverBlockers(open, renamed, []);
    expect(second.carried).toEqual([expect.objectContaining({ path: 'src/store.ts', startLine: 2, carriedFrom: SHA1 })]);
    // Recorded again on the second head, it still names the head it was first reported on.
    expect(recordOpenBlockers(second.carried, renamed, 'blocker', SHA2)[0]!.since).toBe(SHA1);
  });

  it('does not repeat a blocker a fresh finding already reports on the same lines', () => {
    const open = recordOpenBlockers([blocker()], FIRST, 'blocker', SHA1);
    const fresh = [blocker({ title: 'Injection', startLine: 2, endLine: 2 })];
    expect(carryOverBlockers(open, FIRST, fresh)).toEqual({ carried: [], resolved: 0 });
    // Another agent's finding on the same line does not cover it.
    expect(carryOverBlockers(open, FIRST, [blocker({ agent: 'review' })]).carried).toHaveLength(1);
  });

  it('remembers only findings that fail the gate, on file lines, not recomputed every run', () => {
    const findings = [
      blocker({ severity: 'warning' }),
      blocker({ deterministic: true }),
      blocker({ path: PULL_REQUEST_TEXT, startLine: 1, endLine: 1 }),
      blocker({ path: 'src/invented.ts' }),
    ];
    expect(recordOpenBlockers(findings, FIRST, 'blocker', SHA1)).toEqual([]);
    // With fail_on warning, the warning is a blocker too.
    expect(recordOpenBlockers(findings, FIRST, 'warning', SHA1)).toHaveLength(1);
  });
});
