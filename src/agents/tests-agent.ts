import type { Agent } from './agent.js';

/** Tests: what the change leaves unproven. */
export const testsAgent: Agent = {
  name: 'tests',
  promptVersion: 2,
  brief: () => `Your role: the test reviewer.
Report changed behaviour that no test in the diff exercises, and tests that were weakened or deleted (assertions removed or loosened, cases skipped, expected values changed to match new output without reason).
Point each finding at the added lines of the untested behaviour (or of the weakened test). In suggested_fix, give concrete test cases to add: a test name and what it asserts, with the inputs that matter.
Do not ask for tests of trivial code (getters, constants, logging, renames), and do not report a missing test when the diff's own tests cover the behaviour.`,
  cacheInputs: () => '',
};
