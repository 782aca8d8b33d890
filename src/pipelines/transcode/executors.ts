import { randomBytes } from 'node:crypto';
import { rm, stat, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { FramefleetError, show } from '../../errors.js';
import type { CheckpointVerifier, Executor, ExecutorContext } from '../../engine/types.js';
import { encoderByName } from '../../media/encoders/catalogue.js';
import { probe } from '../../media/probe.js';
import { runFfmpeg } from '../../media/run.js';
import { audioArgs, concatList, segmentArgs, stitchArgs } from '../../media/segment-args.js';
import { verifyOutput } from '../../media/verify.js';
import { isStorageUrl, localMedia, storageKeyOf } from '../../storage/media-io.js';
import { checkOutputTarget, publishOutput } from '../../storage/output-target.js';
import type { Storage } from '../../storage/types.js';
import type {
  AudioOutput,
  AudioPayload,
  SegmentOutput,
  SegmentPayload,
  StitchOutput,
  StitchPayload,
} from './payloads.js';

// A segment of N frames may take long on a slow CPU; the limit guards against hangs, not work.
const SEGMENT_TIMEOUT_MS = 2 * 60 * 60_000;

/** Encodes frames [start, end) into scratch, checks the frame count, then publishes atomically. */
export const encodeSegment: Executor<SegmentPayload, SegmentOutput> = async (p, ctx) => {
  const encoder = encoderByName(p.encoder);
  if (!encoder)
    throw new FramefleetError('UNKNOWN_ENCODER', `unknown encoder ${show(p.encoder)} in task ${ctx.taskId}`);
  const frames = p.end - p.start;
  const tmp = join(ctx.scratchDir, `segment-${p.index}.mp4`);
  const input = await readable(p.input, ctx);
  await runFfmpeg(segmentArgs({ ...p, input, encoder, output: tmp, renderNode: ctx.gpu?.renderNode }), {
    signal: ctx.signal,
    // A GPU task runs on the one device its slot is on.
    ...(ctx.gpu ? { env: { ...process.env, ...ctx.gpu.env } } : {}),
    timeoutMs: SEGMENT_TIMEOUT_MS,
    label: `encode segment ${p.index} (frames ${p.start}-${p.end}) with ${p.encoder}`,
    onProgress: (pr) => ctx.progress({ fraction: Math.min(1, pr.frame / frames), fps: pr.fps }),
  });
  const info = await probe(tmp, { signal: ctx.signal });
  const got = info.video?.frameCount ?? 0;
  if (got !== frames) {
    throw new FramefleetError(
      'VERIFY_FAILED',
      `segment ${p.index} has ${got} frames after encoding, expected ${frames} (frames ${p.start}-${p.end})`,
    );
  }
  const stored = await ctx.storage.put(p.key, tmp, { move: true });
  return { key: p.key, frames, size: stored.size };
};

/** A segment checkpoint counts only if the object is there, the same size, and (locally) the same frames. */
export const verifySegment: CheckpointVerifier<SegmentPayload, SegmentOutput> = async (
  p,
  out,
  { storage, signal },
) => {
  const object = await storage.stat(out.key);
  if (!object || object.size !== out.size || out.frames !== p.end - p.start) return false;
  const local = storage.localPath(out.key);
  if (!local) return true;
  const info = await probe(local, { signal }).catch(() => undefined);
  return info?.video?.frameCount === out.frames;
};

export const encodeAudio: Executor<AudioPayload, AudioOutput> = async (p, ctx) => {
  const tmp = join(ctx.scratchDir, basename(p.key));
  await runFfmpeg(audioArgs({ ...p, input: await readable(p.input, ctx), output: tmp }), {
    signal: ctx.signal,
    timeoutMs: SEGMENT_TIMEOUT_MS,
    label: `${p.mode === 'copy' ? 'copy' : 'encode'} audio`,
    onProgress: (pr) => ctx.progress({ fraction: pr.done ? 1 : 0.5 }),
  });
  const info = await probe(tmp, { signal: ctx.signal, headerOnly: true });
  const stored = await ctx.storage.put(p.key, tmp, { move: true });
  return { key: p.key, size: stored.size, durationSec: info.audio?.durationSec ?? info.durationSec };
};

export const verifyAudio: CheckpointVerifier<AudioPayload, AudioOutput> = async (_p, out, { storage }) => {
  const object = await storage.stat(out.key);
  return object !== undefined && object.size === out.size;
};

/**
 * Concatenates the segments without re-encoding, muxes the audio into a temporary name next to the
 * output (or in scratch space for a stored output), verifies frames and A/V durations, and only
 * then renames it into place (or uploads it: an S3 object appears only once complete).
 */
export const stitch: Executor<StitchPayload, StitchOutput> = async (p, ctx) => {
  const segments = p.segmentTasks.map((id) => ctx.inputs[id] as SegmentOutput | undefined);
  const paths: string[] = [];
  for (const [i, segment] of segments.entries()) {
    if (!segment)
      throw new FramefleetError('INTERNAL', `stitch is missing the output of ${p.segmentTasks[i]}`);
    paths.push(await localCopy(ctx.storage, segment.key, ctx));
  }
  const audio = p.audioTask ? (ctx.inputs[p.audioTask] as AudioOutput | undefined) : undefined;
  const audioPath = audio ? await localCopy(ctx.storage, audio.key, ctx) : undefined;
  const list = join(ctx.scratchDir, 'segments.ffconcat');
  await writeFile(list, concatList(paths));
  const stored = isStorageUrl(p.output) ? storageKeyOf(p.output, ctx.storage) : undefined;
  const name = `.${basename(p.output)}.${randomBytes(4).toString('hex')}.part`;
  const tmp = join(stored === undefined ? dirname(p.output) : ctx.scratchDir, name);
  try {
    await runFfmpeg(
      stitchArgs({
        concatList: list,
        audio: audioPath,
        audioOffsetSec: p.audioOffsetSec,
        format: p.format,
        codec: encoderByName(p.encoder)?.codec,
        faststart: p.faststart !== false,
        output: tmp,
      }),
      {
        signal: ctx.signal,
        timeoutMs: SEGMENT_TIMEOUT_MS,
        label: `stitch ${paths.length} segments into ${show(p.output)}`,
        onProgress: (pr) => ctx.progress({ fraction: Math.min(0.9, pr.frame / p.frames) }),
      },
    );
    const checked = await verifyOutput(tmp, {
      frames: p.frames,
      sourceAvGapSec: audio ? p.sourceAvGapSec : undefined,
      audioFrameSec: p.audioFrameSec,
    });
    const inputs = p.input === undefined ? [] : [p.input];
    let size: number;
    if (stored === undefined) {
      size = (await stat(tmp)).size;
      await publishOutput(tmp, p.output, inputs, { overwrite: p.overwrite });
    } else {
      // Checked again at the moment of use: the object may have appeared while the job ran.
      await checkOutputTarget(p.output, inputs, { overwrite: p.overwrite, storage: ctx.storage });
      size = (await ctx.storage.put(stored, tmp, { move: true })).size;
    }
    ctx.progress({ fraction: 1 });
    return {
      output: p.output,
      frames: checked.frames,
      size,
      videoDurationSec: checked.videoDurationSec,
      audioDurationSec: checked.audioDurationSec,
      encoder: p.encoder,
    };
  } finally {
    await rm(tmp, { force: true });
  }
};

/**
 * A finished output re-verifies only if it is still there with the planned size and frame count
 * (a stored object is checked by size: it was verified before its upload completed).
 */
export const verifyStitch: CheckpointVerifier<StitchPayload, StitchOutput> = async (
  p,
  out,
  { storage, signal },
) => {
  if (isStorageUrl(out.output)) {
    const object = await storage.stat(storageKeyOf(out.output, storage)).catch(() => undefined);
    return object?.size === out.size && out.frames === p.frames;
  }
  const info = await probe(out.output, { signal }).catch(() => undefined);
  return info?.video?.frameCount === p.frames && info.sizeBytes === out.size;
};

async function localCopy(storage: Storage, key: string, ctx: ExecutorContext): Promise<string> {
  return storage.localPath(key) ?? storage.fetch(key, join(ctx.scratchDir, basename(key)));
}

/** Inputs are local paths, or s3:// URLs under the storage, read from this worker's cached download. */
function readable(input: string, ctx: ExecutorContext): Promise<string> {
  return localMedia(input, ctx.storage);
}
