import { access, copyFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { CheckpointVerifier, Executor } from '../../engine/types.js';
import { FramefleetError, show } from '../../errors.js';
import { encoderByName } from '../../media/encoders/catalogue.js';
import { mp4VideoFrames } from '../../media/mp4-samples.js';
import { probe } from '../../media/probe.js';
import { runFfmpeg } from '../../media/run.js';
import { withInput } from '../job-files.js';
import type { MusicRenderOutput, MusicRenderPayload, RenderOutput, RenderPayload } from './payloads.js';
import { entryArgs, musicArgs, stabilizeDetectArgs, type EntryRender } from './render-args.js';

const RENDER_TIMEOUT_MS = 60 * 60_000;

/** The font storyboard labels are drawn with, where this machine has it (else thumbnails are unlabelled). */
const LABEL_FONTS = [
  '/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf',
  '/usr/share/fonts/TTF/DejaVuSans.ttf',
  '/usr/share/fonts/dejavu/DejaVuSans.ttf',
];

async function labelFont(): Promise<string | undefined> {
  for (const font of LABEL_FONTS)
    if (
      await access(font).then(
        () => true,
        () => false,
      )
    )
      return font;
  return undefined;
}

/**
 * Renders one edit entry: exactly its frames, conformed, cropped, optionally stabilised (two
 * passes over the same frames) and graded, and in the same ffmpeg a labelled thumbnail of its
 * middle frame for the storyboard; checks the frame count from the MP4's sample table (no
 * ffprobe) and publishes both.
 */
export const renderEntry: Executor<RenderPayload, RenderOutput> = async (p, ctx) => {
  const encoder = encoderByName(p.encoder);
  if (!encoder) throw new FramefleetError('UNKNOWN_ENCODER', `unknown encoder ${show(p.encoder)}`);
  const out = join(ctx.scratchDir, `entry-${p.index}.mp4`);
  const thumb = join(ctx.scratchDir, `thumb-${p.index}.png`);
  let lut: string | undefined;
  if (p.lut) {
    // The grade is copied into scratch space: the filter graph only ever names framefleet's files.
    lut = join(ctx.scratchDir, 'grade.cube');
    const target = lut;
    await withInput(p.lut, ctx, (local) => copyFile(local, target));
  }
  await withInput(p.clip, ctx, async (clip) => {
    const thumbnail = { output: thumb, label: p.label, font: await labelFont() };
    const job: EntryRender = { ...p, clip, lut, encoder, settings: p.settings, output: out, thumbnail };
    if (p.stabilize) {
      const transforms = join(ctx.scratchDir, 'transforms.trf');
      await runFfmpeg(stabilizeDetectArgs(job, transforms), {
        signal: ctx.signal,
        timeoutMs: RENDER_TIMEOUT_MS,
        label: `stabilise entry ${p.index} (detect)`,
      });
      job.transforms = transforms;
    }
    await runFfmpeg(entryArgs(job), {
      signal: ctx.signal,
      timeoutMs: RENDER_TIMEOUT_MS,
      label: `render entry ${p.index} (${p.frames} frames of ${show(p.clip)} from frame ${p.sourceStart})`,
      onProgress: (pr) => ctx.progress({ fraction: Math.min(0.95, pr.frame / p.frames), fps: pr.fps }),
    });
  });
  const got = await mp4VideoFrames(out);
  if (got !== p.frames) {
    throw new FramefleetError(
      'VERIFY_FAILED',
      `entry ${p.index} has ${got} frames after rendering, expected ${p.frames}`,
    );
  }
  await ctx.storage.put(p.thumbKey, thumb, { move: true });
  const stored = await ctx.storage.put(p.key, out, { move: true });
  ctx.progress({ fraction: 1 });
  return { key: p.key, frames: p.frames, size: stored.size, thumbKey: p.thumbKey };
};

/** A rendered entry counts on resume only if it and its thumbnail are there, the same size and frames. */
export const verifyEntry: CheckpointVerifier<RenderPayload, RenderOutput> = async (p, out, { storage }) => {
  const [object, thumb] = await Promise.all([storage.stat(out.key), storage.stat(out.thumbKey)]);
  if (!object || !thumb || object.size !== out.size || out.frames !== p.frames) return false;
  const local = storage.localPath(out.key);
  if (!local) return true;
  return (await mp4VideoFrames(local).catch(() => undefined)) === p.frames;
};

/** The music once over the whole timeline: trimmed, loudness-normalised, faded out over the last second. */
export const renderMusic: Executor<MusicRenderPayload, MusicRenderOutput> = async (p, ctx) => {
  const tmp = join(ctx.scratchDir, 'music.m4a');
  await withInput(p.music, ctx, (music) =>
    runFfmpeg(
      musicArgs({ music, durationSec: p.durationSec, fadeSec: 1, bitrateKbps: p.bitrateKbps, output: tmp }),
      {
        signal: ctx.signal,
        timeoutMs: RENDER_TIMEOUT_MS,
        label: `music (trim to ${p.durationSec.toFixed(3)} s, loudnorm, fade out)`,
        onProgress: (pr) => ctx.progress({ fraction: pr.done ? 1 : 0.5 }),
      },
    ),
  );
  const info = await probe(tmp, { signal: ctx.signal });
  const stored = await ctx.storage.put(p.key, tmp, { move: true });
  return { key: p.key, size: stored.size, durationSec: info.audio?.durationSec ?? info.durationSec };
};

export const verifyMusic: CheckpointVerifier<MusicRenderPayload, MusicRenderOutput> = async (
  _p,
  out,
  { storage },
) => (await storage.stat(out.key))?.size === out.size;
