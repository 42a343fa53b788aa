import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 30_000,
    // The JSON report lets .ci/run print a plain "N passed, N failed" line after vitest's summary.
    reporters: ['default', 'json'],
    outputFile: { json: 'test-artifacts/vitest.json' },
    // The CLI tests run the compiled bin; build once before the suite.
    globalSetup: ['test/support/global-setup.ts'],
  },
});
