import pLimit from 'p-limit';
import type { PlanContext, TaskGraph, TaskSpec } from '../../engine/types.js';
import { FramefleetError, show } from '../../errors.js';
import { firstTrackOnly } from '../../media/track-name.js';
import { selectEncoder } from '../../media/encoders/select.js';
import { probe } from '../../media/probe.js';
import { refuseJoins } from '../../media/frame-sizes.js';
import { scanJoins } from '../../media/packet-scan.js';
import { runFfmpeg } from '../../media/run.js';
import { isStorageUrl } from '../../storage/media-io.js';
import { checkOutputTarget } from '../../storage/output-target.js';
import { checkOutputDir, withInput } from '../job-files.js';
import { outputFormat } from '../transcode/spec.js';
import { hasFilters, readCubeLut } from './cube-lut.js';
import { cacheKey } from './analysis-cache.js';
import { MIN_ENTRY_SEC } from './edl.js';
import type { ClipPayload, EditPayload, MontageLayout, MusicPayload } from './payloads.js';
import { frameSize, storyboardPath, type MontageSpec } from './spec.js';

/**
 * Checks everything that can be known before analysis (outputs, the music's length by its header,
 * which the edit holds to its decoded audio, the LUT, vidstab), chooses the job's one encoder, and plans one analysis task per clip, one for the music
 * and the edit, which adds the renders and the stitch once it has computed the edit list.
 */
export async function planMontage(spec: MontageSpec, ctx: PlanContext): Promise<TaskGraph> {
  const layout = await montageLayout(spec, ctx);
  const tasks: TaskSpec[] = spec.clips.map((path, index) => ({
    id: `clip-${index}`,
    kind: 'montage.clip',
    payload: { index, path } satisfies ClipPayload,
    requires: { device: 'cpu' },
    dependsOn: [],
    weight: 10,
  }));
  tasks.push({
    id: 'music',
    kind: 'montage.music',
    payload: { path: spec.music } satisfies MusicPayload,
    requires: { device: 'cpu' },
    dependsOn: [],
    weight: 5,
    // The one task every edit waits for, whatever the number of clips: start it first.
    priority: 1,
  });
  tasks.push({
    id: 'edit',
    kind: 'montage.edit',
    payload: { layout } satisfies EditPayload,
    requires: { device: 'cpu' },
    dependsOn: tasks.map((t) => t.id),
    weight: 1,
  });
  return { tasks, rootTaskId: 'edit' };
}

/** Header probes of the music and clips at once: each is one short ffprobe. */
const PROBES_AT_ONCE = 4;

async function montageLayout(spec: MontageSpec, ctx: PlanContext): Promise<MontageLayout> {
  const format = outputFormat(spec.output)!;
  const inputs = [...spec.clips, spec.music, ...(spec.lut ? [spec.lut] : [])];
  const storyboard = storyboardPath(spec.output);
  for (const output of [spec.output, spec.edl, spec.otio, storyboard]) {
    if (output === undefined) continue;
    await checkOutputTarget(output, inputs, { overwrite: spec.overwrite, storage: ctx.storage });
    if (!isStorageUrl(output)) await checkOutputDir(output, ctx);
  }
  // The music and every clip are probed a few at a time (they were one after another: half a
  // second of a short montage's start on eight clips), each checked in order below.
  // A clip whose analysis is cached (the same path, size and mtime) was read as video before: its
  // probe is skipped (its renders still open it inside the roots, at use).
  const limit = pLimit(PROBES_AT_ONCE);
  const header = (path: string) =>
    withInput(path, ctx, (local) => probe(local, { signal: ctx.signal, headerOnly: true }));
  // A clip that changes size mid-stream is refused: its cuts are laid into one graph of one size.
  // Its header's length (undefined for a cached clip, or where the header does not say), or false
  // for a file with no video.
  const clipLength = async (clip: string): Promise<number | undefined | false> =>
    (await analysed(clip, ctx))
      ? undefined
      : withInput(clip, ctx, async (local) => {
          const info = await probe(local, { signal: ctx.signal, headerOnly: true });
          refuseJoins(clip, await scanJoins(local, info.formatName, info.video, ctx.signal), 'clip');
          if (!info.video) return false;
          const seconds = streamSeconds(info.video, info);
          return seconds > 0 ? seconds : undefined;
        });
  // Settled all before the first problem is reported: none is left running behind the error.
  const [musicProbe, ...clipChecks] = await Promise.allSettled([
    limit(() => header(spec.music)),
    ...spec.clips.map((clip) => limit(() => clipLength(clip))),
  ]);
  const music = settledValue(musicProbe);
  if (!music.audio)
    throw new FramefleetError('NO_AUDIO_STREAM', `music ${show(spec.music)} has no audio stream`);
  const tracks = firstTrackOnly(`music ${show(spec.music)}`, music.audioTracks, 'the montage cuts to');
  if (tracks) ctx.log.warn({ jobId: ctx.jobId }, tracks);
  const musicSec = streamSeconds(music.audio, music);
  const durationSec = spec.duration ?? Math.floor(musicSec * spec.fps) / spec.fps;
  if (musicSec + 1e-3 < durationSec) {
    throw new FramefleetError(
      'MUSIC_TOO_SHORT',
      `music ${show(spec.music)} is ${musicSec.toFixed(3)} s long, shorter than the requested duration of ${durationSec} s`,
    );
  }
  const lengths = spec.clips.map((clip, i) => {
    const length = settledValue(clipChecks[i]!);
    if (length === false)
      throw new FramefleetError('NO_VIDEO_STREAM', `clip ${show(clip)} has no video stream`);
    return length;
  });
  refuseShortClips(spec.clips, lengths);
  if (spec.lut) {
    const lut = spec.lut;
    await withInput(lut, ctx, (local) => readCubeLut(local, lut, ctx.signal));
  }
  if (spec.stabilize) await requireVidstab(ctx.signal);
  const choice = selectEncoder(
    { encoder: spec.encoder, codec: spec.codec, hwaccel: spec.hwaccel },
    ctx.capabilities.encoders,
  );
  ctx.log.info({ jobId: ctx.jobId, encoder: choice.encoder.name }, choice.reason);
  const { width, height } = frameSize(spec.aspect, spec.height);
  return {
    clips: spec.clips,
    music: spec.music,
    output: spec.output,
    overwrite: spec.overwrite,
    format,
    fps: spec.fps,
    totalFrames: Math.round(durationSec * spec.fps),
    requestedSec: spec.duration,
    width,
    height,
    seed: spec.seed,
    lut: spec.lut,
    stabilize: spec.stabilize,
    encoder: choice.encoder.name,
    settings: { quality: spec.quality, preset: spec.preset, gopFrames: 2 * spec.fps },
    audioBitrateKbps: spec.audioBitrateKbps,
    edl: spec.edl,
    otio: spec.otio,
    storyboard,
    prefix: ctx.scratchPrefix,
  };
}

/**
 * Refuses, before any analysis, clips that are all shorter than the shortest cut: none could hold
 * a shot (the edit would say so only after every clip was decoded). A clip whose header gives no
 * length (or whose analysis is cached) could be long: then the edit decides.
 */
function refuseShortClips(clips: readonly string[], lengths: readonly (number | undefined)[]): void {
  if (lengths.some((s) => s === undefined || s >= MIN_ENTRY_SEC - HEADER_SLACK_SEC)) return;
  const longest = Math.max(...(lengths as number[]));
  const where = clips.length === 1 ? `clip ${show(clips[0])} is` : `all ${clips.length} clips are`;
  throw new FramefleetError(
    'NO_USABLE_SHOT',
    `no usable shot: ${where} shorter than the shortest cut of ${MIN_ENTRY_SEC} s (the longest is ${longest.toFixed(3)} s)`,
  );
}

/**
 * How much shorter than the shortest cut a header may say a clip is and still be left to the edit:
 * a header's length and the frames' (frames / fps) differ by rounding.
 */
const HEADER_SLACK_SEC = 0.02;

/** A stream's length by its header, else the file's (0 where neither says). */
function streamSeconds(stream: { durationSec: number }, file: { durationSec: number }): number {
  return stream.durationSec > 0 ? stream.durationSec : file.durationSec;
}

/** Refuses `stabilize` on an ffmpeg built without libvidstab, naming the binary. */
export async function requireVidstab(signal?: AbortSignal): Promise<void> {
  const { stdout } = await runFfmpeg(['-filters'], { signal, label: 'list ffmpeg filters' });
  if (!hasFilters(stdout.toString('utf8'), ['vidstabdetect', 'vidstabtransform'])) {
    throw new FramefleetError(
      'FILTER_UNAVAILABLE',
      `--stabilize needs ffmpeg's vidstab filters (vidstabdetect, vidstabtransform); the ffmpeg at ${show(process.env.FFMPEG_PATH || 'ffmpeg')} was built without libvidstab`,
    );
  }
}

/** A settled promise's value, or its error thrown. */
function settledValue<T>(result: PromiseSettledResult<T>): T {
  if (result.status === 'rejected') throw result.reason;
  return result.value;
}

/** Whether `clip` has a cached analysis (it was read as a video with the same identity before). */
async function analysed(clip: string, ctx: PlanContext): Promise<boolean> {
  const key = await cacheKey('clip', clip, ctx).catch(() => undefined);
  return key !== undefined && (await ctx.storage.stat(key).catch(() => undefined)) !== undefined;
}
