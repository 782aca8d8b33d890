import { writeFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { FramefleetError, show } from '../../errors.js';
import type { CheckpointVerifier, Executor, ExecutorContext } from '../../engine/types.js';
import { chaptersMetadata } from '../../media/chapters.js';
import { encoderByName } from '../../media/encoders/catalogue.js';
import { writeConcatList } from '../../media/concat-list.js';
import { probe } from '../../media/probe.js';
import { LOST_FRAME, lostFrame, partlyUndecodable, undecodableInput } from '../../media/decode-failure.js';
import { runFfmpeg } from '../../media/run.js';
import { audioArgs, segmentArgs } from '../../media/segment-args.js';
import { stitchArgs, type StitchAudio } from '../../media/stitch-args.js';
import {
  verifyOutput,
  videoFrames,
  type AudioTrackExpectation,
  type OutputVerification,
} from '../../media/verify.js';
import { isStorageUrl, storageKeyOf } from '../../storage/media-io.js';
import { checkOutputTarget } from '../../storage/output-target.js';
import type { Storage } from '../../storage/types.js';
import { storedOutputKey, withInput, withOutput, writeOutput } from '../job-files.js';
import { startSeamCheck } from './seam-check.js';
import type { SeamPicturesOutput } from './seam-pictures.js';
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
  const run = await withInput(p.input, ctx, (input) =>
    runFfmpeg(segmentArgs({ ...p, input, encoder, output: tmp, renderNode: ctx.gpu?.renderNode }), {
      signal: ctx.signal,
      // A GPU task runs on the one device its slot is on.
      ...(ctx.gpu ? { env: { ...process.env, ...ctx.gpu.env } } : {}),
      timeoutMs: SEGMENT_TIMEOUT_MS,
      label: `encode segment ${p.index} (frames ${p.start}-${p.end - 1}) with ${p.encoder}`,
      onProgress: (pr) => ctx.progress({ fraction: Math.min(1, pr.frame / frames), fps: pr.fps }),
      watch: LOST_FRAME,
    }).catch((error: unknown) => {
      throw undecodableInput(p.input, error);
    }),
  );
  // A frame lost and replaced (by the next one read): bad input, even where the count comes out right.
  const lost = lostFrame(p.input, run, p);
  // From the segment's sample table, in-process: a segment costs one process, its encode.
  const got = await videoFrames(tmp, ctx.signal);
  if (got !== frames) {
    throw (
      partlyUndecodable(p.input, run.stderrTail, frames - got) ??
      lost ??
      new FramefleetError(
        'VERIFY_FAILED',
        `segment ${p.index} has ${got} frames after encoding, expected ${frames} (frames ${p.start}-${p.end - 1})`,
      )
    );
  }
  if (lost) throw lost;
  const stored = await ctx.storage.put(p.key, tmp, { move: true });
  return { key: p.key, frames, size: stored.size };
};

/**
 * A checkpoint of encoded frames [start, end) (a segment, a ladder chunk, a rendered scene) counts
 * only if the object is there, the same size, and (locally) holds the same number of frames.
 */
export const verifyFrameRange: CheckpointVerifier<
  { start: number; end: number },
  { key: string; size: number; frames: number }
> = async (p, out, { storage, signal }) => {
  const object = await storage.stat(out.key);
  if (!object || object.size !== out.size || out.frames !== p.end - p.start) return false;
  const local = storage.localPath(out.key);
  if (!local) return true;
  return (await videoFrames(local, signal).catch(() => undefined)) === out.frames;
};

export const verifySegment: CheckpointVerifier<SegmentPayload, SegmentOutput> = verifyFrameRange;

export const encodeAudio: Executor<AudioPayload, AudioOutput> = async (p, ctx) => {
  const tmp = join(ctx.scratchDir, basename(p.key));
  await withInput(p.input, ctx, (input) =>
    runFfmpeg(audioArgs({ ...p, input, output: tmp }), {
      signal: ctx.signal,
      timeoutMs: SEGMENT_TIMEOUT_MS,
      label: `${p.mode === 'copy' ? 'copy' : 'encode'} audio${p.stream ? ` track ${p.stream}` : ''}`,
      onProgress: (pr) => ctx.progress({ fraction: pr.done ? 1 : 0.5 }),
    }),
  );
  const info = await probe(tmp, { signal: ctx.signal, headerOnly: true });
  const stored = await ctx.storage.put(p.key, tmp, { move: true });
  return {
    key: p.key,
    size: stored.size,
    durationSec: info.audio?.durationSec ?? info.durationSec,
    ...(info.audio && p.sourceStartSec !== undefined
      ? { leadSec: primingLead(info.audio, p.sourceStartSec) }
      : {}),
  };
};

/**
 * How much earlier than the source audio the audio file starts because its encoder's priming frame
 * shows (at most one frame early). A file that starts anywhere else had its timeline moved by
 * ffmpeg (an MPEG-TS source's audio file starts at 0): the stitch's offset already places it. Pure.
 */
export function primingLead(
  audio: { startTimeSec: number; frameSize: number; sampleRate: number },
  sourceStartSec: number,
): number {
  const lead = sourceStartSec - audio.startTimeSec;
  return lead > 1e-4 && lead <= audio.frameSize / audio.sampleRate + 2e-3 ? lead : 0;
}

export const verifyAudio: CheckpointVerifier<AudioPayload, AudioOutput> = async (_p, out, { storage }) => {
  const object = await storage.stat(out.key);
  return object !== undefined && object.size === out.size;
};

/**
 * Concatenates the segments without re-encoding, muxes the audio, verifies frames and A/V durations,
 * and only then places the output (placeOutput).
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
  const moreAudio: StitchAudio[] = [];
  const moreExpected: AudioTrackExpectation[] = [];
  for (const more of audioPath ? (p.moreAudio ?? []) : []) {
    const out = ctx.inputs[more.task] as AudioOutput | undefined;
    if (!out) throw new FramefleetError('INTERNAL', `stitch is missing the output of ${more.task}`);
    const path = await localCopy(ctx.storage, out.key, ctx);
    moreAudio.push({ path, offsetSec: more.offsetSec - (out.leadSec ?? 0) });
    const want = more.expected;
    if (want) moreExpected.push({ ...want, sourceAvGapSec: expectedGap(want, out) ?? want.sourceAvGapSec });
  }
  const list = join(ctx.scratchDir, 'segments.ffconcat');
  await writeConcatList(list, paths);
  const chapters = !audioPath && p.chapters?.length ? join(ctx.scratchDir, 'chapters.ffmeta') : undefined;
  if (chapters) await writeFile(chapters, chaptersMetadata(p.chapters!));
  // The source's seam pictures, stored by their task (or, for older plans, decoded while the stitch runs).
  const pictures = p.seamPicturesTask ? ctx.inputs[p.seamPicturesTask] : undefined;
  const seams = startSeamCheck(p.seams, p.input, ctx, pictures as SeamPicturesOutput | undefined);
  const stitchTo = async (tmp: string) => {
    // Subtitles come from the source itself (opened inside the roots, or this worker's copy).
    const withSource = <T>(run: (source: string | undefined) => Promise<T>) =>
      p.subtitles?.length && p.input ? withInput(p.input, ctx, run) : run(undefined);
    await withSource((source) =>
      runFfmpeg(
        stitchArgs({
          moreAudio,
          audioTags: p.audioTags,
          subtitles: source
            ? { source, videoOffsetSec: p.videoOffsetSec ?? 0, tracks: p.subtitles ?? [] }
            : undefined,
          concatList: list,
          audio: audioPath,
          audioOffsetSec: p.audioOffsetSec - (audio?.leadSec ?? 0),
          format: p.format,
          codec: encoderByName(p.encoder)?.codec,
          faststart: p.faststart !== false,
          output: tmp,
          metadataFrom: paths[0],
          chaptersFrom: chapters,
          titles: p.titles,
          timecode: p.timecode,
        }),
        {
          signal: ctx.signal,
          timeoutMs: SEGMENT_TIMEOUT_MS,
          label: `stitch ${paths.length} segments into ${show(p.output)}`,
          onProgress: (pr) => ctx.progress({ fraction: Math.min(0.9, pr.frame / p.frames) }),
        },
      ),
    );
    const checked = await verifyOutput(tmp, {
      frames: p.frames,
      sourceAvGapSec: audio ? expectedGap(p, audio) : undefined,
      audioFrameSec: p.audioFrameSec,
      // Every track, where the plan says what each is held to (a plan made before: the first alone).
      ...(moreExpected.length === moreAudio.length ? { moreAudio: moreExpected } : {}),
    });
    await seams.against(tmp, checked.videoOffsetSec);
    return checked;
  };
  const { value: checked, size } = await placeOutput(p, ctx, stitchTo).finally(() => seams.stop());
  ctx.progress({ fraction: 1 });
  return stitchOutput(p, checked, size);
};

/** What a placed, verified output reports: the job's result. Pure. */
export function stitchOutput(
  p: Pick<StitchPayload, 'output' | 'encoder' | 'sourceFrames'>,
  checked: OutputVerification,
  size: number,
): StitchOutput {
  return {
    output: p.output,
    frames: checked.frames,
    size,
    videoDurationSec: checked.videoDurationSec,
    audioDurationSec: checked.audioDurationSec,
    encoder: p.encoder,
    ...(p.sourceFrames !== undefined ? { sourceFrames: p.sourceFrames } : {}),
  };
}

/**
 * Writes the job's output through `write` and places it once `write` has verified it: next to the
 * output under a temporary name, renamed into place (never over an input, nor over a file that
 * appeared meanwhile unless asked to overwrite), inside the output roots that hold now; or in
 * scratch space and uploaded, for a stored output (an S3 object appears only once complete).
 */
export async function placeOutput<T>(
  p: Pick<StitchPayload, 'output' | 'input' | 'inputs' | 'overwrite' | 'format'>,
  ctx: ExecutorContext,
  write: (temp: string) => Promise<T>,
): Promise<{ value: T; size: number }> {
  const stored = isStorageUrl(p.output) ? await storedOutputKey(p.output, ctx) : undefined;
  const inputs = [...(p.input === undefined ? [] : [p.input]), ...(p.inputs ?? [])];
  // The run's own spec decides (a rerun with -y of a job planned without it may replace).
  const overwrite = (ctx.spec as { overwrite?: boolean } | undefined)?.overwrite ?? p.overwrite;
  if (stored === undefined) return writeOutput(p.output, ctx, write, { overwrite, inputs });
  const tmp = join(ctx.scratchDir, `output.${p.format === 'matroska' ? 'mkv' : 'mp4'}`);
  const value = await write(tmp);
  // Checked again at the moment of use: the object may have appeared while the job ran.
  await checkOutputTarget(p.output, inputs, { overwrite, storage: ctx.storage });
  return { value, size: (await ctx.storage.put(stored, tmp, { move: true })).size };
}

/**
 * A finished output re-verifies only if it is still there with the planned size and frame count
 * (a stored object is checked by size: it was verified before its upload completed).
 */
export const verifyStitch: CheckpointVerifier<StitchPayload, StitchOutput> = async (p, out, ctx) => {
  const { storage, signal } = ctx;
  if (isStorageUrl(out.output)) {
    const object = await storage.stat(storageKeyOf(out.output, storage)).catch(() => undefined);
    return object?.size === out.size && out.frames === p.frames;
  }
  // Re-read only inside the output roots that hold now: a swapped folder makes the checkpoint invalid.
  const info = await withOutput(out.output, ctx, (path) => probe(path, { signal })).catch(() => undefined);
  return info?.video?.frameCount === p.frames && info.sizeBytes === out.size;
};

/**
 * The source's audio-end-minus-video-end the output must keep, for the first audio track or
 * another (its pass's file). The probe's audio length is exact in MP4/MOV but an estimate in
 * MPEG-TS (7.78 s for 8.03 s of AAC packets): the audio pass's file is the source's audio (copied,
 * or encoded once), its length is exact, so it stands in. Pure.
 */
export function expectedGap(
  p: Pick<StitchPayload, 'sourceAvGapSec' | 'sourceAudioSec'>,
  audio: AudioOutput,
): number | undefined {
  if (p.sourceAvGapSec === undefined || p.sourceAudioSec === undefined) return p.sourceAvGapSec;
  // The file ends where it starts (its lead before the source audio) plus its own length.
  return p.sourceAvGapSec + (audio.durationSec - (audio.leadSec ?? 0) - p.sourceAudioSec);
}

async function localCopy(storage: Storage, key: string, ctx: ExecutorContext): Promise<string> {
  return storage.localPath(key) ?? storage.fetch(key, join(ctx.scratchDir, basename(key)));
}
