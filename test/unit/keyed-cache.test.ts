import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readKeyed, writeKeyed } from '../../src/media/keyed-cache.js';
import { tempDir } from '../helpers/media.js';

describe('keyed cache file (ffmpeg version, encoder smoke results)', () => {
  let dir: string;
  let cleanup: () => Promise<void>;
  beforeAll(async () => ({ dir, cleanup } = await tempDir()));
  afterAll(() => cleanup());

  it('keeps builds side by side: writing one does not lose another', async () => {
    const file = join(dir, 'two.json');
    await writeKeyed(file, 'debian-5.1', { major: 5 });
    await writeKeyed(file, 'wrapper', { major: 6 });
    await writeKeyed(file, 'wrapper', { major: 7 });
    expect(await readKeyed(file, 'debian-5.1')).toEqual({ major: 5 });
    expect(await readKeyed(file, 'wrapper')).toEqual({ major: 7 });
    expect(await readKeyed(file, 'never')).toBeUndefined();
  });

  it('keeps the 8 written last, and honours a maximum age', async () => {
    const file = join(dir, 'many.json');
    for (let i = 0; i < 10; i++) await writeKeyed(file, `build-${i}`, i);
    const kept = (JSON.parse(await readFile(file, 'utf8')) as { entries: { key: string }[] }).entries;
    expect(kept.map((e) => e.key)).toEqual([9, 8, 7, 6, 5, 4, 3, 2].map((i) => `build-${i}`));
    expect(await readKeyed(file, 'build-1')).toBeUndefined();
    expect(await readKeyed(file, 'build-2', 60_000)).toBe(2);
    expect(await readKeyed(file, 'build-2', -1)).toBeUndefined();
  });

  it('reads a missing, corrupt or older single-key file as nothing learned', async () => {
    expect(await readKeyed(join(dir, 'missing.json'), 'k')).toBeUndefined();
    const corrupt = join(dir, 'corrupt.json');
    await writeFile(corrupt, '{"entries": [');
    expect(await readKeyed(corrupt, 'k')).toBeUndefined();
    const old = join(dir, 'old.json');
    await writeFile(old, JSON.stringify({ key: 'k', version: { major: 5 } }));
    expect(await readKeyed(old, 'k')).toBeUndefined();
    await writeKeyed(old, 'k', 1);
    expect(await readKeyed(old, 'k')).toBe(1);
  });
});
