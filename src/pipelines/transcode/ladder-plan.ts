import { stat } from 'node:fs/promises';
import { FramefleetError, show } from '../../errors.js';
import type { PlanContext, Requirements, TaskGraph, TaskSpec } from '../../engine/types.js';
import { encoderByName, tooSmallFor } from '../../media/encoders/catalogue.js';
import { seekFrom, seekIndexOf } from '../../media/keyframe-seek.js';
import { firstDecoded } from '../../media/range-input.js';
import { selectEncoder } from '../../media/encoders/select.js';
import { uprightSize } from '../../media/cover.js';
import { probe } from '../../media/probe.js';
import { rationalValue, type Rational } from '../../media/rational.js';
import { countCfrFrames, timelineStartSec } from '../../media/vfr.js';
import { isStorageUrl } from '../../storage/media-io.js';
import { checkOutputTarget } from '../../storage/output-target.js';
import { checkOutputDir, withInput } from '../job-files.js';
import type {
  ChunkPayload,
  LadderAudioPayload,
  PackagePayload,
  PublishPayload,
  Rung,
} from './ladder-payloads.js';
import { noAudioWarning } from './plan-audio.js';
import { planDeinterlace } from './plan-deinterlace.js';
import { planFitSize } from './plan-fit-size.js';
import { audioPastVideoWarning, unkeptWarning } from './plan-warnings.js';
import { refuseForeignFolders } from './ladder-folders.js';
import { manifestPaths, renditionDir } from './ladder-publish.js';
import { defaultBitrateKbps, LADDER_SEGMENT_SECONDS, packagesOf, type RungSpec } from './ladder-spec.js';
import { cutMidGop, defaultSegmentSeconds, preRollOf, timelineRate } from './plan.js';
import type { TranscodeSpec } from './spec.js';

/** Rungs resolved against the source: highest first, width from the display aspect, even. Pure. */
export function resolveRungs(
  ladder: readonly RungSpec[],
  source: { width: number; height: number },
  codec: string,
): Rung[] {
  return [...ladder]
    .sort((a, b) => b.height - a.height)
    .map((r) => {
      if (r.height > source.height) {
        throw new FramefleetError(
          'INVALID_ARGUMENT',
          `ladder rung ${r.height} is above the source's height ${source.height} (${source.width}x${source.height}); no rung is upscaled`,
        );
      }
      const width = Math.max(2, Math.round((r.height * source.width) / source.height / 2) * 2);
      return {
        name: `${r.height}p`,
        width: r.height === source.height ? source.width - (source.width % 2) : width,
        height: r.height,
        bitrateKbps: r.bitrateKbps ?? defaultBitrateKbps(r.height, codec),
      };
    });
}

const squarePixels = (v: { sampleAspect: Rational }) => v.sampleAspect.num === v.sampleAspect.den;

/**
 * The size a player shows: the coded width stretched by the sample aspect (a 480x360 SAR 4:3 source
 * is 640x360 on screen), then rotated. Rungs are sized from it, with square pixels. Pure.
 */
export function displaySize(v: { width: number; height: number; rotation: number; sampleAspect: Rational }): {
  width: number;
  height: number;
} {
  return uprightSize({ ...v, width: Math.round((v.width * v.sampleAspect.num) / v.sampleAspect.den) });
}

/** Chunks of whole segments: [start, end) frame ranges, the last one short. Pure. */
export function chunkRanges(
  frames: number,
  segmentFrames: number,
  segmentsPerChunk: number,
): [number, number][] {
  const step = segmentFrames * segmentsPerChunk;
  const out: [number, number][] = [];
  for (let s = 0; s < frames; s += step) out.push([s, Math.min(frames, s + step)]);
  return out;
}

/**
 * A ladder transcode: chunk encodes (all independent; each decodes its frames once and encodes
 * every rung), one packaging task per rung, the audio once, and a publish task that verifies everything together and writes the manifests.
 * Everything that can be refused is refused here, before any task runs.
 */
export async function planLadder(spec: TranscodeSpec, ctx: PlanContext): Promise<TaskGraph> {
  if (!spec.ladder) throw new FramefleetError('INTERNAL', 'planLadder without a ladder');
  if (isStorageUrl(spec.output)) {
    throw new FramefleetError(
      'INVALID_ARGUMENT',
      `a ladder is written to a folder; ${show(spec.output)} is an object URL`,
    );
  }
  const packages = packagesOf(spec.output, spec.packages);
  const manifests = manifestPaths(spec.output, packages);
  for (const m of Object.values(manifests)) {
    const inputs = [spec.input, ...(spec.hlsKey ? [spec.hlsKey] : [])];
    await checkOutputTarget(m, inputs, { overwrite: spec.overwrite, storage: ctx.storage });
  }
  await checkOutputDir(spec.output, ctx);
  const hlsKey = spec.hlsKey && spec.hlsKeyUri ? { file: spec.hlsKey, uri: spec.hlsKeyUri } : undefined;
  if (hlsKey) {
    const size = await withInput(hlsKey.file, ctx, async (path) => (await stat(path)).size);
    if (size !== 16) {
      throw new FramefleetError(
        'INVALID_ARGUMENT',
        `HLS key file ${show(hlsKey.file)} has ${size} bytes; AES-128 needs 16`,
      );
    }
  }
  return withInput(spec.input, ctx, async (local) => {
    const source = await probe(local, { signal: ctx.signal });
    const video = source.video;
    if (!video) throw new FramefleetError('NO_VIDEO_STREAM', `input ${show(spec.input)} has no video stream`);
    if (video.frameCount === 0)
      throw new FramefleetError('EMPTY_VIDEO', `input ${show(spec.input)} has no video frames`);
    const display = displaySize(video);
    const choice = selectEncoder(
      { encoder: spec.encoder, codec: spec.codec, hwaccel: spec.hwaccel },
      ctx.capabilities.encoders,
    );
    const rungs = resolveRungs(spec.ladder!, display, choice.encoder.codec);
    for (const rung of rungs) {
      const min = tooSmallFor(choice.encoder.name, rung);
      if (min !== undefined)
        throw new FramefleetError(
          'UNSUPPORTED_MEDIA',
          `ladder rung ${rung.name} is ${rung.width}x${rung.height}, and ${choice.encoder.name} encodes nothing smaller than ${min}x${min}: leave it out or use --codec h264`,
        );
    }
    ctx.log.info({ jobId: ctx.jobId, encoder: choice.encoder.name }, choice.reason);
    const deinterlace = planDeinterlace(spec.input, spec.deinterlace ?? 'auto', video, ctx);
    // Every folder the ladder writes, refused before any work if it is not the ladder's to fill.
    const withAudio = spec.audio !== 'none' && source.audio !== undefined;
    const folders = [...rungs.map((r) => r.name), ...(withAudio ? ['audio'] : [])];
    const named = folders.map((n) => ({ name: renditionDir(spec.output, n) }));
    await refuseForeignFolders(spec.output, named, ctx, spec.overwrite);
    const rate = timelineRate(source);
    const fit = planFitSize(source, ctx);
    const frames = video.variableFrameRate
      ? await countCfrFrames(local, rate, ctx.signal, undefined, fit.fitSize)
      : video.frameCount;
    const fps = rationalValue(rate);
    const segmentSeconds = spec.segmentSeconds ?? LADDER_SEGMENT_SECONDS;
    const segmentFrames = Math.max(1, Math.round(segmentSeconds * fps));
    const chunkSec = defaultSegmentSeconds(frames / fps, ctx.capabilities.slots);
    const perChunk = Math.max(1, Math.round(chunkSec / (segmentFrames / fps)));
    const ranges = chunkRanges(frames, segmentFrames, perChunk);
    const encoder = encoderByName(choice.encoder.name)!;
    const requires: Requirements = {
      device: choice.encoder.device,
      features: [`enc:${choice.encoder.name}`],
      maxPixels: video.width * video.height,
    };
    const tasks: TaskSpec[] = [];
    const renditions: PublishPayload['renditions'] = [];
    const chunkIds: string[] = [];
    for (const [index, [start, end]] of ranges.entries()) {
      const id = `chunk-${String(index).padStart(3, '0')}`;
      chunkIds.push(id);
      const payload: ChunkPayload = {
        input: spec.input,
        index,
        start,
        end,
        segmentFrames,
        rate,
        videoOffsetSec: video.startTimeSec - source.startTimeSec,
        videoStartSec: video.startTimeSec,
        ...cutMidGop(video, source.formatName),
        normaliseVfr: video.variableFrameRate,
        ...(deinterlace ? { deinterlace } : {}),
        ...fit,
        ...(video.variableFrameRate
          ? preRollOf(video, source.formatName)
          : seekFrom(video.keyframes, firstDecoded(start, deinterlace), fps, seekIndexOf(source.formatName))),
        encoder: encoder.name,
        preset: spec.preset,
        rungs: rungs.map((rung) => ({
          rung,
          // Non-square source pixels are resampled too: every rung is square (setsar=1).
          scale: rung.width !== video.width || rung.height !== video.height || !squarePixels(video),
          key: `${ctx.scratchPrefix}${id}-${rung.name}.mp4`,
        })),
      };
      // Frames encoded: the chunk's frames at every rung.
      const weight = (end - start) * rungs.length;
      tasks.push({ id, kind: 'transcode.ladder-chunk', payload, requires, dependsOn: [], weight });
    }
    for (const rung of rungs) {
      const pkg: PackagePayload = {
        rung,
        chunkTasks: chunkIds,
        segmentSeconds,
        cutSeconds: (segmentFrames - 0.5) / fps,
        frames,
        codec: encoder.codec,
        prefix: ctx.scratchPrefix,
        hlsKey,
      };
      const id = `${rung.name}-package`;
      tasks.push({
        id,
        kind: 'transcode.ladder-package',
        payload: pkg,
        requires: { device: 'cpu' },
        dependsOn: chunkIds,
        weight: Math.max(1, Math.round(frames * 0.01)),
        // A stream copy into fMP4 segments: light, so the rungs package side by side.
        slots: 0,
      });
      renditions.push({ task: id, rung });
    }
    const noAudio = noAudioWarning(spec, source.audio !== undefined);
    if (noAudio) ctx.log.warn({ jobId: ctx.jobId }, noAudio);
    const unkept = unkeptWarning(source, {
      ...{ audio: withAudio ? 1 : 0, audioNone: spec.audio === 'none' },
      ...{ droppedSubtitles: source.subtitles, ladder: true, container: 'HLS/DASH' },
    });
    if (unkept) ctx.log.warn({ jobId: ctx.jobId }, unkept);
    if (withAudio) {
      const past = audioPastVideoWarning(source, frames / fps);
      if (past) ctx.log.warn({ jobId: ctx.jobId }, past);
      const audio: LadderAudioPayload = {
        input: spec.input,
        bitrateKbps: spec.audioBitrateKbps,
        segmentSeconds,
        // The AAC encoder adds a frame of padding after the last samples: one frame short of the
        // video, its last packet starts before the video ends (no stray segment of one AAC frame)
        // and the stream still ends with the video, within that frame.
        durationSec: frames / fps - 1024 / source.audio!.sampleRate,
        videoOffsetSec: timelineStartSec(source) - source.startTimeSec,
        prefix: ctx.scratchPrefix,
        hlsKey,
      };
      tasks.push({
        id: 'audio',
        kind: 'transcode.ladder-audio',
        payload: audio,
        requires: { device: 'cpu' },
        dependsOn: [],
        weight: Math.max(1, Math.round(frames * 0.03)),
        priority: 1,
        // One AAC pass at many times real time: beside the chunks, not in a chunk's slot.
        slots: 0,
      });
    }
    const publish: PublishPayload = {
      input: spec.input,
      output: spec.output,
      overwrite: spec.overwrite,
      packages,
      renditions,
      audioTask: withAudio ? 'audio' : undefined,
      frames,
      rate,
      segmentFrames,
      segmentSeconds,
      encoder: encoder.name,
      hlsKey,
    };
    tasks.push({
      id: 'publish',
      kind: 'transcode.ladder-publish',
      payload: publish,
      requires: { device: 'cpu' },
      dependsOn: tasks.filter((t) => t.kind !== 'transcode.ladder-chunk').map((t) => t.id),
      weight: Math.max(1, Math.round(frames * 0.02)),
    });
    return { tasks, rootTaskId: 'publish' };
  });
}
