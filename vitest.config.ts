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
    // A fresh fork per test file imported the sources again for every file (test/e2e alone: 115 s of
    // imports for 31 files; 19 s without): the three forks now run file after file with the modules
    // loaded once (full suite on two shared cores: 788 -> ~670 CPU-s, wall 722 -> 607 s and 622 ->
    // 531 s at like load). Files share a process, so a test must restore what it changes in it
    // (process.env, cwd) and not count on a module's state being fresh.
    isolate: false,
  },
});
