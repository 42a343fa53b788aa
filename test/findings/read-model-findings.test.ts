import { describe, expect, it } from 'vitest';
import { modelFindingsSchema, type ModelFindings } from '../../src/findings/finding.js';
import { MAX_FINDINGS_PER_ANSWER, readModelFindings } from '../../src/findings/read-model-findings.js';

type Item = ModelFindings['findings'][number];

const item = (over: Partial<Record<keyof Item, unknown>> = {}) => ({
  severity: 'note',
  confidence: 0.8,
  path: 'src/a.ts',
  start_line: 1,
  end_line: 1,
  title: 'A note',
  explanation: 'Why.',
  ...over,
});
const BLOCKER = item({ severity: 'blocker', title: 'SQL injection', start_line: 3, end_line: 3 });
const answer = (findings: unknown[], injection: unknown = { detected: false }) => ({ findings, prompt_injection: injection });

function read(raw: unknown, cut = false) {
  const reading = readModelFindings(raw, cut);
  if ('unusable' in reading) throw new Error(`unusable: ${reading.unusable}`);
  return reading;
}

describe('readModelFindings: one bad item never costs the valid ones', () => {
  it('keeps the blocker among 51 findings, dropping the least severe over the cap', () => {
    const raw = answer([...Array.from({ length: 50 }, (_, i) => item({ title: `Note ${i}` })), BLOCKER]);
    // The whole-answer schema refuses it: the old reading lost every finding.
    expect(modelFindingsSchema.safeParse(raw).success).toBe(false);
    const reading = read(raw);
    expect(reading.output.findings).toHaveLength(MAX_FINDINGS_PER_ANSWER);
    expect(reading.output.findings[0]).toMatchObject({ severity: 'blocker', title: 'SQL injection' });
    expect(reading.dropped).toBe(1);
    expect(reading.problems).toEqual(['1 finding over the 50-per-answer cap dropped (the least severe)']);
  });

  it('cuts a 201-character title and an over-long explanation instead of dropping the finding', () => {
    const raw = answer([BLOCKER, item({ severity: 'blocker', title: 'x'.repeat(201), explanation: 'y'.repeat(4001) })]);
    expect(modelFindingsSchema.safeParse(raw).success).toBe(false);
    const reading = read(raw);
    expect(reading.output.findings).toHaveLength(2);
    expect(reading.output.findings[1]!.title).toHaveLength(200);
    expect(reading.output.findings[1]!.explanation).toHaveLength(4000);
    expect(reading.dropped).toBe(0);
    expect(reading.problems).toEqual(['finding 2: title of 201 characters cut to 200', 'finding 2: explanation of 4001 characters cut to 4000']);
  });

  it('drops a finding with a severity it does not know, or lines it cannot anchor, and says which', () => {
    const reading = read(answer([item({ severity: 'critical' }), BLOCKER, item({ start_line: 0 }), 'not an object', item({ path: '' })]));
    expect(reading.output.findings.map((f) => f.title)).toEqual(['SQL injection']);
    expect(reading.dropped).toBe(4);
    expect(reading.problems[0]).toMatch(/^finding 1: severity: .*; dropped$/);
    expect(reading.problems[1]).toMatch(/^finding 3: start_line: .*; dropped$/);
    expect(reading.problems[2]).toMatch(/^finding 4: /);
    expect(reading.problems[3]).toMatch(/^finding 5: path: /);
  });

  it('accepts a path of any length: a long file name is the author\'s choice, and anchoring checks it', () => {
    const long = `src/${'d/'.repeat(600)}a.ts`;
    expect(read(answer([item({ severity: 'blocker', path: long })])).output.findings[0]!.path).toBe(long);
  });

  it('clamps a confidence outside 0..1 and titles an untitled finding', () => {
    const reading = read(answer([item({ confidence: 1.5, title: ' ' })]));
    expect(reading.output.findings[0]).toMatchObject({ confidence: 1, title: '(untitled finding)' });
    expect(reading.dropped).toBe(0);
    expect(reading.problems).toHaveLength(2);
  });

  it('reads an unreadable injection report as an attempt: content may raise the scrutiny, never lower it', () => {
    const reading = read(answer([BLOCKER], 'nothing to see'));
    expect(reading.output.prompt_injection).toEqual({ detected: true });
    expect(reading.output.findings).toHaveLength(1);
    expect(read(answer([], { detected: true, line: -2, quote: 'q'.repeat(900) })).output.prompt_injection).toEqual({ detected: true, quote: `${'q'.repeat(499)}…` });
  });

  it('a cut answer keeps what was complete before the cut and drops the finding the cut fell in', () => {
    const cut = read({ findings: [BLOCKER, item({ title: 'Half' })] }, true);
    expect(cut.output.findings.map((f) => f.title)).toEqual(['SQL injection']);
    expect(cut.dropped).toBe(1);
    expect(cut.output.prompt_injection).toEqual({ detected: false });
    // Cut after the list closed (the report had begun): every finding is whole.
    expect(read({ findings: [BLOCKER, item({ title: 'Whole' })], prompt_injection: {} }, true).output.findings).toHaveLength(2);
    expect(read({}, true).output.findings).toEqual([]);
  });

  it('an answer that is not an object, or has no findings list, is unusable', () => {
    expect(readModelFindings('no problems', false)).toEqual({ unusable: 'the answer is not a JSON object' });
    expect(readModelFindings({ verdict: 'ok', prompt_injection: { detected: false } }, false)).toEqual({ unusable: 'the answer has no findings list' });
    expect(readModelFindings({ findings: 'none' }, true)).toEqual({ unusable: 'the answer has no findings list' });
  });

  it('lists ten problems and counts the rest', () => {
    const reading = read(answer(Array.from({ length: 14 }, () => item({ severity: 'bad' }))));
    expect(reading.dropped).toBe(14);
    expect(reading.problems).toHaveLength(11);
    expect(reading.problems.at(-1)).toBe('…and 4 more');
  });
});
