import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { killedBySignal, undecodableInput } from '../../src/media/decode-failure.js';
import type { FramefleetError } from '../../src/errors.js';
import { runFfmpeg } from '../../src/media/run.js';

// An "ffmpeg" that says what libavcodec says of an input that decodes to nothing, then ends as
// told: by its own exit, or by a signal (as the OOM killer ends it).
const FAKE = `#!/bin/sh
echo "[h264 @ 0x1] Invalid data found when processing input" >&2
echo "Nothing was written into output file 0" >&2
if [ "$FAKE_END" = kill ]; then kill -9 $$; fi
exit 1
`;

describe('a decode failure', () => {
  let dir: string;
  let ffmpeg: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'ff-decode-failure-'));
    ffmpeg = join(dir, 'ffmpeg');
    await writeFile(ffmpeg, FAKE);
    await chmod(ffmpeg, 0o755);
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  const failure = (end: string) =>
    runFfmpeg(['-i', 'in.mp4', '-f', 'null', '-'], {
      env: { ...process.env, FFMPEG_PATH: ffmpeg, FAKE_END: end },
      label: 'decode',
      writesNoFile: true,
    }).then(
      () => expect.fail('the run should fail'),
      (error: unknown) => error as FramefleetError,
    );

  it('is a corrupt input when ffmpeg exits on its own', async () => {
    const error = await failure('exit');
    expect(killedBySignal(error)).toBe(false);
    expect(undecodableInput('in.mp4', error)).toMatchObject({ code: 'INPUT_CORRUPT' });
  });

  it('keeps its own error when a signal ended ffmpeg, whatever it printed first', async () => {
    const error = await failure('kill');
    expect(error.message).toMatch(/killed by SIGKILL/);
    expect(killedBySignal(error)).toBe(true);
    expect(undecodableInput('in.mp4', error)).toBe(error);
  });
});
