import { copyFile, writeFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import type { CheckpointVerifier, Executor, ExecutorContext } from '../../engine/types.js';
import { FramefleetError, show } from '../../errors.js';
import { encoderByName } from '../../media/encoders/catalogue.js';
import { probe } from '../../media/probe.js';
import { runFfmpeg } from '../../media/run.js';
import { IMAGE_FILE } from '../../media/path-escape.js';
import { concatList } from '../../media/segment-args.js';
import { stitchArgs } from '../../media/stitch-args.js';
import { writeConcatList } from '../../media/concat-list.js';
import { verifyOutput } from '../../media/verify.js';
import { withOutput, writeOutput } from '../job-files.js';
import { toCmx3600, toOtio } from './edl-export.js';
import type {
  EditOutput,
  MontageResult,
  MusicRenderOutput,
  RenderOutput,
  StitchPayload,
} from './payloads.js';
import { storyboardArgs } from './render-args.js';

const STITCH_TIMEOUT_MS = 60 * 60_000;
/** AAC at 48 kHz: 1024 samples a frame, the A/V tolerance. */
const AUDIO_FRAME_SEC = 1024 / 48000;
const STORYBOARD_COLUMNS = 8;

/**
 * Concatenates the rendered runs of entries without re-encoding, muxes the music, verifies the frame count
 * (the sum of the entries) and that audio and video end together, and publishes atomically; then
 * the storyboard and the EDL/OTIO exports beside it.
 */
export const stitchMontage: Executor<StitchPayload, MontageResult> = async (p, ctx) => {
  const { layout } = p;
  const renders = p.renderTasks.map((id) => {
    const out = ctx.inputs[id] as RenderOutput | undefined;
    if (!out) throw new FramefleetError('INTERNAL', `stitch is missing the output of ${id}`);
    return out;
  });
  const edit = ctx.inputs.edit as EditOutput;
  const frames = renders.reduce((n, r) => n + r.frames, 0);
  if (frames !== layout.totalFrames) {
    throw new FramefleetError(
      'INTERNAL',
      `the rendered runs add up to ${frames} frames, the timeline has ${layout.totalFrames}`,
    );
  }
  const music = ctx.inputs[p.musicTask] as MusicRenderOutput;
  // The storyboard is drawn beside the stitch (in scratch space) and placed only once the montage is.
  const board = renderStoryboard(
    renders.flatMap((r) => r.thumbKeys),
    ctx,
  );
  board.catch(() => undefined);
  const paths = await Promise.all(renders.map((r) => localCopy(r.key, ctx)));
  const audio = await localCopy(music.key, ctx);
  const list = join(ctx.scratchDir, 'entries.ffconcat');
  await writeConcatList(list, paths);
  const spec = ctx.spec as { overwrite?: boolean } | undefined;
  const inputs = [...layout.clips, layout.music, ...(layout.lut ? [layout.lut] : [])];
  const guard = { overwrite: spec?.overwrite ?? layout.overwrite, inputs };
  const { value: checked, size } = await writeOutput(
    layout.output,
    ctx,
    async (tmp) => {
      await runFfmpeg(
        stitchArgs({
          concatList: list,
          audio,
          audioOffsetSec: 0,
          format: layout.format,
          codec: encoderByName(layout.encoder)?.codec,
          faststart: true,
          output: tmp,
        }),
        {
          signal: ctx.signal,
          timeoutMs: STITCH_TIMEOUT_MS,
          label: `stitch ${paths.length} runs of entries into ${show(layout.output)}`,
          onProgress: (pr) => ctx.progress({ fraction: Math.min(0.8, pr.frame / frames) }),
        },
      );
      return verifyOutput(tmp, { frames, sourceAvGapSec: 0, audioFrameSec: AUDIO_FRAME_SEC }).catch(
        notRetried,
      );
    },
    guard,
  );
  await writeOutput(layout.storyboard, ctx, async (tmp) => copyFile(await board, tmp), guard);
  // The title names no output: the same edit exports byte for byte the same, wherever it goes.
  const sources = {
    title: `framefleet montage seed ${layout.seed}`,
    clips: layout.clips,
    music: layout.music,
  };
  if (layout.edl) {
    const text = toCmx3600(edit.edl, sources, edit.clipFps);
    await writeOutput(layout.edl, ctx, (tmp) => writeFile(tmp, text), guard);
  }
  if (layout.otio) {
    const text = toOtio(edit.edl, sources, edit.clipFps);
    await writeOutput(layout.otio, ctx, (tmp) => writeFile(tmp, text), guard);
  }
  ctx.progress({ fraction: 1 });
  return {
    output: layout.output,
    frames: checked.frames,
    size,
    videoDurationSec: checked.videoDurationSec,
    audioDurationSec: checked.audioDurationSec,
    entries: edit.edl.entries.length,
    encoder: layout.encoder,
    storyboard: layout.storyboard,
    edl: layout.edl,
    otio: layout.otio,
  };
};

/**
 * A stitch that fails its check is not retried: it copies the same rendered runs and music again and
 * would write the same file (and print the same warning) each time.
 */
function notRetried(error: unknown): never {
  if (error instanceof FramefleetError && error.code === 'VERIFY_FAILED' && !error.fatal) {
    throw new FramefleetError(error.code, error.message, {
      cause: error,
      fatal: true,
      details: error.details,
    });
  }
  throw error;
}

/** One thumbnail per entry in reading order, eight across, as a JPEG in scratch space. */
async function renderStoryboard(thumbKeys: readonly string[], ctx: ExecutorContext): Promise<string> {
  const thumbs = await Promise.all(thumbKeys.map((key) => localCopy(key, ctx)));
  const list = join(ctx.scratchDir, 'thumbs.ffconcat');
  await writeFile(list, concatList(thumbs, [], IMAGE_FILE));
  const board = join(ctx.scratchDir, 'storyboard.jpg');
  await runFfmpeg(storyboardArgs(list, thumbs.length, STORYBOARD_COLUMNS, board), {
    signal: ctx.signal,
    label: `storyboard of ${thumbs.length} entries`,
  });
  return board;
}

/** A finished montage stands on resume only while its output is there with the same frames and size. */
export const verifyMontage: CheckpointVerifier<StitchPayload, MontageResult> = async (p, out, ctx) => {
  const info = await withOutput(out.output, ctx, (path) => probe(path, { signal: ctx.signal })).catch(
    () => undefined,
  );
  return info?.video?.frameCount === p.layout.totalFrames && info.sizeBytes === out.size;
};

async function localCopy(key: string, ctx: ExecutorContext): Promise<string> {
  return ctx.storage.localPath(key) ?? ctx.storage.fetch(key, join(ctx.scratchDir, basename(key)));
}
