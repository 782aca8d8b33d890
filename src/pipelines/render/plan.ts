import { FramefleetError, show } from '../../errors.js';
import type { PlanContext, TaskGraph } from '../../engine/types.js';
import { selectEncoder } from '../../media/encoders/select.js';
import { isStorageUrl } from '../../storage/media-io.js';
import { checkOutputTarget } from '../../storage/output-target.js';
import { checkOutputDir, withInput } from '../job-files.js';
import { issueMessage } from '../schema.js';
import { outputFormat } from '../transcode/spec.js';
import { missingGlyphs, resolveFont } from './fonts.js';
import { renderTasks, sceneFrames } from './layout.js';

export { sceneStarts } from './layout.js';
import { trivia } from './trivia-narration.js';
import { quizFieldOf } from './trivia.js';
import type { AudioTrack } from './payloads.js';
import { templateScenesSchema, type RenderSpec, type Scene } from './spec.js';
import { at, checkSpecFiles, specFiles } from './spec-files.js';

/** A track that starts at or past the timeline's end would be cut to nothing: silence, exit 0. */
function checkTrackStarts(spec: RenderSpec, scenes: readonly Scene[]): void {
  const { frames, overlaps } = sceneFrames(scenes, spec.fps);
  const endSec = frames.reduce((sum, f, i) => sum + f - overlaps[i]!, 0) / spec.fps;
  for (const kind of ['music', 'narration'] as const) {
    for (const [i, track] of (spec.audio?.[kind] ?? []).entries()) {
      if (track.start < endSec) continue;
      throw new FramefleetError(
        'INVALID_SPEC',
        `invalid render spec at audio.${kind}.${i}.start: ${track.start} s is not before the timeline's end at ${endSec.toFixed(2)} s, so nothing of it would be heard`,
      );
    }
  }
}

/**
 * Checks everything the schema cannot (files exist inside the roots and are media, fonts are
 * installed), speaks a template's narration, chooses one encoder and builds the task graph. Nothing
 * runs before all of it holds.
 */
export async function planRender(spec: RenderSpec, ctx: PlanContext): Promise<TaskGraph> {
  const format = outputFormat(spec.output)!;
  const early = specFiles(spec, spec.scenes ?? []);
  // Never written over a file the spec reads (an image, a background video, the music).
  const inputs = early.map((f) => f.path);
  await checkOutputTarget(spec.output, inputs, { overwrite: spec.overwrite, storage: ctx.storage });
  if (!isStorageUrl(spec.output)) await checkOutputDir(spec.output, ctx);
  const pixelAspects = await checkSpecFiles(spec, ctx, early);
  const { scenes, tracks } = spec.template === 'trivia' ? await trivia(spec, ctx) : timeline(spec);
  checkTrackStarts(spec, scenes);
  // One warning per place and font: a template's dozens of texts share one `quiz.font`.
  const unseen = new Map<string, { where: string; font: string; chars: Set<string> }>();
  for (const [i, s] of scenes.entries()) {
    for (const [j, l] of s.layers.entries()) {
      if (l.type !== 'text') continue;
      const field = l.fontFile ? 'fontFile' : 'font';
      const where = spec.template ? `quiz.${field}` : `scenes.${i}.layers.${j}.${field}`;
      const file =
        l.fontFile ??
        (await resolveFont(l.font).catch((e: unknown) => {
          throw at(where, e);
        }));
      const font = l.fontFile ?? l.font;
      const entry = unseen.get(`${where}\0${font}`) ?? { where, font, chars: new Set<string>() };
      // A font file of the spec's is read where it is held open, as every use of it is.
      const glyphs = (path: string) => missingGlyphs(path, l.text);
      for (const ch of await (l.fontFile ? withInput(l.fontFile, ctx, glyphs) : glyphs(file)))
        entry.chars.add(ch);
      unseen.set(`${where}\0${font}`, entry);
    }
  }
  for (const { where, font, chars } of unseen.values()) {
    if (chars.size === 0) continue;
    const missing = [...chars];
    const more = missing.length > 12 ? ` and ${missing.length - 12} more` : '';
    ctx.log.warn(
      { jobId: ctx.jobId },
      `${where}: font ${show(font)} has no glyph for ${show(missing.slice(0, 12).join(''))}${more}, drawn as empty boxes; ${where.endsWith('fontFile') ? 'choose a font file that has them' : `choose a family that has them (fc-list :charset=${missing[0]!.codePointAt(0)!.toString(16)} family)`}`,
    );
  }
  // A template's scenes pass the same checks as written ones (text inside the frame, crossfades).
  const checked = templateScenesSchema.safeParse({
    ...spec,
    template: undefined,
    quiz: undefined,
    scenes,
    audio: undefined,
  });
  if (!checked.success) {
    const issue = checked.error.issues[0]!;
    const made = issue.path.join('.');
    // A text the user wrote (a question, an answer) is named by its field in the quiz.
    const [, i, , j] = issue.path as [unknown, number, unknown, number];
    const layer = issue.path[0] === 'scenes' && issue.path[2] === 'layers' ? scenes[i]?.layers[j] : undefined;
    const field = layer?.type === 'text' && spec.quiz ? quizFieldOf(spec.quiz, layer.text) : undefined;
    throw new FramefleetError(
      'INVALID_SPEC',
      field
        ? `invalid render spec at ${field}: ${issueMessage(issue)} (in the template's ${made})`
        : `invalid render spec: the template makes ${made}: ${issueMessage(issue)}`,
    );
  }
  const choice = selectEncoder(
    { encoder: spec.encoder, codec: spec.codec, hwaccel: spec.hwaccel },
    ctx.capabilities.encoders,
  );
  ctx.log.info({ jobId: ctx.jobId, encoder: choice.encoder.name }, choice.reason);
  const { tasks } = renderTasks({
    scenes: checked.data.scenes!,
    frame: { width: spec.width, height: spec.height, fps: spec.fps },
    encoder: choice.encoder.name,
    device: choice.encoder.device,
    settings: {
      quality: spec.quality,
      preset: spec.preset,
      gopFrames: Math.max(1, Math.round(spec.gopSeconds * spec.fps)),
    },
    tracks,
    output: spec.output,
    inputs,
    overwrite: spec.overwrite,
    faststart: spec.faststart,
    format,
    scratchPrefix: ctx.scratchPrefix,
    pixelAspects,
  });
  return { tasks, rootTaskId: 'stitch' };
}

function timeline(spec: RenderSpec): { scenes: Scene[]; tracks: AudioTrack[] } {
  const tracks: AudioTrack[] = [
    ...(spec.audio?.music ?? []).map((m) => ({
      source: { path: m.path },
      start: m.start,
      volume: m.volume,
      fadeIn: m.fadeIn,
      fadeOut: m.fadeOut,
      loop: m.loop,
    })),
    ...(spec.audio?.narration ?? []).map((n) => ({
      source: { path: n.path },
      start: n.start,
      volume: n.volume,
      fadeIn: 0,
      fadeOut: 0,
      loop: false,
    })),
  ];
  return { scenes: spec.scenes!, tracks };
}
