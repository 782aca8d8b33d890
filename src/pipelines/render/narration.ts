import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { VOICE_NAME } from './quiz-spec.js';
import { runHelper } from './tool.js';
import { FramefleetError, show } from '../../errors.js';
import { probe } from '../../media/probe.js';
import { wavDuration } from '../../media/wav-pcm.js';

export interface Speech {
  /** Local WAV file. */
  path: string;
  durationSec: number;
}

/** Whether espeak-ng can be run here (narration is then spoken; otherwise the video is silent). */
export async function hasEspeak(): Promise<boolean> {
  return (await runHelper('espeak-ng', ['--version'], 10_000)) !== undefined;
}

/** A scratch folder for spoken lines; the caller removes it. */
export function speechDir(): Promise<string> {
  return mkdtemp(join(tmpdir(), 'framefleet-speech-'));
}

export async function removeSpeechDir(dir: string): Promise<void> {
  await rm(dir, { recursive: true, force: true });
}

/** Speaks `text` with espeak-ng into a WAV in `dir` (read from a file: no text is taken for an option). */
export async function speak(
  text: string,
  voice: string,
  wpm: number,
  dir: string,
  name: string,
): Promise<Speech> {
  // Checked where it is used too: espeak-ng would open a voice with `/` as a file (see VOICE_NAME).
  if (!VOICE_NAME.test(voice)) {
    throw new FramefleetError(
      'INVALID_SPEC',
      `invalid render spec at quiz.voice: ${show(voice)} is not an espeak-ng voice name`,
    );
  }
  const textFile = join(dir, `${name}.txt`);
  const wav = join(dir, `${name}.wav`);
  await writeFile(textFile, text);
  const out = await runHelper(
    'espeak-ng',
    ['-v', voice, '-s', String(wpm), '-w', wav, '-f', textFile],
    60_000,
  );
  // Read from the WAV header in-process; ffprobe only for a file that is not a plain WAV.
  const durationSec =
    out === undefined
      ? undefined
      : ((await wavDuration(wav).catch(() => undefined)) ??
        (await probe(wav, { headerOnly: true }).catch(() => undefined))?.durationSec);
  if (!durationSec || durationSec <= 0) {
    throw new FramefleetError(
      'INVALID_SPEC',
      `invalid render spec at quiz.voice: espeak-ng could not speak with voice ${show(voice)}`,
    );
  }
  return { path: wav, durationSec };
}
