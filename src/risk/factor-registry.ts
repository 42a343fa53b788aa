import { changeKindFamily } from './factors/change-kind.js';
import { dangerousPatternsFamily } from './factors/dangerous-patterns.js';
import { sensitivePathsFamily } from './factors/sensitive-paths.js';
import { sizeFamily } from './factors/size.js';
import { spreadFamily } from './factors/spread.js';
import { structureFamily } from './factors/structure.js';
import { testsFamily } from './factors/tests.js';
import { unseenContentFamily } from './factors/unseen-content.js';
import { untrustedTextFamily } from './factors/untrusted-text.js';
import type { FamilyFactory } from './risk-factor.js';

/** Every factor family of the score. Adding one is a new file in factors/ and a line here. */
export const FACTOR_FAMILIES: readonly FamilyFactory[] = [
  sizeFamily,
  spreadFamily,
  changeKindFamily,
  sensitivePathsFamily,
  dangerousPatternsFamily,
  testsFamily,
  unseenContentFamily,
  untrustedTextFamily,
  structureFamily,
];
