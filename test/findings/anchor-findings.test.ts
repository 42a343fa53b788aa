import { describe, expect, it } from 'vitest';
import { anchorFindings } from '../../src/findings/anchor-findings.js';
import type { Finding } from '../../src/findings/finding.js';
import { parse } from '../support/parse.js';

// src/a.ts: one hunk, new lines 10-16; lines 13 and 14 are added, the rest context.
const diff = parse(
  [
    'diff --git a/src/a.ts b/src/a.ts',
    '--- a/src/a.ts',
    '+++ b/src/a.ts',
    '@@ -10,5 +10,7 @@',
    ' c10',
    ' c11',
    ' c12',
    '+added13',
    '+added14',
    ' c15',
    ' c16',
    '',
  ].join('\n'),
);

const finding = (startLine: number, endLine: number, path = 'src/a.ts'): Finding => ({
  agent: 'review',
  severity: 'warning',
  confidence: 0.9,
  path,
  startLine,
  endLine,
  title: 't',
  explanation: 'e',
});

describe('anchorFindings', () => {
  it('keeps a finding on added lines, trimmed to them', () => {
    const result = anchorFindings(diff, [finding(12, 20)]);
    expect(result.findings.map((f) => [f.startLine, f.endLine])).toEqual([[13, 14]]);
    expect(result.moved).toBe(0);
  });

  it('moves a finding on a hunk context line to the nearest added line, and counts it', () => {
    const result = anchorFindings(diff, [finding(16, 16), finding(10, 10)]);
    expect(result.findings.map((f) => [f.startLine, f.endLine])).toEqual([[14, 14], [13, 13]]);
    expect(result.moved).toBe(2);
  });

  it('drops findings on unchanged code and on files not in the diff, and counts them', () => {
    const result = anchorFindings(diff, [finding(100, 120), finding(1, 1, 'src/invented.ts')]);
    expect(result.findings).toEqual([]);
    expect(result.dropped).toEqual({ 'unknown-file': 1, 'outside-changes': 1 });
  });
});
