import { FramefleetError, show } from '../../errors.js';
import type { PlanContext } from '../../engine/types.js';
import { pixelAspect } from '../../media/cover.js';
import { rotationOf, statInput } from '../../media/probe.js';
import type { RawStream } from '../../media/probe-header.js';
import { parseRational, type Rational } from '../../media/rational.js';
import { MAX_PICTURE_TEXT, runFfprobe } from '../../media/run.js';
import { withInput } from '../job-files.js';
import { checkFontFile } from './fonts.js';
import { IMAGE_FORMATS, STILL_INPUT } from './scene-inputs.js';
import type { RenderSpec, Scene } from './spec.js';

// The files a render spec names, checked once when the job is planned.

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

/** The paths of every file a spec names (its template's own scenes not counted). */
export function specPaths(spec: RenderSpec): string[] {
  return specFiles(spec, spec.scenes ?? []).map((f) => f.path);
}

/** What a spec's file must give: a picture (image, background video, logo), sound, or a font. */
function fileKind(where: string): 'video' | 'audio' | 'font' {
  if (where.endsWith('fontFile')) return 'font';
  return where.startsWith('audio.') ? 'audio' : 'video';
}

/** What the plan learns of a spec's file as it checks it. */
export interface FileFacts {
  /** The stream's (or else the file's) duration in seconds, where the header gives one. */
  durationSec?: number | undefined;
  /** A video of non-square pixels: its pixelAspect (media/cover.ts). */
  pixelAspect?: Rational | undefined;
}

/** The part of ffprobe's answer checkFile reads. */
interface CheckedProbe {
  frames?: unknown[];
  streams?: Pick<RawStream, 'duration' | 'sample_aspect_ratio' | 'side_data_list' | 'tags'>[];
  format?: { duration?: string; format_name?: string };
}

/**
 * A file exists, is not empty, and (unless a font) ffmpeg decodes a frame of the kind it is used
 * for. A few packets of that stream are read: the first AAC packet (encoder priming) decodes to
 * no sound, and a file named .png that is not one has no frames. The same read gives its duration
 * and a video's pixel shape.
 */
async function checkFile(
  local: string,
  given: string,
  kind: 'video' | 'audio' | 'font',
  signal: AbortSignal,
): Promise<FileFacts> {
  await statInput(local);
  if (kind === 'font') return checkFontFile(local, given).then(() => ({}));
  const entries =
    'frame=media_type:stream=duration,sample_aspect_ratio:stream_side_data=rotation:stream_tags=rotate';
  const read = [
    ...['-select_streams', kind === 'video' ? 'v:0' : 'a:0', '-read_intervals', '%+#8'],
    ...['-show_entries', `${entries}:format=duration,format_name`, '-of', 'json', local],
  ];
  const out = await runFfprobe(['-v', 'error', ...STILL_INPUT, ...read], { signal }).catch(() => undefined);
  const info: CheckedProbe = out ? (JSON.parse(out.stdout.toString()) as CheckedProbe) : {};
  // Over -max_pixels, or too big for ffmpeg at all (30000x30000: "Picture size ... is invalid").
  if (out && /max pixel count|Picture size \d+x\d+ is invalid/.test(out.stderrTail))
    throw new FramefleetError('UNSUPPORTED_MEDIA', `${show(given)} has pictures over ${MAX_PICTURE_TEXT}`);
  if ((info.frames ?? []).length === 0) {
    const what = kind === 'video' ? 'an image or video' : 'an audio or video file with sound';
    throw new FramefleetError('INPUT_NOT_MEDIA', `${show(given)} is not ${what} ffmpeg can read`);
  }
  const stream = info.streams?.[0];
  const duration = Number(stream?.duration ?? info.format?.duration);
  return {
    durationSec: Number.isFinite(duration) && duration > 0 ? duration : undefined,
    pixelAspect: kind === 'video' && stream ? videoPixelAspect(stream, info.format?.format_name) : undefined,
  };
}

/**
 * A video's pixelAspect from its stream. A still's is not used: a PNG's pHYs or a JPEG's density
 * gives one, which browsers and image viewers ignore (and so did framefleet). Pure.
 */
export function videoPixelAspect(
  stream: Pick<RawStream, 'sample_aspect_ratio' | 'side_data_list' | 'tags'>,
  formatName: string | undefined,
): Rational | undefined {
  if (!formatName || IMAGE_FORMATS.includes(formatName)) return undefined;
  const sar = parseRational(stream.sample_aspect_ratio?.replace(':', '/'));
  return sar && pixelAspect(sar, rotationOf(stream));
}

/**
 * Checks every file a spec names (each error names its JSON path, a short background video is
 * warned of) and returns the pixelAspect of each one that is a video of non-square pixels.
 */
export async function checkSpecFiles(
  spec: RenderSpec,
  ctx: PlanContext,
  files: readonly { path: string; where: string }[],
): Promise<{ path: string; aspect: Rational }[]> {
  const aspects: { path: string; aspect: Rational }[] = [];
  // A file named many times (one recorded line under hundreds of narration cues) is read once.
  const checked = new Map<string, FileFacts>();
  for (const f of files) {
    const kind = fileKind(f.where);
    const facts =
      checked.get(`${kind}:${f.path}`) ??
      (await withInput(f.path, ctx, (local) => checkFile(local, f.path, kind, ctx.signal)).catch(
        (e: unknown) => {
          throw at(f.where, e);
        },
      ));
    checked.set(`${kind}:${f.path}`, facts);
    const bg = /^scenes\.(\d+)\.background\.video$/.exec(f.where);
    const warn = (message: string) => ctx.log.warn({ jobId: ctx.jobId }, message);
    if (bg) checkInPoint(spec.scenes![Number(bg[1])]!, f.where, facts.durationSec, warn);
    if (facts.pixelAspect && !aspects.some((a) => a.path === f.path))
      aspects.push({ path: f.path, aspect: facts.pixelAspect });
  }
  return aspects;
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

/** A problem with a file or font, as an invalid spec naming the JSON path. */
export function at(where: string, error: unknown): FramefleetError {
  if (!(error instanceof FramefleetError))
    return new FramefleetError('INVALID_SPEC', `invalid render spec at ${where}: ${String(error)}`);
  error.message = `invalid render spec at ${where}: ${error.message}`;
  return error;
}
