import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    globalSetup: ['test/global-setup.ts'],
    testTimeout: 120_000,
    hookTimeout: 120_000,
    // Files run two at a time, one per core. Three at a time (to overlap the fleet and chaos suites'
    // waits on locks, timers and child processes) lost more to contention than the waits gave back:
    // the whole suite on two cores took 823 and 838 s of wall and 1,550-1,580 CPU-s with three,
    // 783 s and 1,396 CPU-s with two (a few thousand short ffmpeg runs, each ~0.12 CPU-s of start-up
    // in its 215 shared libraries, slow down more than they overlap).
    maxWorkers: 2,
    fileParallelism: true,
    // A fresh fork per test file imported the sources again for every file (test/e2e alone: 115 s of
    // imports for 31 files; 19 s without): the forks now run file after file with the modules
    // loaded once (full suite on two shared cores: 788 -> ~670 CPU-s, wall 722 -> 607 s and 622 ->
    // 531 s at like load). Files share a process, so a test must restore what it changes in it
    // (process.env, cwd) and not count on a module's state being fresh.
    isolate: false,
  },
});
