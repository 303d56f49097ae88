import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts', 'systems/*/test/**/*.test.ts'],
    globalSetup: ['test/support/global-setup.ts'],
    // Workflow and end-to-end files start Temporal servers and workers: two at a time on 2 cores.
    pool: 'forks',
    maxWorkers: 2,
    testTimeout: 120_000,
    hookTimeout: 180_000,
    reporters: ['default', './test/support/summary-reporter.ts'],
  },
});
