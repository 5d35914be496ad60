import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    reporters: ['default', './test/helpers/summary-reporter.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // Two cores: end-to-end files start servers and real SDK clients; more workers only contend.
    maxWorkers: 2,
    // Worker threads start faster than forked processes: 141 s against 153 s for the whole
    // suite on a 2-core machine. No test changes the process itself (cwd, signals, exit).
    pool: 'threads',
  },
});
