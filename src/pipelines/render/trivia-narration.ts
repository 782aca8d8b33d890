import type { PlanContext } from '../../engine/types.js';
import { hasEspeak, removeSpeechDir, speak, speechDir } from './narration.js';
import type { AudioTrack } from './payloads.js';
import { sceneStarts } from './layout.js';
import type { RenderSpec, Scene } from './spec.js';
import { triviaTimeline, type Spoken } from './trivia.js';
import { voiceScriptWarning } from './voice-script.js';

/**
 * A trivia template's scenes and narration: each line spoken by espeak-ng (the scenes last as long
 * as their lines), or the scenes alone, with a warning, where espeak-ng is not installed.
 */
export async function trivia(
  spec: RenderSpec,
  ctx: PlanContext,
): Promise<{ scenes: Scene[]; tracks: AudioTrack[] }> {
  const quiz = spec.quiz!;
  const frame = { width: spec.width, height: spec.height };
  if (!(await hasEspeak())) {
    ctx.log.warn(
      { jobId: ctx.jobId },
      'espeak-ng is not installed: the trivia video is rendered without narration',
    );
    return { scenes: triviaTimeline(quiz, frame).scenes, tracks: [] };
  }
  const dir = await speechDir();
  try {
    const lines = triviaTimeline(quiz, frame).cues;
    const unread = voiceScriptWarning(
      lines.map((cue) => cue.line),
      quiz.voice,
    );
    if (unread) ctx.log.warn({ jobId: ctx.jobId }, unread);
    const spoken: Spoken[] = quiz.questions.map(() => ({}));
    const keys = new Map<string, { key: string; durationSec: number }>();
    for (const [i, cue] of lines.entries()) {
      const speech = await speak(cue.line, quiz.voice, quiz.speed, dir, `line-${i}`);
      const key = `${ctx.scratchPrefix}narration-${i}.wav`;
      await ctx.storage.put(key, speech.path, { move: true });
      keys.set(cue.line, { key, durationSec: speech.durationSec });
      const k = Math.floor(i / 2);
      if (i % 2 === 0) spoken[k]!.question = speech.durationSec;
      else spoken[k]!.reveal = speech.durationSec;
    }
    const { scenes, cues } = triviaTimeline(quiz, frame, spoken);
    const starts = sceneStarts(scenes, spec.fps);
    const tracks = cues.map((cue) => ({
      source: { key: keys.get(cue.line)!.key },
      start: starts[cue.scene]! + cue.offset,
      volume: 1,
      fadeIn: 0,
      fadeOut: 0,
      loop: false,
    }));
    return { scenes, tracks };
  } finally {
    await removeSpeechDir(dir);
  }
}
