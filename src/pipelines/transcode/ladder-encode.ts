import { verifyFrameRange } from './executors.js';
import { join } from 'node:path';
import { FramefleetError, show } from '../../errors.js';
import type { CheckpointVerifier, Executor } from '../../engine/types.js';
import { encoderByName, type EncoderDef } from '../../media/encoders/catalogue.js';
import type { Preset } from '../../media/encoders/quality.js';
import { probe } from '../../media/probe.js';
import { runFfmpeg } from '../../media/run.js';
import { segmentArgs } from '../../media/segment-args.js';
import { withInput } from '../job-files.js';
import type { ChunkOutput, ChunkPayload, Rung } from './ladder-payloads.js';

const CHUNK_TIMEOUT_MS = 2 * 60 * 60_000;

const pick = <T>(preset: Preset, fast: T, balanced: T, quality: T): T =>
  preset === 'fast' ? fast : preset === 'balanced' ? balanced : quality;

/**
 * Rate-controlled encoder arguments for one rung: the rung's bitrate (VBV peak 110 %, buffer two
 * seconds' worth), the job's speed preset, and an IDR on exactly every `segmentFrames`-th frame of
 * the chunk, closed GOPs and no scene-cut keyframes, so the segment boundaries are the same frames
 * in every rung. Pure.
 */
export function rungEncoderArgs(
  encoder: EncoderDef,
  rung: Rung,
  preset: Preset,
  segmentFrames: number,
): string[] {
  const k = rung.bitrateKbps;
  const rate = ['-b:v', `${k}k`, '-maxrate', `${Math.round(k * 1.1)}k`, '-bufsize', `${2 * k}k`];
  const g = String(segmentFrames);
  const forced = ['-force_key_frames', `expr:eq(mod(n,${segmentFrames}),0)`];
  switch (encoder.family) {
    case 'x264':
      return [
        '-preset',
        pick(preset, 'veryfast', 'medium', 'slow'),
        ...rate,
        '-x264-params',
        `keyint=${g}:min-keyint=${g}:scenecut=0:open_gop=0`,
        ...forced,
      ];
    case 'x265':
      return [
        '-preset',
        pick(preset, 'veryfast', 'medium', 'slow'),
        ...rate,
        '-x265-params',
        `keyint=${g}:min-keyint=${g}:scenecut=0:open-gop=0:log-level=error`,
        ...forced,
      ];
    case 'svtav1':
      return [
        '-preset',
        pick(preset, '10', '8', '5'),
        '-b:v',
        `${k}k`,
        '-g',
        g,
        '-svtav1-params',
        'scd=0',
        ...forced,
      ];
    case 'nvenc':
      return [
        '-preset',
        pick(preset, 'p2', 'p4', 'p7'),
        '-rc',
        'vbr',
        ...rate,
        '-g',
        g,
        '-no-scenecut',
        '1',
        '-forced-idr',
        '1',
        '-strict_gop',
        '1',
        ...forced,
      ];
    case 'vaapi':
      return ['-rc_mode', 'VBR', ...rate, '-g', g, '-idr_interval', '0', ...forced];
    default:
      return [...rate, '-g', g, ...forced];
  }
}

/** Encodes frames [start, end) of the source at one rung's size and bitrate into a video-only MP4. */
export const encodeChunk: Executor<ChunkPayload, ChunkOutput> = async (p, ctx) => {
  const base = encoderByName(p.encoder);
  if (!base)
    throw new FramefleetError('UNKNOWN_ENCODER', `unknown encoder ${show(p.encoder)} in task ${ctx.taskId}`);
  const frames = p.end - p.start;
  const filters = [
    ...(p.scale ? [`scale=${p.rung.width}:${p.rung.height}:flags=bicubic`] : []),
    // 8-bit 4:2:0: what every browser and device decodes (a GPU encoder's upload sets its own).
    base.uploadFilter ?? 'format=yuv420p',
  ];
  // The seek, the frame count and the CFR handling are the segment encoder's; the filter chain and
  // the rate control are the rung's.
  const encoder: EncoderDef = {
    ...base,
    uploadFilter: filters.join(','),
    args: () => rungEncoderArgs(base, p.rung, p.preset, p.segmentFrames),
  };
  const tmp = join(ctx.scratchDir, `${p.rung.name}-${p.index}.mp4`);
  const settings = { quality: 0, preset: p.preset, gopFrames: p.segmentFrames };
  await withInput(p.input, ctx, (input) =>
    runFfmpeg(segmentArgs({ ...p, input, encoder, settings, output: tmp, renderNode: ctx.gpu?.renderNode }), {
      signal: ctx.signal,
      ...(ctx.gpu ? { env: { ...process.env, ...ctx.gpu.env } } : {}),
      timeoutMs: CHUNK_TIMEOUT_MS,
      label: `encode ${p.rung.name} chunk ${p.index} (frames ${p.start}-${p.end}) with ${p.encoder}`,
      onProgress: (pr) => ctx.progress({ fraction: Math.min(1, pr.frame / frames), fps: pr.fps }),
    }),
  );
  const info = await probe(tmp, { signal: ctx.signal });
  const got = info.video?.frameCount ?? 0;
  if (got !== frames) {
    throw new FramefleetError(
      'VERIFY_FAILED',
      `${p.rung.name} chunk ${p.index} has ${got} frames after encoding, expected ${frames} (frames ${p.start}-${p.end})`,
    );
  }
  const expected = segmentStarts(frames, p.segmentFrames);
  const idr = info.video?.keyframes ?? [];
  const missing = expected.find((f) => !idr.includes(f));
  if (missing !== undefined) {
    throw new FramefleetError(
      'VERIFY_FAILED',
      `${p.rung.name} chunk ${p.index}: no keyframe at its segment boundary frame ${p.start + (missing ?? 0)}`,
    );
  }
  const stored = await ctx.storage.put(p.key, tmp, { move: true });
  return { key: p.key, frames, size: stored.size };
};

/** First frame of every segment in a chunk of `frames` frames. Pure. */
export function segmentStarts(frames: number, segmentFrames: number): number[] {
  const starts: number[] = [];
  for (let f = 0; f < frames; f += segmentFrames) starts.push(f);
  return starts;
}

/** A chunk counts if it is there with its size and (locally) its frame count. */
export const verifyChunk: CheckpointVerifier<ChunkPayload, ChunkOutput> = verifyFrameRange;
