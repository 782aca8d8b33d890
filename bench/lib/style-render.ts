/**
 * Renders a style score: to a standard MIDI file played by fluidsynth through a General MIDI
 * soundfont (Debian's fluidsynth + fluid-soundfont-gm: real instrument samples, offline), or with
 * the synthetic drum voices, a sine bass and organ-like chords when fluidsynth is absent.
 */
import { execFile } from 'node:child_process';
import { access, writeFile } from 'node:fs/promises';
import { promisify } from 'node:util';
import type { NoteEvent, StyleScore } from './beat-styles.js';
import { mulberry32 } from '../../src/random.js';
import { voice } from './drum-track.js';

const exec = promisify(execFile);
const FLUIDSYNTH = process.env.FLUIDSYNTH_PATH ?? '/usr/bin/fluidsynth';
const SOUNDFONT = process.env.SOUNDFONT_PATH ?? '/usr/share/sounds/sf2/FluidR3_GM.sf2';
const TICKS = 480;

/** What a MIDI file is written from: notes at a tempo, and GM programs for channels 0, 1 and 2. */
export interface MidiScore {
  style: { bpm: number };
  events: readonly NoteEvent[];
  programs?: readonly number[];
}

/**
 * A format-0 MIDI file: fixed tempo, GM programs (default 33 fingered bass, 0 piano, 0 piano),
 * drums on channel 10.
 */
export function toMidi(score: MidiScore): Buffer {
  const bpm = score.style.bpm;
  const tick = (seconds: number) => Math.max(0, Math.round((seconds * bpm * TICKS) / 60));
  const messages: { at: number; order: number; bytes: number[] }[] = [];
  for (const e of score.events) {
    messages.push({
      at: tick(e.time),
      order: 1,
      bytes: [0x90 | e.channel, e.note, Math.min(127, e.velocity)],
    });
    messages.push({ at: tick(e.time + e.duration), order: 0, bytes: [0x80 | e.channel, e.note, 0] });
  }
  messages.sort((a, b) => a.at - b.at || a.order - b.order);
  const tempo = Math.round(60_000_000 / bpm);
  const body: number[] = [0, 0xff, 0x51, 3, tempo >> 16, (tempo >> 8) & 255, tempo & 255];
  const [bass = 33, chords = 0, melody = 0] = score.programs ?? [];
  body.push(0, 0xc0, bass, 0, 0xc1, chords, 0, 0xc2, melody);
  let last = 0;
  for (const m of messages) {
    body.push(...varLength(m.at - last), ...m.bytes);
    last = m.at;
  }
  body.push(0, 0xff, 0x2f, 0);
  const header = Buffer.from([0x4d, 0x54, 0x68, 0x64, 0, 0, 0, 6, 0, 0, 0, 1, TICKS >> 8, TICKS & 255]);
  const trackHeader = Buffer.from([0x4d, 0x54, 0x72, 0x6b, 0, 0, 0, 0]);
  trackHeader.writeUInt32BE(body.length, 4);
  return Buffer.concat([header, trackHeader, Buffer.from(body)]);
}

function varLength(value: number): number[] {
  const bytes = [value & 0x7f];
  for (let v = value >> 7; v > 0; v >>= 7) bytes.unshift((v & 0x7f) | 0x80);
  return bytes;
}

/** Why fluidsynth cannot render here, or undefined when it can. */
export async function fluidsynthMissing(): Promise<string | undefined> {
  for (const path of [FLUIDSYNTH, SOUNDFONT]) {
    const there = await access(path).then(
      () => true,
      () => false,
    );
    if (!there) return `${path} not found (apt-get install fluidsynth fluid-soundfont-gm)`;
  }
  return undefined;
}

/** Renders the score to a WAV file with fluidsynth (mono mixdown happens at decode). */
export async function renderFluid(score: MidiScore, midiPath: string, wavPath: string): Promise<void> {
  await writeFile(midiPath, toMidi(score));
  // Loading only the samples the piece plays: about half the CPU of loading the whole 140 MB
  // soundfont (0.9 -> 0.4 CPU-s a render); the audio differs by at most 1 LSB.
  const args = ['-ni', '-q', '-g', '0.6', '-r', '44100', '-o', 'synth.dynamic-sample-loading=1'];
  await exec(FLUIDSYNTH, [...args, '-F', wavPath, SOUNDFONT, midiPath], { timeout: 120_000 });
}

/**
 * The synthetic rendering: drum voices, a decaying sine bass, chords of three harmonics. With
 * `pianoChords`, chords of six harmonics where each dies away faster than the one below, as a
 * piano's do (partial k over 1.25/k s): the chord's colour changes as it fades, and striking it
 * again brings the colour back. Pure.
 */
export function renderSynthetic(
  score: Pick<StyleScore, 'seconds' | 'events'>,
  rate = 44100,
  options: { pianoChords?: boolean } = {},
): Float32Array {
  const out = new Float32Array(Math.round(score.seconds * rate));
  const random = mulberry32(7);
  const drum: Record<number, 'kick' | 'snare' | 'hat'> = { 36: 'kick', 38: 'snare', 42: 'hat', 51: 'hat' };
  for (const e of score.events) {
    const start = Math.round(e.time * rate);
    const gain = e.velocity / 127;
    if (e.channel === 9) {
      voice(
        out,
        start,
        rate,
        drum[e.note] ?? 'hat',
        gain * (e.note === 42 || e.note === 51 ? 0.45 : 0.8),
        random,
      );
      continue;
    }
    const f = 440 * 2 ** ((e.note - 69) / 12);
    const length = Math.min(out.length - start, Math.round(e.duration * rate));
    const level = e.channel === 0 ? 0.25 * gain : 0.06 * gain;
    const piano = options.pianoChords && e.channel !== 0;
    for (let i = 0; i < length; i++) {
      const t = i / rate;
      const release = Math.min(1, (length - i) / (0.02 * rate));
      const w = 2 * Math.PI * f * t;
      if (piano) {
        let sound = 0;
        for (let k = 1; k <= 6; k++) sound += (Math.exp(-t * k * 0.8) * Math.sin(k * w)) / k;
        out[start + i]! += level * Math.min(1, t / 0.005) * release * sound;
        continue;
      }
      const envelope = Math.min(1, t / 0.01) * (e.channel === 0 ? Math.exp(-t / 0.4) : release);
      out[start + i]! += level * envelope * (Math.sin(w) + 0.4 * Math.sin(2 * w) + 0.2 * Math.sin(3 * w));
    }
  }
  return out;
}
