import { access, readdir } from 'node:fs/promises';
import { join } from 'node:path';

/** The current-LTS Node `scripts/node-lts.sh` installed beside the project, if any (newest). */
export async function ltsNode(): Promise<{ bin: string; version: string } | undefined> {
  const dir = join(process.cwd(), '.framefleet', 'node-lts');
  const versions = await readdir(dir).catch(() => [] as string[]);
  const newest = versions
    .filter((v) => /^\d+\.\d+\.\d+$/.test(v))
    .sort((a, b) => a.localeCompare(b, 'en', { numeric: true }))
    .at(-1);
  const bin = newest && join(dir, newest, 'bin', 'node');
  return newest &&
    bin &&
    (await access(bin).then(
      () => true,
      () => false,
    ))
    ? { bin, version: newest }
    : undefined;
}
