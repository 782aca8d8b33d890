import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';

declare module 'vitest' {
  export interface ProvidedContext {
    /** A folder for this run's shared fixtures (see `ffmpeg` in helpers/media.ts). */
    fixtureCache: string;
  }
}

/**
 * Tests that spawn the CLI need dist/ to match src/; rebuild only when a source file is newer.
 * Each run gets one fixture folder, shared by every file and removed at the end.
 */
export default function setup(project: TestProject): () => void {
  const newest = (dir: string): number =>
    readdirSync(dir, { withFileTypes: true }).reduce((max, entry) => {
      const path = join(dir, entry.name);
      return Math.max(max, entry.isDirectory() ? newest(path) : statSync(path).mtimeMs);
    }, 0);
  let built: number;
  try {
    built = statSync('dist/cli/index.js').mtimeMs;
  } catch {
    built = 0;
  }
  if (newest('src') > built) execFileSync(process.execPath, ['scripts/build.mjs'], { stdio: 'inherit' });
  const fixtures = mkdtempSync(join(tmpdir(), 'ff-fixtures-'));
  project.provide('fixtureCache', fixtures);
  return () => rmSync(fixtures, { recursive: true, force: true });
}
