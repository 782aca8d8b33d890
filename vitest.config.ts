import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    globalSetup: ['test/global-setup.ts'],
    testTimeout: 120_000,
    hookTimeout: 120_000,
    // Files run three at a time: ffmpeg-heavy ones share the cores, while the fleet and chaos suites
    // spend most of their time waiting on locks, timers and child processes.
    maxWorkers: 3,
    fileParallelism: true,
  },
});
