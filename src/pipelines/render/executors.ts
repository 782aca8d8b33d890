import { verifyFrameRange } from '../transcode/executors.js';
import { mkdir, stat, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { FramefleetError, show } from '../../errors.js';
import type { CheckpointVerifier, Executor } from '../../engine/types.js';
import { encoderByName } from '../../media/encoders/catalogue.js';
import { mp4Packets, mp4VideoFrames } from '../../media/mp4-samples.js';
import { seekIndexOf } from '../../media/keyframe-seek.js';
import { probe } from '../../media/probe.js';
import { refuseJoins } from '../../media/frame-sizes.js';
import { rationalValue } from '../../media/rational.js';
import { guardedInput, runFfmpeg } from '../../media/run.js';
import { segmentTimescale } from '../../media/segment-args.js';
import type { AudioOutput, SegmentOutput } from '../transcode/payloads.js';
import { withInputs } from '../job-files.js';
import { resolveFont } from './fonts.js';
import { mixArgs, mixGraph } from './mix-args.js';
import { isCrossfade, type MixPayload, type ScenePart, type ScenesPayload } from './payloads.js';
import { piecesGraph } from './pieces-graph.js';
import type { VideoClock } from './scene-inputs.js';

const RENDER_TIMEOUT_MS = 60 * 60_000;

/** Every file the scene parts of some pieces open: backgrounds, images and font files. */
function partFiles(parts: readonly ScenePart[]): string[] {
  const files = new Set<string>();
  for (const { scene } of parts) {
    if (scene.background.image) files.add(scene.background.image);
    if (scene.background.video) files.add(scene.background.video);
    for (const l of scene.layers) {
      if (l.type === 'image') files.add(l.path);
      if (l.type === 'text' && l.fontFile) files.add(l.fontFile);
    }
  }
  return [...files];
}

/** The VideoClock of each background video (by local path) in a container without a keyframe index. */
async function videoClocks(
  parts: readonly ScenePart[],
  local: ReadonlyMap<string, string>,
  signal: AbortSignal,
): Promise<Map<string, VideoClock>> {
  const out = new Map<string, VideoClock>();
  const videos = new Set(parts.flatMap(({ scene }) => scene.background.video ?? []));
  for (const video of videos) {
    const path = local.get(video) ?? video;
    // A still image (or anything the probe cannot read) used as a video: ffmpeg reads it as before.
    const header = await probe(path, { signal, headerOnly: true }).catch(() => undefined);
    if (!header || seekIndexOf(header.formatName) !== 'none') continue;
    const info = await probe(path, { signal });
    const v = info.video;
    if (!v) continue;
    // Its frames are laid into a graph set up for one size: a new size would restart every filter.
    refuseJoins(video, v, 'background video');
    const fps = rationalValue(v.frameRate);
    out.set(path, {
      keyframesSec: v.keyframes.map((k) => v.frameTimes?.[k] ?? k / fps),
      videoStartSec: v.startTimeSec,
      videoOffsetSec: v.startTimeSec - info.startTimeSec,
    });
  }
  return out;
}

async function fonts(parts: readonly ScenePart[]): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  for (const { scene } of parts)
    for (const l of scene.layers)
      if (l.type === 'text' && !l.fontFile) out.set(l.font, await resolveFont(l.font));
  return out;
}

/** Draws and encodes a run of pieces (scene parts and crossfades) into one stored segment. */
export const renderScenes: Executor<ScenesPayload, SegmentOutput> = async (p, ctx) => {
  const encoder = encoderByName(p.encoder);
  if (!encoder)
    throw new FramefleetError('UNKNOWN_ENCODER', `unknown encoder ${show(p.encoder)} in task ${ctx.taskId}`);
  const frames = p.end - p.start;
  const parts = p.pieces.flatMap((piece) => (isCrossfade(piece) ? [piece.from, piece.to] : [piece]));
  const textDir = join(ctx.scratchDir, 'text');
  const fontFiles = await fonts(parts);
  const tmp = join(ctx.scratchDir, basename(p.key));
  await withInputs(partFiles(parts), ctx, async (local) => {
    const clocks = await videoClocks(parts, local, ctx.signal);
    const graph = piecesGraph(p.pieces, p.frame, (k) => ({
      local: (path) => local.get(path) ?? path,
      clock: (path) => clocks.get(path),
      pixelAspect: (path) => p.pixelAspects?.find((v) => v.path === path)?.aspect,
      font: (l) => (l.fontFile ? local.get(l.fontFile)! : fontFiles.get(l.font)!),
      textDir: join(textDir, String(k)),
    }));
    for (const t of graph.texts) {
      await mkdir(dirname(t.path), { recursive: true });
      await writeFile(t.path, t.content);
    }
    let out = graph.out;
    const chains = [...graph.chains];
    if (encoder.uploadFilter) {
      chains.push(`[${out}]${encoder.uploadFilter}[up]`);
      out = 'up';
    }
    // Through a file: hundreds of layers or scenes in one task made a graph over the 128 KiB one
    // argument may be (spawn E2BIG on every retry).
    const script = join(ctx.scratchDir, 'pieces.graph');
    await writeFile(script, chains.join(';'));
    const args = [
      ...encoder.globalArgs(ctx.gpu?.renderNode),
      ...graph.inputs,
      '-filter_complex_script',
      script,
      '-map',
      `[${out}]`,
      '-an',
      '-fps_mode',
      'passthrough',
      '-frames:v',
      String(frames),
      '-c:v',
      encoder.name,
      ...encoder.args(p.settings),
      '-video_track_timescale',
      String(segmentTimescale({ num: p.frame.fps, den: 1 })),
      '-f',
      'mp4',
      '-y',
      tmp,
    ];
    await runFfmpeg(args, {
      signal: ctx.signal,
      ...(ctx.gpu ? { env: { ...process.env, ...ctx.gpu.env } } : {}),
      timeoutMs: RENDER_TIMEOUT_MS,
      label: `${ctx.taskId}: draw and encode ${frames} frames with ${p.encoder}`,
      onProgress: (pr) => ctx.progress({ fraction: Math.min(1, pr.frame / frames), fps: pr.fps }),
    });
  });
  // Read from the sample table in-process (the file was encoded here from its first frame).
  const got = await mp4VideoFrames(tmp);
  if (got !== frames) {
    throw new FramefleetError(
      'VERIFY_FAILED',
      `${ctx.taskId} has ${got} frames after encoding, expected ${frames}`,
    );
  }
  await checkFrameTimes(tmp, p.frame.fps, ctx.taskId);
  const stored = await ctx.storage.put(p.key, tmp, { move: true });
  return { key: p.key, frames, size: stored.size };
};

/**
 * Every frame of a drawn run is presented at its place on a constant-rate clock (frame i at i/fps,
 * within half a frame): frames that share or skip times play the timeline too fast or too slow
 * while their count still matches.
 */
async function checkFrameTimes(path: string, fps: number, taskId: string): Promise<void> {
  const packets = await mp4Packets(path, 0, (await stat(path)).size);
  if (!packets)
    throw new FramefleetError('VERIFY_FAILED', `${taskId}: cannot read the frame times it encoded`);
  const times = packets.map((pk) => pk.pts).sort((a, b) => a - b);
  const first = times[0] ?? 0;
  for (const [i, t] of times.entries()) {
    if (Math.abs(t - first - i / fps) <= 0.5 / fps) continue;
    throw new FramefleetError(
      'VERIFY_FAILED',
      `${taskId} presents frame ${i} at ${(t - first).toFixed(4)} s, expected ${(i / fps).toFixed(4)} s (a constant ${fps} fps)`,
    );
  }
}

/** Music and narration mixed once over the whole timeline, cut to its exact length. */
export const mixAudio: Executor<MixPayload, AudioOutput> = async (p, ctx) => {
  const tmp = join(ctx.scratchDir, basename(p.key));
  const stored = p.tracks.flatMap((t) => ('key' in t.source ? [t.source.key] : []));
  const copies = new Map<string, string>();
  for (const key of stored) {
    copies.set(
      key,
      ctx.storage.localPath(key) ?? (await ctx.storage.fetch(key, join(ctx.scratchDir, basename(key)))),
    );
  }
  const paths = p.tracks.flatMap((t) => ('path' in t.source ? [t.source.path] : []));
  await withInputs([...new Set(paths)], ctx, async (local) => {
    const files = p.tracks.map((t) =>
      'path' in t.source ? local.get(t.source.path)! : copies.get(t.source.key)!,
    );
    const graph = join(ctx.scratchDir, 'mix.graph');
    await writeFile(graph, mixGraph(p));
    await runFfmpeg(mixArgs(p, files, tmp, guardedInput, graph), {
      signal: ctx.signal,
      timeoutMs: RENDER_TIMEOUT_MS,
      label: `mix ${p.tracks.length} audio tracks`,
      onProgress: (pr) => ctx.progress({ fraction: pr.done ? 1 : 0.5 }),
    });
  });
  const info = await probe(tmp, { signal: ctx.signal, headerOnly: true });
  const object = await ctx.storage.put(p.key, tmp, { move: true });
  return { key: p.key, size: object.size, durationSec: info.audio?.durationSec ?? info.durationSec };
};

/** A run of pieces counts only while its object is there with the same size and frames. */
export const verifyPiece: CheckpointVerifier<{ start: number; end: number }, SegmentOutput> =
  verifyFrameRange;
