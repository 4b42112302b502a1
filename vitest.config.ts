import { defineConfig } from 'vitest/config';
import { TierSequencer } from './vitest.tiers.js';

export default defineConfig({
  test: {
    include: ['**/*.test.ts'],
    exclude: ['node_modules/**', 'dist/**'],
    testTimeout: 30_000,
    // The spec's and the fixtures' caches, written once from the sources for every file to load.
    globalSetup: ['./vitest.global-setup.ts'],
    hookTimeout: 60_000,
    // Three files at a time on a 2-core machine: most files spend their time waiting (on servers,
    // child processes, Chromium), which vitest's default (cores - 1: one file at a time) turned
    // into the wall time. VITEST_MAX_WORKERS overrides it (e.g. 1 on a busy machine).
    maxWorkers: Number(process.env.VITEST_MAX_WORKERS) || 3,
    sequence: { sequencer: TierSequencer },
    // Concurrent tests of one file (the broken servers' suite runs) share one event loop: three at a
    // time overlap their waits without stretching any one run towards its timeout.
    maxConcurrency: 3,
  },
});
