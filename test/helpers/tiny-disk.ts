import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A tmpfs of `size` (256 KiB) at a fresh folder, or why none can be mounted here (not root, no mount in a container). */
export function mountTiny(
  size = '256k',
): { dir: string; why?: undefined } | { dir?: undefined; why: string } {
  const dir = mkdtempSync(join(tmpdir(), 'ff-full-'));
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${size}`, 'tmpfs', dir], { stdio: 'pipe' });
    return { dir };
  } catch (error) {
    rmdirSync(dir);
    return { why: String(error).split('\n')[0]! };
  }
}

/** Unmounts and removes a folder mountTiny made. */
export function unmountTiny(dir: string): void {
  execFileSync('umount', [dir]);
  rmdirSync(dir);
}
