import { defineConfig } from 'vitest/config';
import { SlowFirstSequencer } from './test/support/slow-first.sequencer.ts';

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts', 'web/src/**/*.test.ts'],
    // The dashboard's browser tests serve web/dist; every test store starts from a migrated template.
    globalSetup: ['test/support/build-web.global.ts', 'test/support/store-templates.global.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // Two cores: more forks only contend for them.
    maxWorkers: 2,
    sequence: { sequencer: SlowFirstSequencer },
    reporters: ['default'],
  },
});
