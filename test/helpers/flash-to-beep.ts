import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { expect } from 'vitest';

/** Seconds from the first white frame to the first sound, as ffmpeg's black and silence detectors see them. */
export async function flashToBeep(file: string): Promise<number> {
  const { stderr } = await promisify(execFile)('ffmpeg', [
    ...['-hide_banner', '-i', file, '-vf', 'blackdetect=d=0.01:pix_th=0.5'],
    ...['-af', 'silencedetect=n=-40dB:d=0.05', '-f', 'null', '-'],
  ]);
  const flash = /black_end:([\d.]+)/.exec(stderr);
  const beep = /silence_end: ([\d.]+)/.exec(stderr);
  expect(flash && beep, stderr.slice(-500)).toBeTruthy();
  return Number(beep![1]) - Number(flash![1]);
}

/**
 * Two lavfi inputs, `durationSec` long: the `picture` (a lavfi video source, dark) with one white
 * frame at `atSec`, and a beep that starts at the same moment (silent before and after it).
 */
export function flashAndBeep(picture: string, durationSec: number, atSec: number): string[] {
  return [
    ...[
      '-f',
      'lavfi',
      '-i',
      `${picture},drawbox=c=white:t=fill:enable='between(t,${atSec},${atSec + 0.039})'`,
    ],
    ...[
      '-f',
      'lavfi',
      '-i',
      `sine=f=1000:d=${durationSec},volume=0:enable='not(between(t,${atSec},${atSec + 0.2}))'`,
    ],
  ];
}
