import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';

/**
 * Which build of framefleet this process runs: the first 12 hex digits of the sha256 of the file it
 * was started from. The bundled CLI's entry (dist/cli/index.js, about 1 KB) imports its chunks by
 * names that hash their content and the chunks they import, so any change to the code changes the
 * entry, while a rebuild of the same code keeps it (unlike a version string, or a size and mtime).
 * Read once per command: some 0.1 ms. Undefined when there is no such file (`node -e`, a REPL).
 */
export function buildFingerprint(entry: string | undefined = process.argv[1]): string | undefined {
  if (!entry) return undefined;
  try {
    return createHash('sha256').update(readFileSync(entry)).digest('hex').slice(0, 12);
  } catch {
    return undefined;
  }
}
