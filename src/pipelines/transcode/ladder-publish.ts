import { createHash } from 'node:crypto';
import { copyFile, mkdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { treeBytes } from '../../storage/work-folders.js';
import { basename, dirname, join } from 'node:path';
import { FramefleetError, show } from '../../errors.js';
import type { CheckpointVerifier, Executor, ExecutorContext } from '../../engine/types.js';
import { mpd, type MpdRepresentation } from '../../media/hls-mpd.js';
import { masterPlaylist, type Variant } from '../../media/hls-playlist.js';
import { formatRational, rationalValue } from '../../media/rational.js';
import { withInput, withOutput, type FileScope } from '../job-files.js';
import { DASH_SEGMENT_TEMPLATE, INIT_NAME, MEDIA_PLAYLIST } from './ladder-package.js';
import type { LadderOutput, PublishPayload, RenditionOutput } from './ladder-payloads.js';
import { ownedByRendition, publishTree } from './publish-tree.js';

export { ownedByRendition };
import {
  checkAligned,
  checkPlaylist,
  codecsMatch,
  probeManifest,
  readRendition,
  type RenditionFacts,
} from './ladder-verify.js';

/** Where a manifest's renditions live, next to it: `master.m3u8` -> `master-720p/`. Pure. */
export function renditionDir(output: string, name: string): string {
  const stem = basename(output).replace(/\.(m3u8|mpd)$/i, '');
  return `${stem}-${name}`;
}

/** The manifests a ladder writes: the output itself, and its HLS/DASH sibling when both are asked. Pure. */
export function manifestPaths(output: string, packages: readonly string[]): { hls?: string; dash?: string } {
  const base = output.replace(/\.(m3u8|mpd)$/i, '');
  return {
    ...(packages.includes('hls')
      ? { hls: output.toLowerCase().endsWith('.m3u8') ? output : `${base}.m3u8` }
      : {}),
    ...(packages.includes('dash')
      ? { dash: output.toLowerCase().endsWith('.mpd') ? output : `${base}.mpd` }
      : {}),
  };
}

/**
 * Fetches every packaged rendition into one local tree, verifies them together (aligned segment
 * boundaries, frames = source, valid playlists, ffprobe reads each rung and the manifests), writes
 * the master playlist and/or MPD, and only then publishes: media first, manifests last.
 */
export const publishLadder: Executor<PublishPayload, LadderOutput> = async (p, ctx) => {
  const tree = join(ctx.scratchDir, 'tree');
  const names = new Map<string, string>();
  const place = async (out: RenditionOutput) => {
    // Names from another task's output (Redis on a fleet): a rung and its layout's files, nothing else.
    const bad = [out.name, ...out.files.map((f) => f.name)].find((n, i) =>
      i === 0 ? !/^[A-Za-z0-9_-]{1,64}$/.test(n) : !ownedByRendition(n),
    );
    if (bad !== undefined)
      throw new FramefleetError('INVALID_GRAPH', `rendition ${show(out.name)} names a file ${show(bad)}`);
    const dir = join(tree, renditionDir(p.output, out.name));
    names.set(out.name, dir);
    await mkdir(dir, { recursive: true });
    for (const f of out.files) {
      const dest = join(dir, f.name);
      const got = await ctx.storage.fetch(f.key, dest);
      if (got !== dest) await copyFile(got, dest);
    }
  };
  const outputs = p.renditions.map((r) => ctx.inputs[r.task] as RenditionOutput);
  const audioOut = p.audioTask ? (ctx.inputs[p.audioTask] as RenditionOutput) : undefined;
  for (const out of [...outputs, ...(audioOut ? [audioOut] : [])]) await place(out);
  ctx.progress({ fraction: 0.2 });

  const key = p.hlsKey ? await withInput(p.hlsKey.file, ctx, (path) => readFile(path)) : undefined;
  const video: RenditionFacts[] = [];
  for (const r of p.renditions) video.push(await readRendition(names.get(r.rung.name)!, r.rung.name, key));
  const audio = audioOut ? await readRendition(names.get('audio')!, 'audio', key) : undefined;
  for (const r of [...video, ...(audio ? [audio] : [])]) checkPlaylist(r);
  checkAligned(video, p.frames);
  for (const [i, r] of video.entries()) {
    const rung = p.renditions[i]!.rung;
    if (r.init.width !== rung.width || r.init.height !== rung.height) {
      throw new FramefleetError(
        'VERIFY_FAILED',
        `${rung.name}: init segment is ${r.init.width}x${r.init.height}, planned ${rung.width}x${rung.height}`,
      );
    }
  }
  // ffprobe reads every rung at once (each is one light process; they were serial, a tail on the job).
  const probed = await Promise.all(
    p.renditions.map(({ rung }) => probeRung(names.get(rung.name)!, key, ctx)),
  );
  for (const [i, r] of video.entries()) {
    const rung = p.renditions[i]!.rung;
    const [stream] = probed[i]!;
    const packets = Number(stream?.nb_read_packets ?? 0);
    if (
      !stream ||
      packets !== p.frames ||
      stream.width !== rung.width ||
      !codecsMatch(r.init.codecs!, stream)
    ) {
      throw new FramefleetError(
        'VERIFY_FAILED',
        `${rung.name}: ffprobe reads ${packets} frames ${stream?.width}x${stream?.height} ${stream?.codec_name} ${stream?.profile} level ${stream?.level} (CODECS ${r.init.codecs}), expected ${p.frames} frames ${rung.width}x${rung.height}`,
      );
    }
    ctx.progress({ fraction: 0.2 + (0.5 * (i + 1)) / video.length });
  }

  const manifests = manifestPaths(p.output, p.packages);
  const fps = rationalValue(p.rate);
  const written: { path: string; text: string }[] = [];
  if (manifests.hls) {
    const variants: Variant[] = video
      .map((r, i) => ({ r, rung: p.renditions[i]!.rung }))
      .map(({ r, rung }) => ({
        uri: `${renditionDir(p.output, rung.name)}/${MEDIA_PLAYLIST}`,
        bandwidth: r.peakBps,
        averageBandwidth: r.averageBps,
        codecs: r.init.codecs!,
        width: rung.width,
        height: rung.height,
        frameRate: fps,
      }));
    const text = masterPlaylist(
      variants,
      audio && {
        uri: `${renditionDir(p.output, 'audio')}/${MEDIA_PLAYLIST}`,
        groupId: 'audio',
        name: 'audio',
        bandwidth: audio.peakBps,
        averageBandwidth: audio.averageBps,
        codecs: audio.init.codecs!,
      },
    );
    written.push({ path: manifests.hls, text });
  }
  if (manifests.dash) {
    const durationSec = p.frames / fps;
    const rep = (r: RenditionFacts, endSec: number): Omit<MpdRepresentation, 'id' | 'bandwidth'> => ({
      codecs: r.init.codecs!,
      initialization: `${renditionDir(p.output, r.name)}/${INIT_NAME}`,
      media: `${renditionDir(p.output, r.name)}/${DASH_SEGMENT_TEMPLATE}`,
      timescale: r.init.timescale,
      segments: r.segments.map((s, i) => ({
        t: s.t,
        d: (r.segments[i + 1]?.t ?? Math.round(endSec * r.init.timescale)) - s.t,
      })),
    });
    const text = mpd({
      durationSec,
      maxSegmentSec: Math.max(...video[0]!.segments.map((s) => s.duration)),
      frameRate: formatRational(p.rate),
      video: video.map((r, i) => ({
        ...rep(r, durationSec),
        id: r.name,
        bandwidth: r.peakBps,
        width: p.renditions[i]!.rung.width,
        height: p.renditions[i]!.rung.height,
      })),
      audio: audio && {
        ...rep(
          audio,
          audio.segments.reduce((s, x) => s + x.duration, 0),
        ),
        id: 'audio',
        bandwidth: audio.peakBps,
        audioSamplingRate: audio.init.timescale,
      },
    });
    written.push({ path: manifests.dash, text });
  }
  // The manifests as players will read them, next to the verified renditions.
  const streams = video.length + (audio ? 1 : 0);
  for (const m of written) {
    const local = join(tree, basename(m.path));
    await writeFile(local, m.text);
    // An encrypted ladder's key is fetched from its URI by players; its rungs were read above.
    if (key) continue;
    const read = await probeManifest(local, false, ctx.signal);
    if (read.length < streams) {
      throw new FramefleetError(
        'VERIFY_FAILED',
        `ffprobe reads ${read.length} streams from ${basename(m.path)}, expected ${streams}`,
      );
    }
  }
  ctx.progress({ fraction: 0.8 });
  await publishTree(p, [...names.values()], written, ctx);
  ctx.progress({ fraction: 1 });
  const master = written[0]!.path;
  const result: LadderOutput = {
    output: p.output,
    manifests: written.map((m) => m.path),
    frames: p.frames,
    size: (await stat(join(tree, basename(master)))).size,
    totalBytes: await treeBytes(tree),
    videoDurationSec: p.frames / fps,
    audioDurationSec: audio?.segments.reduce((s, x) => s + x.duration, 0),
    encoder: p.encoder,
    segments: video[0]!.segments.length,
    ...(audio ? { audioSegments: audio.segments.length } : {}),
    renditions: video.map((r, i) => ({
      name: r.name,
      width: p.renditions[i]!.rung.width,
      height: p.renditions[i]!.rung.height,
      bandwidth: r.peakBps,
      codecs: r.init.codecs!,
    })),
  };
  return { ...result, digest: await digestOf(playlistsOf(result), ctx) };
};

/** The text files a published ladder is recognised by: its manifests and each rendition's playlist. Pure. */
export function playlistsOf(out: LadderOutput): string[] {
  const names = out.renditions.map((r) => r.name);
  if (out.audioDurationSec !== undefined) names.push('audio');
  const dir = dirname(out.output);
  return [...out.manifests, ...names.map((n) => join(dir, renditionDir(out.output, n), MEDIA_PLAYLIST))];
}

async function digestOf(paths: readonly string[], ctx: FileScope): Promise<string> {
  const hash = createHash('sha256');
  for (const path of paths) hash.update(await withOutput(path, ctx, (local) => readFile(local)));
  return hash.digest('hex');
}

/** ffprobe reads a rung's playlist; an encrypted one through a copy that names the local key. */
async function probeRung(dir: string, key: Buffer | undefined, ctx: ExecutorContext) {
  if (!key) return probeManifest(join(dir, MEDIA_PLAYLIST), true, ctx.signal);
  const keyPath = join(ctx.scratchDir, 'verify.key');
  await writeFile(keyPath, key, { mode: 0o600 });
  const copy = join(dir, 'verify.m3u8');
  const text = await readFile(join(dir, MEDIA_PLAYLIST), 'utf8');
  await writeFile(copy, text.replace(/(#EXT-X-KEY:.*URI=")[^"]*"/, `$1${keyPath}"`));
  try {
    return await probeManifest(copy, true, ctx.signal);
  } finally {
    await rm(copy, { force: true });
  }
}

/**
 * A published ladder re-verifies if its first manifest is still there with its size and, where the
 * record has one, the manifests and playlists still hash the same: a later ladder published over
 * the same names (another --segment-seconds) must not pass for this one.
 */
export const verifyPublished: CheckpointVerifier<PublishPayload, LadderOutput> = async (_p, out, ctx) => {
  const size = await withOutput(
    out.manifests[0] ?? out.output,
    ctx,
    async (path) => (await stat(path)).size,
  ).catch(() => undefined);
  if (size !== out.size) return false;
  if (out.digest === undefined) return true;
  return (await digestOf(playlistsOf(out), ctx).catch(() => undefined)) === out.digest;
};
