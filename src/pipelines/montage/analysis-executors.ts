import { analyzeBeatsFile } from '../analyze/measure-beats.js';
import { analyzeScenes } from '../analyze/measure-scenes.js';
import type { CheckpointVerifier, Executor, ExecutorContext } from '../../engine/types.js';
import { FramefleetError, show } from '../../errors.js';
import { seekIndexOf } from '../../media/keyframe-seek.js';
import { probe, type MediaInfo } from '../../media/probe.js';
import { guardedInput, runFfmpeg } from '../../media/run.js';
import { rationalValue } from '../../media/rational.js';
import { withInput } from '../job-files.js';
import { cachedAnalysis } from './analysis-cache.js';
import { estimateDownbeats } from './cut-plan.js';
import type { ClipAnalysis, ClipPayload, MusicOutput, MusicPayload } from './payloads.js';
import { dominantColour, samplesIn } from './shot-colour.js';

/** Colour samples per second and their size: 8x8 RGB is enough for a dominant colour. */
const COLOUR_RATE = 2;
const COLOUR_SIZE = 8;

/** Colour samples of a whole clip, `COLOUR_RATE` a second, in one cheap decode. */
async function colourSamples(path: string, signal: AbortSignal): Promise<Uint8Array[]> {
  const { stdout } = await runFfmpeg(
    [
      '-skip_loop_filter',
      'all',
      ...guardedInput(path),
      '-map',
      '0:v:0',
      '-vf',
      `fps=${COLOUR_RATE},scale=${COLOUR_SIZE}:${COLOUR_SIZE}:flags=area,format=rgb24`,
      '-f',
      'rawvideo',
      'pipe:1',
    ],
    { signal, label: `colour samples of ${show(path)}`, timeoutMs: 60 * 60_000 },
  );
  const frame = COLOUR_SIZE * COLOUR_SIZE * 3;
  const out: Uint8Array[] = [];
  for (let i = 0; i + frame <= stdout.length; i += frame) out.push(stdout.subarray(i, i + frame));
  return out;
}

/** One clip: scene cuts and per-shot duration, motion, brightness, sharpness and dominant colour. */
export const analyseClip: Executor<ClipPayload, ClipAnalysis> = async (p, ctx) => {
  const { value, cached } = await cachedAnalysis('clip', p.path, ctx, () =>
    withInput(p.path, ctx, async (local): Promise<ClipAnalysis> => {
      const info = await probe(local, { signal: ctx.signal, headerOnly: true });
      const video = info.video;
      if (!video) throw new FramefleetError('NO_VIDEO_STREAM', `clip ${show(p.path)} has no video stream`);
      const [scenes, colours] = await Promise.all([
        analyzeScenes(local, {
          signal: ctx.signal,
          parallel: 1,
          onProgress: (fraction) => ctx.progress({ fraction: 0.95 * fraction }),
        }),
        colourSamples(local, ctx.signal),
      ]);
      const fps = rationalValue(video.frameRate);
      const shots = scenes.shots.map((s) => ({ ...s, ...onClock(s, fps) }));
      return {
        path: p.path,
        fps,
        offsetSec: video.startTimeSec - info.startTimeSec,
        ...(await seekBefore(local, info, ctx.signal)),
        frames: shots.at(-1)?.endFrame ?? scenes.frames,
        width: video.width,
        height: video.height,
        sampleAspect: video.sampleAspect,
        rotation: video.rotation,
        shots: shots.map((s) => ({
          index: s.index,
          startFrame: s.startFrame,
          endFrame: s.endFrame,
          duration: s.duration,
          motion: s.meanMotion,
          brightness: s.brightness,
          sharpness: s.sharpness,
          colour: dominantColour(samplesIn(colours, COLOUR_RATE, s.startTime, s.startTime + s.duration)),
        })),
        cached: false,
      };
    }),
  );
  const shape = value.sampleAspect ? {} : await pixelShape(p.path, ctx);
  ctx.progress({ fraction: 1 });
  return { ...value, ...shape, cached };
};

/** ClipAnalysis.sampleAspect and rotation, for an analysis cached before they were kept. */
async function pixelShape(path: string, ctx: ExecutorContext) {
  const info = await withInput(path, ctx, (local) => probe(local, { signal: ctx.signal, headerOnly: true }));
  const video = info.video;
  return video ? { sampleAspect: video.sampleAspect, rotation: video.rotation } : {};
}

/** ClipAnalysis.seekBefore of a clip in a container without a keyframe index (a packet scan). */
async function seekBefore(path: string, info: MediaInfo, signal: AbortSignal | undefined) {
  if (seekIndexOf(info.formatName) !== 'none') return {};
  const video = (await probe(path, { signal })).video;
  return video ? { seekBefore: { keyframes: video.keyframes, videoStartSec: video.startTimeSec } } : {};
}

/**
 * A shot's frames on the clip's nominal clock (time x fps), where the render seeks (frame / fps)
 * and the EDL counts: the same frames in a constant-rate clip; in a variable-rate one (a phone's
 * dropped frames, a screen recording) decoded frame numbers run behind or ahead of time. Pure.
 */
export function onClock(shot: { startTime: number; duration: number }, fps: number) {
  return {
    startFrame: Math.round(shot.startTime * fps),
    endFrame: Math.round((shot.startTime + shot.duration) * fps),
  };
}

/** The music: beats, tempo, downbeats (from accents, where they stand out) and the energy curve. */
export const analyseMusic: Executor<MusicPayload, MusicOutput> = async (p, ctx) => {
  const { value, cached } = await cachedAnalysis('music', p.path, ctx, () =>
    withInput(p.path, ctx, async (local): Promise<MusicOutput> => {
      const beats = await analyzeBeatsFile(local, { signal: ctx.signal });
      for (const warning of beats.warnings ?? []) ctx.log.warn({ path: p.path }, warning);
      return {
        path: p.path,
        durationSec: beats.durationSec,
        tempo: beats.tempo,
        beats: beats.beats,
        downbeats: estimateDownbeats(beats.beats, beats.onset, beats.curveRate),
        energy: beats.energy,
        curveRate: beats.curveRate,
        ...(beats.beats.length === 0 && beats.message
          ? { noBeats: beats.message.replace(/; no beats$/, '') }
          : {}),
        cached: false,
      };
    }),
  );
  ctx.progress({ fraction: 1 });
  return { ...value, cached };
};

/** Analyses are data kept with the job: a recorded one stands. */
export const keepData: CheckpointVerifier = async (_p, output) => output !== undefined && output !== null;
