import type { RiskgateConfig } from '../config/config-schema.js';

export type FixWhen = RiskgateConfig['calibrate']['fix_when'];

/** How a commit message is judged a bug fix, compiled once from the config. */
export interface FixRules {
  keywords: readonly RegExp[];
  issueKeys: readonly RegExp[];
  when: FixWhen;
}

export function compileFixRules(calibrate: Pick<RiskgateConfig['calibrate'], 'fix_patterns' | 'issue_patterns' | 'fix_when'>): FixRules {
  return {
    keywords: calibrate.fix_patterns.map((p) => new RegExp(p, 'iu')),
    // Case matters for issue keys: `ABC-123` is a key, `utf-8` is not.
    issueKeys: calibrate.issue_patterns.map((p) => new RegExp(p, 'u')),
    when: calibrate.fix_when,
  };
}

export function isFixMessage(message: string, rules: FixRules): boolean {
  const keyword = rules.keywords.some((p) => p.test(message));
  const issue = () => rules.issueKeys.some((p) => p.test(message));
  switch (rules.when) {
    case 'keyword':
      return keyword;
    case 'issue':
      return issue();
    case 'keyword-or-issue':
      return keyword || issue();
    case 'keyword-and-issue':
      return keyword && issue();
  }
}
