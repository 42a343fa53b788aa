import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 30_000,
    // The CLI tests run the compiled bin; build once before the suite.
    globalSetup: ['test/support/global-setup.ts'],
  },
});
