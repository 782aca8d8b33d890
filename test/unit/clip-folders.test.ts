import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expandClips } from '../../src/pipelines/montage/clip-folders.js';

describe('expandClips', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'ff-clips-'));
    await mkdir(join(dir, 'clips'));
    for (const name of ['b.mp4', 'a.MOV', 'c.gif', 'd.mpg', 'notes.txt', '.hidden.mp4', 'photo.png'])
      await writeFile(join(dir, 'clips', name), '');
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  // Found by a new user's trial: `--clips clips clips/land.mp4` analysed and used land.mp4 twice.
  it("takes a folder's videos in name order and a clip named twice once", async () => {
    const clips = await expandClips([join(dir, 'clips'), join(dir, 'clips', 'b.mp4')]);
    expect(clips).toEqual(['a.MOV', 'b.mp4', 'c.gif', 'd.mpg'].map((n) => join(dir, 'clips', n)));
  });

  it('refuses a folder without videos and an empty path', async () => {
    await mkdir(join(dir, 'empty'));
    await expect(expandClips([join(dir, 'empty')])).rejects.toThrow(/has no video files/);
    await expect(expandClips([''])).rejects.toThrow(/a clip path is empty/);
  });
});
