import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/config/config-error.js';
import { parseConfig } from '../../src/config/load-config.js';

function problems(yaml: string): string[] {
  try {
    parseConfig(yaml, 'riskgate.yml');
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as ConfigError).problems;
  }
  throw new Error('expected the config to be rejected');
}

describe('review.context in the config', () => {
  it('turns function context and callers on by default, and each off alone', () => {
    expect(parseConfig('', 'x.yml').review.context).toEqual({ functions: true, callers: true });
    expect(parseConfig('review:\n  context:\n    callers: false\n', 'x.yml').review.context).toEqual({ functions: true, callers: false });
    expect(parseConfig('review:\n  context:\n    functions: false\n', 'x.yml').review.context).toEqual({ functions: false, callers: true });
  });

  it('refuses a truthy string and a misspelt key, naming the key', () => {
    expect(problems('review:\n  context:\n    functions: "yes"\n')).toEqual(['line 3, column 16: review.context.functions: expected boolean, got string "yes"']);
    expect(problems('review:\n  context:\n    caller: false\n')[0]).toMatch(/^line 3, column 5: review\.context\.caller: unknown key; did you mean "callers"\?/);
  });
});
