import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { ffmpeg, tempDir } from '../helpers/media.js';

// Found by a new user's trial: music in CAF, WavPack or raw AC-3 was refused as "not a media file
// ffmpeg can read: Invalid argument" (the input guard's format list lacked them), though ffprobe
// reads each; a format still outside the list is now named in the refusal.
describe('audio formats users bring', () => {
  let dir: string;
  let cleanup: () => Promise<void>;
  beforeAll(async () => {
    ({ dir, cleanup } = await tempDir('ff-audio-formats-'));
  });
  afterAll(() => cleanup());

  /** 6 s of clicks at 120 BPM, in the format the name's extension says. */
  const clicks = async (name: string, args: string[] = []) => {
    const path = join(dir, name);
    const source = 'aevalsrc=0.5*sin(2*PI*440*t)*lt(mod(t\\,0.5)\\,0.05):s=48000:d=6';
    await ffmpeg(['-f', 'lavfi', '-i', source, ...args, path]);
    return path;
  };

  it.each([['clicks.caf'], ['clicks.wv'], ['clicks.ac3'], ['clicks.eac3'], ['clicks.tta'], ['clicks.au']])(
    '%s: its beats are found',
    async (name) => {
      const result = await runCli(['analyze', 'beats', await clicks(name), '--json']);
      expect(result.code, result.stderr).toBe(0);
      expect((JSON.parse(result.stdout) as { tempo: number }).tempo).toBeCloseTo(120, 0);
    },
  );

  it('a format outside the list is refused by name, in one line', async () => {
    const path = await clicks('clicks.voc');
    const result = await runCli(['analyze', 'beats', path]);
    expect(result.code).toBe(2);
    expect(result.stderr).toBe(
      `framefleet: error: input \`${path}\` is \`voc\` media, a format framefleet does not open (playlists, scripts and lists that name other files never; see the README for those it does) [INPUT_NOT_MEDIA]\n`,
    );
  });
});
