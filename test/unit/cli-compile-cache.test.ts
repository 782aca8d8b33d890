import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import module from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';

// Node 22.1+ only (the CI runs test/unit on the current LTS as well); on Node 20 the CLI has no
// compile cache, so there is nothing to check but that it starts.
const hasCache = typeof (module as { enableCompileCache?: unknown }).enableCompileCache === 'function';

describe('the CLI keeps compiled code in its own cache folder', () => {
  let home: string;
  beforeAll(async () => {
    home = await mkdtemp(join(tmpdir(), 'ff-compile-cache-'));
  });
  afterAll(async () => {
    await rm(home, { recursive: true, force: true });
  });
  const env = (cache: string, extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv => ({
    XDG_CACHE_HOME: cache,
    // Unset (spawn drops undefined): Node reads the mere presence of NODE_DISABLE_COMPILE_CACHE.
    NODE_COMPILE_CACHE: undefined,
    NODE_DISABLE_COMPILE_CACHE: undefined,
    ...extra,
  });

  it.runIf(hasCache)('fills framefleet/node-compile-cache under XDG_CACHE_HOME', async () => {
    const cache = join(home, 'on');
    const run = await runCli(['analyze', '--help'], env(cache));
    expect(run.code).toBe(0);
    expect((await readdir(join(cache, 'framefleet', 'node-compile-cache'))).length).toBeGreaterThan(0);
  });

  it.runIf(hasCache)('writes nothing with NODE_DISABLE_COMPILE_CACHE=1', async () => {
    const cache = join(home, 'off');
    const run = await runCli(['analyze', '--help'], env(cache, { NODE_DISABLE_COMPILE_CACHE: '1' }));
    expect(run.code).toBe(0);
    await expect(readdir(join(cache, 'framefleet'))).rejects.toThrow(/ENOENT/);
  });

  it('starts when the cache folder cannot be made (a file where the folder should be)', async () => {
    const cache = join(home, 'blocked');
    await writeFile(cache, 'not a folder');
    const run = await runCli(['--version'], env(cache));
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout.trim()).toMatch(/^\d+\.\d+\.\d+$/);
  });
});
