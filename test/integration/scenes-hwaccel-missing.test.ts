import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FramefleetError } from '../../src/errors.js';
import { hwaccelMissing } from '../../src/media/decode-frames.js';
import { runCli } from '../helpers/cli.js';
import { ffmpeg, tempDir } from '../helpers/media.js';

// `analyze scenes --hwaccel cuda` on a machine without the device failed as a job (exit 1) with
// ffmpeg's "Device setup failed ... Operation not permitted": now a usage error that says so.
const devices = { cuda: '/dev/nvidiactl', qsv: '/dev/dri' } as const;

describe('--hwaccel on a machine without the device', () => {
  let dir: string;
  let cleanup: () => Promise<void>;
  let clip: string;
  beforeAll(async () => {
    ({ dir, cleanup } = await tempDir());
    clip = join(dir, 'clip.mp4');
    await ffmpeg(['-f', 'lavfi', '-i', 'testsrc2=s=160x90:r=25:d=1', '-c:v', 'libx264', clip]);
  });
  afterAll(() => cleanup());

  it.each(Object.entries(devices))('%s: exit 2, the device named, the way out', async (kind, device) => {
    if (existsSync(device)) return; // This machine has one: nothing to refuse.
    const r = await runCli(['analyze', 'scenes', clip, '--hwaccel', kind]);
    expect(r.code, r.stderr).toBe(2);
    expect(r.stderr.trim()).toBe(
      `framefleet: error: --hwaccel ${kind}: this machine has no usable ${kind} device (ffmpeg: No device ` +
        `available for decoder: device type ${kind} needed for codec h264.); decode on the CPU with ` +
        `--hwaccel none [HWACCEL_UNAVAILABLE]`,
    );
  });

  it('leaves other decode failures as they were', () => {
    const other = new FramefleetError('FFMPEG_FAILED', 'decode failed', { ffmpegTail: 'Invalid data found' });
    expect(hwaccelMissing(other, 'cuda')).toBeUndefined();
    const device = new FramefleetError('FFMPEG_FAILED', 'x', { ffmpegTail: 'Device creation failed: -1.' });
    expect(hwaccelMissing(device, 'none')).toBeUndefined();
    expect(hwaccelMissing(device, 'vaapi')?.code).toBe('HWACCEL_UNAVAILABLE');
  });
});
