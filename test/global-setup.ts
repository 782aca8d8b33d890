import { execFileSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

/** Tests that spawn the CLI need dist/ to match src/; rebuild only when a source file is newer. */
export default function setup(): void {
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
}
