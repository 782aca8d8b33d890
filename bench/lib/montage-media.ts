import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { drumTrack } from './drum-track.js';
import { encodeWav } from './wav.js';
import { runFfmpeg } from '../../src/media/run.js';

/** A generated clip: what it shows and whether a good edit may use it. */
export interface MontageClip {
  path: string;
  kind: 'motion' | 'black' | 'blurred';
}

/** Sources for usable clips: distinct pictures, different amounts of motion, one with a hard cut. */
const USABLE = [
  'testsrc2=s={s}:r={r},scroll=h=0.01',
  'mandelbrot=s={s}:r={r}',
  'smptehdbars=s={s}:r={r},scroll=h=0.03:v=0.01',
  'testsrc=s={s}:r={r},hue=h=120',
  'cellauto=s={s}:r={r}:rule=110',
  'rgbtestsrc=s={s}:r={r},scroll=v=0.02',
];

/**
 * `usable` clips of `seconds` each at `size`/`fps` (motion, patterns, grain so they encode like
 * footage), plus one black clip and one heavily blurred clip that a good edit must never choose.
 */
export async function makeMontageClips(
  dir: string,
  options: { usable: number; seconds: number; size: string; fps: number },
): Promise<MontageClip[]> {
  const { seconds, size, fps } = options;
  const clips: MontageClip[] = [];
  const make = async (name: string, source: string, extra: string, kind: MontageClip['kind']) => {
    const path = join(dir, name);
    const vf = `${source.replaceAll('{s}', size).replaceAll('{r}', String(fps))},format=yuv420p${extra}`;
    await runFfmpeg(
      [
        '-f',
        'lavfi',
        '-i',
        vf,
        '-t',
        String(seconds),
        '-c:v',
        'libx264',
        '-preset',
        'ultrafast',
        '-g',
        String(fps),
        '-y',
        path,
      ],
      { label: `make ${name}`, timeoutMs: 120_000 },
    );
    clips.push({ path, kind });
  };
  for (let i = 0; i < options.usable; i++) {
    await make(`clip-${i}.mp4`, USABLE[i % USABLE.length]!, ',noise=alls=6:allf=t', 'motion');
  }
  await make('zz-black.mp4', 'color=c=black:s={s}:r={r}', ',noise=alls=2:allf=t', 'black');
  await make('zz-blurred.mp4', 'testsrc2=s={s}:r={r},scroll=h=0.01', ',boxblur=lr=12:lp=3', 'blurred');
  return clips;
}

/** A drum track at `bpm` with a crescendo (calm start, loud end) as WAV, and its true beat times. */
export async function makeMontageMusic(
  dir: string,
  bpm: number,
  seconds: number,
): Promise<{ path: string; beats: number[] }> {
  const track = drumTrack({ name: `montage-${bpm}`, bpm, seconds, crescendo: true, seed: 7 }, 44100);
  const path = join(dir, `music-${bpm}.wav`);
  await writeFile(path, encodeWav(track.samples, track.sampleRate));
  return { path, beats: track.beats };
}
