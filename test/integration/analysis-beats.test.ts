import { spawn } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLI } from '../helpers/cli.js';
import { beatFMeasure } from '../../bench/lib/beat-score.js';
import { analyzeBeatsFile } from '../../src/pipelines/analyze/index.js';
import { runFfmpeg } from '../../src/media/run.js';
import { makeCorrupt, makeDrumWav, makeSilentAudio, makeVideoOnly, makeWorkDir } from './analysis-media.js';

let work: Awaited<ReturnType<typeof makeWorkDir>>;

beforeAll(async () => {
  work = await makeWorkDir();
});
afterAll(() => work.cleanup());

describe('beat tracking through ffmpeg', () => {
  it.each([96, 150])('tracks a %i BPM drum track: tempo within 2%, beats within 70 ms', async (bpm) => {
    const track = await makeDrumWav(work.dir, bpm);
    const result = await analyzeBeatsFile(track.path);
    expect(result.silent).toBe(false);
    expect(Math.abs(result.tempo! - bpm) / bpm).toBeLessThan(0.02);
    expect(beatFMeasure(result.beats, track.beats, 0.07, 2)).toBeGreaterThan(0.9);
    expect(result.energy.length).toBeGreaterThan(10);
    expect(result.onset.length).toBe(result.energy.length);
  });

  it('reads no harmony, so no bar of seven, in the same click at 300 BPM', async () => {
    // Before: the click's windowing ripple in the harmony curve read as "a chord change every 7
    // beats" (beatsPerBar 7); the level is every other click (the beat is reported up to 210 BPM).
    const path = `${work.dir}/clicks-300.wav`;
    await runFfmpeg(
      [
        '-f',
        'lavfi',
        '-i',
        "aevalsrc='0.5*sin(2*PI*1000*t)*exp(-mod(t-0.5,0.2)/0.003)*gte(t,0.5)':s=44100:d=30",
        path,
      ],
      { label: 'render clicks', writesNoFile: false },
    );
    const result = await analyzeBeatsFile(path);
    expect(Math.abs(result.tempo! - 150) / 150).toBeLessThan(0.02);
    expect(result.level).not.toMatch(/chord/);
    expect(result.beatsPerBar).not.toBe(7);
  });

  it('returns no beats and no tempo for a silent track, and says so', async () => {
    const result = await analyzeBeatsFile(await makeSilentAudio(work.dir));
    expect(result).toMatchObject({ silent: true, tempo: null, beats: [] });
    expect(result.message).toMatch(/silent/);
  });

  it('fails clearly on a file without audio and on a corrupt file', async () => {
    const video = await makeVideoOnly(work.dir);
    await expect(analyzeBeatsFile(video)).rejects.toMatchObject({ code: 'NO_AUDIO_STREAM' });
    const corrupt = await makeCorrupt(work.dir, video);
    await expect(analyzeBeatsFile(corrupt)).rejects.toMatchObject({
      code: expect.stringMatching(/INPUT_CORRUPT|INPUT_NOT_MEDIA/),
    });
    await expect(analyzeBeatsFile(`${work.dir}/missing.wav`)).rejects.toMatchObject({
      code: 'INPUT_NOT_FOUND',
    });
  });

  // Found by a new-user trial: `analyze beats song.wav --json | head -c 10` (or a reader that died)
  // ended in an unhandled EPIPE with a Node stack trace.
  it('stops quietly when the reader closes the pipe early', async () => {
    const track = await makeDrumWav(work.dir, 120);
    const child = spawn(process.execPath, [CLI, 'analyze', 'beats', track.path, '--json'], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stdout.destroy();
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const code = await new Promise((done) => child.on('close', done));
    expect(stderr).not.toMatch(/EPIPE|Unhandled|node:events/);
    expect(code).toBe(141);
  });
});
