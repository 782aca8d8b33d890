import { FramefleetError, show } from '../../errors.js';
import type { PlanContext, TaskGraph } from '../../engine/types.js';
import { selectEncoder } from '../../media/encoders/select.js';
import { statInput } from '../../media/probe.js';
import { MAX_PICTURE_TEXT, runFfprobe } from '../../media/run.js';
import { STILL_INPUT } from './scene-inputs.js';
import { isStorageUrl } from '../../storage/media-io.js';
import { checkOutputTarget } from '../../storage/output-target.js';
import { checkOutputDir, withInput } from '../job-files.js';
import { issueMessage } from '../schema.js';
import { outputFormat } from '../transcode/spec.js';
import { checkFontFile, missingGlyphs, resolveFont } from './fonts.js';
import { renderTasks, sceneFrames } from './layout.js';

export { sceneStarts } from './layout.js';
import { trivia } from './trivia-narration.js';
import type { AudioTrack } from './payloads.js';
import { templateScenesSchema, type RenderSpec, type Scene } from './spec.js';

/** Every file a spec names, with its JSON path. */
export function specFiles(spec: RenderSpec, scenes: readonly Scene[]): { path: string; where: string }[] {
  const files: { path: string; where: string }[] = [];
  for (const [i, s] of scenes.entries()) {
    if (s.background.image) files.push({ path: s.background.image, where: `scenes.${i}.background.image` });
    if (s.background.video) files.push({ path: s.background.video, where: `scenes.${i}.background.video` });
    for (const [j, l] of s.layers.entries()) {
      if (l.type === 'image') files.push({ path: l.path, where: `scenes.${i}.layers.${j}.path` });
      if (l.type === 'text' && l.fontFile)
        files.push({ path: l.fontFile, where: `scenes.${i}.layers.${j}.fontFile` });
    }
  }
  for (const [i, m] of (spec.audio?.music ?? []).entries())
    files.push({ path: m.path, where: `audio.music.${i}.path` });
  for (const [i, m] of (spec.audio?.narration ?? []).entries())
    files.push({ path: m.path, where: `audio.narration.${i}.path` });
  if (spec.quiz?.logo) files.push({ path: spec.quiz.logo, where: 'quiz.logo' });
  return files;
}

/** What a spec's file must give: a picture (image, background video, logo), sound, or a font. */
function fileKind(where: string): 'video' | 'audio' | 'font' {
  if (where.endsWith('fontFile')) return 'font';
  return where.startsWith('audio.') ? 'audio' : 'video';
}

/**
 * A file exists, is not empty, and (unless a font) ffmpeg decodes a frame of the kind it is used
 * for. A few packets of that stream are read: the first AAC packet (encoder priming) decodes to
 * no sound, and a file named .png that is not one has no frames. Returns the stream's (or else the
 * file's) duration in seconds when the header gives one.
 */
async function checkFile(
  local: string,
  given: string,
  kind: 'video' | 'audio' | 'font',
  signal: AbortSignal,
): Promise<number | undefined> {
  await statInput(local);
  if (kind === 'font') return checkFontFile(local, given).then(() => undefined);
  const read = [
    ...['-select_streams', kind === 'video' ? 'v:0' : 'a:0', '-read_intervals', '%+#8'],
    ...['-show_entries', 'frame=media_type:stream=duration:format=duration', '-of', 'json', local],
  ];
  const out = await runFfprobe(['-v', 'error', ...STILL_INPUT, ...read], { signal }).catch(() => undefined);
  const info = out
    ? (JSON.parse(out.stdout.toString()) as {
        frames?: unknown[];
        streams?: { duration?: string }[];
        format?: { duration?: string };
      })
    : {};
  if (out?.stderrTail.includes('max pixel count'))
    throw new FramefleetError('UNSUPPORTED_MEDIA', `${show(given)} has pictures over ${MAX_PICTURE_TEXT}`);
  if ((info.frames ?? []).length === 0) {
    const what = kind === 'video' ? 'an image or video' : 'an audio or video file with sound';
    throw new FramefleetError('INPUT_NOT_MEDIA', `${show(given)} is not ${what} ffmpeg can read`);
  }
  const duration = Number(info.streams?.[0]?.duration ?? info.format?.duration);
  return Number.isFinite(duration) && duration > 0 ? duration : undefined;
}

/**
 * A background video's in-point must fall inside the clip (past its end the scene is black); a
 * clip that ends before its scene does holds its last frame, which is said.
 */
function checkInPoint(
  scene: Scene,
  where: string,
  durationSec: number | undefined,
  warn: (message: string) => void,
): void {
  const start = scene.background.in;
  if (durationSec === undefined) return;
  if (start > 0 && start >= durationSec) {
    throw new FramefleetError(
      'INVALID_SPEC',
      `invalid render spec at ${where.replace(/video$/, 'in')}: in ${start} s is past the end of ` +
        `${show(scene.background.video!)}, which lasts ${durationSec.toFixed(2)} s`,
    );
  }
  const short = start + scene.duration - durationSec;
  if (short > 0.05) {
    warn(
      `${where}: ${show(scene.background.video!)} lasts ${durationSec.toFixed(2)} s, ${short.toFixed(2)} s short of ` +
        `the scene (in ${start} s + ${scene.duration} s): its last frame holds for the rest`,
    );
  }
}

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

/** A problem with a file or font, as an invalid spec naming the JSON path. */
function at(where: string, error: unknown): FramefleetError {
  if (!(error instanceof FramefleetError))
    return new FramefleetError('INVALID_SPEC', `invalid render spec at ${where}: ${String(error)}`);
  error.message = `invalid render spec at ${where}: ${error.message}`;
  return error;
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
  for (const f of early) {
    const durationSec = await withInput(f.path, ctx, (local) =>
      checkFile(local, f.path, fileKind(f.where), ctx.signal),
    ).catch((e: unknown) => {
      throw at(f.where, e);
    });
    const bg = /^scenes\.(\d+)\.background\.video$/.exec(f.where);
    const warn = (message: string) => ctx.log.warn({ jobId: ctx.jobId }, message);
    if (bg) checkInPoint(spec.scenes![Number(bg[1])]!, f.where, durationSec, warn);
  }
  const { scenes, tracks } = spec.template === 'trivia' ? await trivia(spec, ctx) : timeline(spec);
  checkTrackStarts(spec, scenes);
  // One warning per place and font: a template's dozens of texts share one `quiz.font`.
  const unseen = new Map<string, { where: string; font: string; chars: Set<string> }>();
  for (const [i, s] of scenes.entries()) {
    for (const [j, l] of s.layers.entries()) {
      if (l.type !== 'text') continue;
      const where = spec.template ? 'quiz.font' : `scenes.${i}.layers.${j}.font`;
      const file =
        l.fontFile ??
        (await resolveFont(l.font).catch((e: unknown) => {
          throw at(where, e);
        }));
      const font = l.fontFile ?? l.font;
      const entry = unseen.get(`${where}\0${font}`) ?? { where, font, chars: new Set<string>() };
      for (const ch of await missingGlyphs(file, l.text)) entry.chars.add(ch);
      unseen.set(`${where}\0${font}`, entry);
    }
  }
  for (const { where, font, chars } of unseen.values()) {
    if (chars.size === 0) continue;
    const missing = [...chars];
    const more = missing.length > 12 ? ` and ${missing.length - 12} more` : '';
    ctx.log.warn(
      { jobId: ctx.jobId },
      `${where}: font ${show(font)} has no glyph for ${show(missing.slice(0, 12).join(''))}${more}, drawn as empty boxes; choose a family that has them (fc-list :charset=${missing[0]!.codePointAt(0)!.toString(16)} family)`,
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
    throw new FramefleetError(
      'INVALID_SPEC',
      `invalid render spec: the template makes ${issue.path.join('.')}: ${issueMessage(issue)}`,
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
