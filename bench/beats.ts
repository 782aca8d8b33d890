/**
 * Beat-tracking benchmark: synthetic drum tracks (70-180 BPM, syncopation, swing, tempo drift,
 * crescendo) with known beats, scored by F-measure (+-70 ms, first 5 s ignored) and tempo error,
 * next to aubio (`aubio beat`, Debian's aubio-tools) on the same WAV files in the same run.
 * Speed is printed as multiples of real time: analysis alone (one core) and end to end
 * (ffmpeg decode included). Without /usr/bin/aubio the peer is skipped with a message.
 */
import { execFile } from 'node:child_process';
import { access, mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { analyzeBeats } from '../src/analysis/beats/index.js';
import { decodePcm } from '../src/media/decode-pcm.js';
import { BEAT_SAMPLE_RATE } from '../src/pipelines/analyze/index.js';
import { beatFMeasure, referenceTempo } from './lib/beat-score.js';
import { BENCH_TRACKS, drumTrack } from './lib/drum-track.js';
import { encodeWav } from './lib/wav.js';

const exec = promisify(execFile);
const AUBIO = process.env.AUBIO_PATH ?? '/usr/bin/aubio';

async function aubio(path: string): Promise<{ beats: number[]; seconds: number } | string> {
  const available = await access(AUBIO).then(
    () => true,
    () => false,
  );
  if (!available) return `${AUBIO} not found (apt-get install aubio-tools)`;
  const started = performance.now();
  try {
    const { stdout } = await exec(AUBIO, ['beat', path], { maxBuffer: 1 << 22 });
    const beats = stdout
      .split('\n')
      .map((l) => Number(l.trim()))
      .filter((t) => l(t));
    return { beats, seconds: (performance.now() - started) / 1000 };
  } catch (error) {
    return `aubio failed: ${(error as Error).message.split('\n')[0]}`;
  }
}

const l = (t: number) => Number.isFinite(t) && t >= 0;

/** aubio's tempo as 60 / median inter-beat interval (robust to its skipped or extra beats). */
function medianTempo(beats: number[]): number {
  const gaps = beats
    .slice(1)
    .map((t, i) => t - beats[i]!)
    .sort((a, b) => a - b);
  return gaps.length ? 60 / gaps[Math.floor(gaps.length / 2)]! : 0;
}
const pct = (x: number) => `${x >= 0 ? '+' : ''}${(100 * x).toFixed(2)}%`;

export async function run(): Promise<void> {
  const dir = join(process.cwd(), 'bench', '.work', 'beats');
  await mkdir(dir, { recursive: true });
  const rows: { ours: number; peer: number | undefined; tempoError: number }[] = [];
  let audioSeconds = 0;
  let analysisSeconds = 0;
  let endToEndSeconds = 0;
  let peerSeconds = 0;
  let peerNote: string | undefined;
  process.stdout.write(
    `${'track'.padEnd(22)} ${'true BPM'.padStart(8)} ${'ours BPM'.padStart(9)} ${'error'.padStart(8)}  F ours  F aubio  aubio BPM\n`,
  );
  for (const spec of BENCH_TRACKS) {
    const track = drumTrack(spec, 44100);
    const path = join(dir, `${spec.name}.wav`);
    await writeFile(path, encodeWav(track.samples, track.sampleRate));
    const e2eStart = performance.now();
    const samples = await decodePcm({ path, sampleRate: BEAT_SAMPLE_RATE });
    const analysisStart = performance.now();
    const result = analyzeBeats(samples, BEAT_SAMPLE_RATE);
    const done = performance.now();
    analysisSeconds += (done - analysisStart) / 1000;
    endToEndSeconds += (done - e2eStart) / 1000;
    audioSeconds += spec.seconds;
    const truthTempo = referenceTempo(track.beats);
    const ours = beatFMeasure(result.beats, track.beats);
    const tempoError = ((result.tempo ?? 0) - truthTempo) / truthTempo;
    const other = await aubio(path);
    let peer: number | undefined;
    let peerTempo = '';
    if (typeof other === 'string') peerNote = other;
    else {
      peer = beatFMeasure(other.beats, track.beats);
      peerSeconds += other.seconds;
      peerTempo = medianTempo(other.beats).toFixed(1);
    }
    rows.push({ ours, peer, tempoError });
    process.stdout.write(
      `${spec.name.padEnd(22)} ${truthTempo.toFixed(1).padStart(8)} ${(result.tempo ?? 0).toFixed(2).padStart(9)} ${pct(tempoError).padStart(8)}  ` +
        `${ours.toFixed(3)}   ${peer === undefined ? '  -  ' : peer.toFixed(3)}   ${peerTempo}\n`,
    );
  }
  const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
  process.stdout.write(`mean F-measure: ours ${mean(rows.map((r) => r.ours)).toFixed(3)}`);
  if (peerNote) process.stdout.write(`; aubio skipped: ${peerNote}\n`);
  else {
    const below = rows.filter((r) => r.ours < r.peer!).length;
    process.stdout.write(
      `, aubio ${mean(rows.map((r) => r.peer!)).toFixed(3)}; tracks where ours < aubio: ${below}\n`,
    );
  }
  process.stdout.write(
    `max |tempo error|: ${(100 * Math.max(...rows.map((r) => Math.abs(r.tempoError)))).toFixed(2)}%\n`,
  );
  process.stdout.write(
    `speed: analysis ${(audioSeconds / analysisSeconds).toFixed(0)}x real time (one core), ` +
      `end to end with ffmpeg decode ${(audioSeconds / endToEndSeconds).toFixed(0)}x` +
      (peerNote ? '\n' : `, aubio beat ${(audioSeconds / peerSeconds).toFixed(0)}x\n`),
  );
}

if (import.meta.url === `file://${process.argv[1]}`) await run();
