import { describe, expect, it } from 'vitest';
import { FIX_WHEN } from '../../src/config/config-schema.js';
import { defaultConfig } from '../../src/config/load-config.js';
import { compileFixRules, isFixMessage, type FixWhen } from '../../src/history/find-fixes.js';

const rulesFor = (when: FixWhen, overrides: Partial<ReturnType<typeof defaultConfig>['calibrate']> = {}) =>
  compileFixRules({ ...defaultConfig().calibrate, fix_when: when, ...overrides });

describe('isFixMessage with the default patterns', () => {
  // message -> [has a fix keyword, has an issue key]
  const table: Array<[string, boolean, boolean]> = [
    ['Fix crash in parser', true, false],
    ['fixes the cache', true, false],
    ['FIXED: wrong total', true, false],
    ['fixing flaky order', true, false],
    ['Bugfix for the login form', true, false],
    ['Hotfix: release 1.2.1', true, false],
    ['Revert regression in 4.0', true, false],
    ['Guard against NPE on empty input', true, false],
    ['Resolve defects found in review', true, false],
    ['Add a test fixture', false, false],
    ['Add prefix and suffix options', false, false],
    ['Improve debug logging', false, false],
    ['ABC-123 make the cache configurable', false, true],
    ['Refs PROJ2-7', false, true],
    ['Closes #12', false, true],
    ['#12: tidy up', false, true],
    ['Tidy up (#345)', false, true],
    ['abc-123 lower-case is not a key', false, false],
    ['Use utf-8 everywhere', false, false],
    ['C-3 needs two letters', false, false],
    ['PR#12 is not a reference', false, false],
    ['#12a is not a number', false, false],
    ['Fix ABC-123: null check', true, true],
    ['fix #7', true, true],
    ['', false, false],
  ];

  it.each(FIX_WHEN)('fix_when %s combines the keyword and the issue key as it says', (when) => {
    const rules = rulesFor(when);
    for (const [message, keyword, issue] of table) {
      const expected = { keyword, issue, 'keyword-or-issue': keyword || issue, 'keyword-and-issue': keyword && issue }[when];
      expect(isFixMessage(message, rules), `${when}: ${JSON.stringify(message)}`).toBe(expected);
    }
  });

  it('finds the keyword on any line of a multi-line message', () => {
    expect(isFixMessage('Refactor the loader\n\nThis also fixes a crash on exit.', rulesFor('keyword'))).toBe(true);
    expect(isFixMessage('Refactor the loader\n\nSee JIRA-42.', rulesFor('issue'))).toBe(true);
    expect(isFixMessage('Refactor the loader\n#42 follow-up', rulesFor('issue'))).toBe(true);
  });

  it('custom patterns replace the defaults: keywords case-insensitive, issue keys case-sensitive', () => {
    const rules = rulesFor('keyword-or-issue', { fix_patterns: ['\\bkorrigiert\\b'], issue_patterns: ['\\bTICKET_\\d+\\b'] });
    expect(isFixMessage('KORRIGIERT: Absturz', rules)).toBe(true);
    expect(isFixMessage('Fix crash', rules)).toBe(false);
    expect(isFixMessage('see TICKET_9', rules)).toBe(true);
    expect(isFixMessage('see ticket_9', rules)).toBe(false);
    expect(isFixMessage('Closes #12', rules)).toBe(false);
  });
});
