import { access, copyFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { CheckpointVerifier, Executor } from '../../engine/types.js';
import { FramefleetError, show } from '../../errors.js';
import { encoderByName } from '../../media/encoders/catalogue.js';
import { mp4VideoFrames } from '../../media/mp4-samples.js';
import { probe } from '../../media/probe.js';
import { runFfmpeg } from '../../media/run.js';
import { withInput, withInputs } from '../job-files.js';
import type { MusicRenderOutput, MusicRenderPayload, RenderOutput, RenderPayload } from './payloads.js';
import {
  musicArgs,
  runArgs,
  stabilizeDetectArgs,
  thumbnailPath,
  type EntrySource,
  type RunRender,
} from './render-args.js';

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
 * Renders a run of consecutive edit entries in one ffmpeg: exactly their frames, each conformed,
 * cropped, optionally stabilised (a detect pass per entry first) and graded, concatenated and
 * encoded once, and from the same decoded frames a labelled thumbnail of each entry's middle frame
 * for the storyboard; checks the frame count from the MP4's sample table (no ffprobe) and
 * publishes the MP4 and the thumbnails.
 */
export const renderRun: Executor<RenderPayload, RenderOutput> = async (p, ctx) => {
  const encoder = encoderByName(p.encoder);
  if (!encoder) throw new FramefleetError('UNKNOWN_ENCODER', `unknown encoder ${show(p.encoder)}`);
  const first = p.entries[0]!.index;
  const last = p.entries.at(-1)!.index;
  const out = join(ctx.scratchDir, `entries-${first}-${last}.mp4`);
  let lut: string | undefined;
  if (p.lut) {
    // The grade is copied into scratch space: the filter graph only ever names framefleet's files.
    lut = join(ctx.scratchDir, 'grade.cube');
    const target = lut;
    await withInput(p.lut, ctx, (local) => copyFile(local, target));
  }
  const font = await labelFont();
  await withInputs([...new Set(p.entries.map((e) => e.clip))], ctx, async (local) => {
    const entries: EntrySource[] = p.entries.map((e) => ({ ...e, clip: local.get(e.clip)! }));
    if (p.stabilize) {
      for (const [i, entry] of entries.entries()) {
        const transforms = join(ctx.scratchDir, `transforms-${p.entries[i]!.index}.trf`);
        await runFfmpeg(stabilizeDetectArgs(entry, p.fps, transforms), {
          signal: ctx.signal,
          timeoutMs: RENDER_TIMEOUT_MS,
          label: `stabilise entry ${p.entries[i]!.index + 1} (detect)`,
        });
        entry.transforms = transforms;
      }
    }
    const thumbnails = { dir: ctx.scratchDir, firstIndex: first, font };
    const job: RunRender = { ...p, entries, lut, encoder, settings: p.settings, output: out, thumbnails };
    await runFfmpeg(runArgs(job), {
      signal: ctx.signal,
      timeoutMs: RENDER_TIMEOUT_MS,
      label: `render ${entriesName(p)} (${p.frames} frames)`,
      onProgress: (pr) => ctx.progress({ fraction: Math.min(0.95, pr.frame / p.frames), fps: pr.fps }),
    });
  });
  const got = await mp4VideoFrames(out);
  if (got !== p.frames) {
    throw new FramefleetError(
      'VERIFY_FAILED',
      `${entriesName(p)} ha${p.entries.length === 1 ? 's' : 've'} ${got} frames after rendering, expected ${p.frames}`,
    );
  }
  // The thumbnails are numbered from the run's first entry: its entries are consecutive.
  for (const [i, e] of p.entries.entries()) {
    await ctx.storage.put(e.thumbKey, thumbnailPath(ctx.scratchDir, first + i), { move: true });
  }
  const stored = await ctx.storage.put(p.key, out, { move: true });
  ctx.progress({ fraction: 1 });
  return { key: p.key, frames: p.frames, size: stored.size, thumbKeys: p.entries.map((e) => e.thumbKey) };
};

/** "entry 3" or "entries 3-7" (numbered from 1, as the storyboard labels them). */
function entriesName(p: RenderPayload): string {
  const a = p.entries[0]!.index + 1;
  const b = p.entries.at(-1)!.index + 1;
  return a === b ? `entry ${a}` : `entries ${a}-${b}`;
}

/**
 * A rendered run counts on resume only if its MP4 and every entry's thumbnail are there, the MP4
 * the same size and frames.
 */
export const verifyRun: CheckpointVerifier<RenderPayload, RenderOutput> = async (p, out, { storage }) => {
  const keys = p.entries.map((e) => e.thumbKey);
  if (out.frames !== p.frames || out.thumbKeys?.join('\n') !== keys.join('\n')) return false;
  const [object, ...thumbs] = await Promise.all([storage.stat(out.key), ...keys.map((k) => storage.stat(k))]);
  if (!object || object.size !== out.size || thumbs.some((t) => !t)) return false;
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
