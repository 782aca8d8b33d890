import { join } from 'node:path';
import { FramefleetError, show } from '../../errors.js';
import type { CheckpointVerifier, Executor } from '../../engine/types.js';
import { encoderByName, type EncoderDef } from '../../media/encoders/catalogue.js';
import type { Preset } from '../../media/encoders/quality.js';
import { LOST_FRAME, lostFrame } from '../../media/decode-failure.js';
import { readMp4VideoSamples } from '../../media/mp4-samples.js';
import { runFfmpeg } from '../../media/run.js';
import { splitEncodeArgs, type SplitOutput } from '../../media/segment-args.js';
import { withInput } from '../job-files.js';
import type { ChunkOutput, ChunkPart, ChunkPayload, Rung } from './ladder-payloads.js';

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

/**
 * Encodes frames [start, end) of the source at every rung from one decode (one ffmpeg: the frames
 * split to one scale + encoder per rung), verifies each rung's MP4 from its sample tables, and only
 * then publishes them.
 */
export const encodeChunk: Executor<ChunkPayload, ChunkOutput> = async (p, ctx) => {
  const base = encoderByName(p.encoder);
  if (!base)
    throw new FramefleetError('UNKNOWN_ENCODER', `unknown encoder ${show(p.encoder)} in task ${ctx.taskId}`);
  if (!Array.isArray(p.rungs)) {
    // A job planned before chunks carried every rung (one task per rung x chunk) cannot resume here.
    throw new FramefleetError(
      'INVALID_GRAPH',
      `ladder task ${ctx.taskId} was planned by an older framefleet (one rung per chunk); submit the job again`,
    );
  }
  const frames = p.end - p.start;
  const settings = { quality: 0, preset: p.preset, gopFrames: p.segmentFrames };
  const outputs: SplitOutput[] = p.rungs.map(({ rung, scale }) => ({
    filters: [
      // Square pixels in every rung: the manifests say sar="1:1" and RESOLUTION is the display size.
      ...(scale ? [`scale=${rung.width}:${rung.height}:flags=bicubic`, 'setsar=1'] : []),
      // 8-bit 4:2:0: what every browser and device decodes (a GPU encoder's upload sets its own).
      base.uploadFilter ?? 'format=yuv420p',
    ],
    encoder: {
      ...base,
      args: () => [...rungEncoderArgs(base, rung, p.preset, p.segmentFrames), ...threadArgs(base)],
    },
    settings,
    output: join(ctx.scratchDir, `${rung.name}-${p.index}.mp4`),
  }));
  const names = p.rungs.map((r) => r.rung.name).join(', ');
  const run = await withInput(p.input, ctx, (input) =>
    runFfmpeg(
      splitEncodeArgs({
        ...p,
        input,
        outputs,
        renderNode: ctx.gpu?.renderNode,
        oneThreadEach: base.device === 'cpu',
      }),
      {
        signal: ctx.signal,
        ...(ctx.gpu ? { env: { ...process.env, ...ctx.gpu.env } } : {}),
        timeoutMs: CHUNK_TIMEOUT_MS,
        label: `encode chunk ${p.index} (frames ${p.start}-${p.end - 1}) at ${names} with ${p.encoder}`,
        onProgress: (pr) => ctx.progress({ fraction: Math.min(1, pr.frame / frames), fps: pr.fps }),
        watch: LOST_FRAME,
      },
    ),
  );
  const lost = lostFrame(p.input, run, p);
  if (lost) throw lost;
  for (const [i, { rung }] of p.rungs.entries()) {
    const problem = await partProblem(outputs[i]!.output, p);
    if (problem) {
      throw new FramefleetError(
        'VERIFY_FAILED',
        `${rung.name} chunk ${p.index} (frames ${p.start}-${p.end - 1}) ${problem} after encoding`,
      );
    }
  }
  const parts: ChunkPart[] = [];
  for (const [i, { rung, key }] of p.rungs.entries()) {
    const stored = await ctx.storage.put(key, outputs[i]!.output, { move: true });
    parts.push({ rung: rung.name, key, size: stored.size });
  }
  return { frames, parts };
};

/**
 * A CPU encoder runs on one thread: a chunk already runs one encoder per rung, and a CPU slot is a
 * core, so frame threads would only add CPU time (synchronisation, one more copy of the lookahead)
 * and loosen the rate control. Pure.
 */
export function threadArgs(encoder: EncoderDef): string[] {
  return encoder.device === 'cpu' ? ['-threads', '1'] : [];
}

/** What is wrong with one rung's part of a chunk (frame count, an IDR missing on a segment start), if anything. */
async function partProblem(path: string, p: ChunkPayload): Promise<string | undefined> {
  let samples: Awaited<ReturnType<typeof readMp4VideoSamples>>;
  try {
    samples = await readMp4VideoSamples(path);
  } catch (error) {
    return `is not a readable MP4 (${(error as Error).message})`;
  }
  const frames = p.end - p.start;
  if (samples.frames !== frames) return `has ${samples.frames} frames, expected ${frames}`;
  const keys = new Set(samples.keyframes);
  const missing = segmentStarts(frames, p.segmentFrames).find((f) => !keys.has(f));
  if (missing !== undefined) return `has no keyframe at its segment boundary frame ${p.start + missing}`;
  return undefined;
}

/** First frame of every segment in a chunk of `frames` frames. Pure. */
export function segmentStarts(frames: number, segmentFrames: number): number[] {
  const starts: number[] = [];
  for (let f = 0; f < frames; f += segmentFrames) starts.push(f);
  return starts;
}

/**
 * A chunk counts if every rung's part is there with its size and (locally) its frame count and
 * segment IDRs, read from the MP4's sample tables.
 */
export const verifyChunk: CheckpointVerifier<ChunkPayload, ChunkOutput> = async (p, out, { storage }) => {
  if (out.frames !== p.end - p.start || !Array.isArray(out.parts) || out.parts.length !== p.rungs.length)
    return false;
  for (const [i, { rung, key }] of p.rungs.entries()) {
    const part = out.parts[i]!;
    if (part.rung !== rung.name || part.key !== key) return false;
    const object = await storage.stat(key);
    if (object?.size !== part.size) return false;
    const local = storage.localPath(key);
    if (local && (await partProblem(local, p)) !== undefined) return false;
  }
  return true;
};
