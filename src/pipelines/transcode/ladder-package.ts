import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { FramefleetError } from '../../errors.js';
import type { CheckpointVerifier, Executor, ExecutorContext } from '../../engine/types.js';
import { guardedInput, runFfmpeg } from '../../media/run.js';
import { encryptRendition } from '../../media/hls-encrypt.js';
import { coveringTargetDuration } from '../../media/hls-playlist.js';
import { concatInput } from '../../media/segment-args.js';
import { audioPlacement } from '../../media/stitch-args.js';
import { writeConcatList } from '../../media/concat-list.js';
import { withInput } from '../job-files.js';
import type {
  ChunkOutput,
  HlsKey,
  LadderAudioPayload,
  PackagePayload,
  RenditionOutput,
  StoredFile,
} from './ladder-payloads.js';

const PACKAGE_TIMEOUT_MS = 60 * 60_000;

/** Media segment file names; the MPD's SegmentTemplate names the same pattern. */
export const SEGMENT_PATTERN = 'seg-%05d.m4s';
export const DASH_SEGMENT_TEMPLATE = 'seg-$Number%05d$.m4s';
export const INIT_NAME = 'init.mp4';
export const MEDIA_PLAYLIST = 'index.m3u8';

/**
 * The HLS muxer's fMP4 (CMAF) output options: a segment is cut at the first keyframe at least
 * `cutSec` after the last cut; the caller passes half a frame less than the segment length, so
 * every forced IDR (and only those) starts a segment. The names are relative, for a run in the
 * rendition's folder: the segment name is a pattern, and a `%` in the folder's path (a data dir named
 * `100% data`) would be read as part of it, where `%%` is kept as two characters. Pure.
 */
export function hlsPackageArgs(cutSec: number): string[] {
  return [
    // Timestamps as they are: shifted to start at a decode time of 0, B-frames' delay presented
    // the video 2 frames late and AAC's priming the audio 1024 samples late, apart (each track is
    // packaged by a run of its own): 57 ms out of sync at 25 fps, found by a new user's trial.
    // Unshifted, each track's edit list skips what comes before its first presented sample.
    '-avoid_negative_ts',
    'disabled',
    '-f',
    'hls',
    '-hls_time',
    cutSec.toFixed(6),
    '-hls_playlist_type',
    'vod',
    '-hls_segment_type',
    'fmp4',
    '-hls_fmp4_init_filename',
    INIT_NAME,
    '-hls_segment_filename',
    SEGMENT_PATTERN,
    '-hls_flags',
    'independent_segments',
    '-y',
    MEDIA_PLAYLIST,
  ];
}

/** One rung: its parts of the chunks joined without re-encoding, cut into CMAF segments at the forced IDRs. */
export const packageRendition: Executor<PackagePayload, RenditionOutput> = async (p, ctx) => {
  const paths: string[] = [];
  for (const id of p.chunkTasks) {
    const part = (ctx.inputs[id] as ChunkOutput | undefined)?.parts.find((x) => x.rung === p.rung.name);
    if (!part) throw new FramefleetError('INTERNAL', `packaging ${p.rung.name} is missing its part of ${id}`);
    paths.push(await localCopy(part.key, ctx));
  }
  const list = join(ctx.scratchDir, 'chunks.ffconcat');
  await writeConcatList(list, paths);
  const dir = join(ctx.scratchDir, p.rung.name);
  await mkdir(dir, { recursive: true });
  await runFfmpeg(
    [
      ...concatInput(list),
      '-map',
      '0:v:0',
      '-c',
      'copy',
      // ffmpeg's default HEVC tag is hev1, which Safari and iOS refuse.
      ...(p.codec === 'hevc' ? ['-tag:v', 'hvc1'] : []),
      ...hlsPackageArgs(p.cutSeconds),
    ],
    {
      cwd: dir,
      signal: ctx.signal,
      timeoutMs: PACKAGE_TIMEOUT_MS,
      label: `package ${p.rung.name} (${paths.length} chunks) as CMAF segments`,
      onProgress: (pr) => ctx.progress({ fraction: Math.min(0.9, pr.frame / p.frames) }),
    },
  );
  await coverSegments(dir);
  await encrypt(dir, p.hlsKey, ctx);
  return publishDir(dir, p.rung.name, p.prefix, ctx);
};

/** The job's audio, once: AAC stereo over the video's timeline, cut into segments of the same length. */
export const packageAudio: Executor<LadderAudioPayload, RenditionOutput> = async (p, ctx) => {
  const dir = join(ctx.scratchDir, 'audio');
  await mkdir(dir, { recursive: true });
  await withInput(p.input, ctx, (input) =>
    runFfmpeg(
      [
        // The audio's timeline is the container's: placed as a plain transcode places its audio
        // file, what precedes the renditions' first frame is cut (audio 0.3 s early had been kept
        // and its end cut instead: each click 0.34 s late against its flash, in HLS and DASH).
        ...audioPlacement(-(p.videoOffsetSec ?? 0)),
        ...guardedInput(input),
        '-map',
        '0:a:0',
        '-vn',
        '-sn',
        '-dn',
        '-c:a',
        'aac',
        '-b:a',
        `${p.bitrateKbps}k`,
        '-ac',
        '2',
        // Ends with the video: the source's audio, or the encoder's padding, running a few ms past
        // it made a last segment of one AAC frame that no video segment matches.
        ...(p.durationSec ? ['-t', p.durationSec.toFixed(6)] : []),
        ...hlsPackageArgs(p.segmentSeconds),
      ],
      {
        cwd: dir,
        signal: ctx.signal,
        timeoutMs: PACKAGE_TIMEOUT_MS,
        label: 'encode and package the audio',
        onProgress: (pr) => ctx.progress({ fraction: pr.done ? 1 : 0.5 }),
      },
    ),
  );
  await coverSegments(dir);
  await encrypt(dir, p.hlsKey, ctx);
  return publishDir(dir, 'audio', p.prefix, ctx);
};

/** The packaged playlist's target duration raised to cover its longest segment (coveringTargetDuration). */
async function coverSegments(dir: string): Promise<void> {
  const file = join(dir, MEDIA_PLAYLIST);
  const text = await readFile(file, 'utf8');
  const covered = coveringTargetDuration(text);
  if (covered !== text) await writeFile(file, covered);
}

/** AES-128 clear-key encryption of the segments, with the key read confined like an input. */
async function encrypt(dir: string, key: HlsKey | undefined, ctx: ExecutorContext): Promise<void> {
  if (!key) return;
  const bytes = await withInput(key.file, ctx, (path) => readFile(path));
  if (bytes.length !== 16) {
    throw new FramefleetError(
      'INVALID_ARGUMENT',
      `HLS key file ${key.file} has ${bytes.length} bytes; AES-128 needs 16`,
    );
  }
  await encryptRendition(dir, MEDIA_PLAYLIST, bytes, key.uri);
}

async function publishDir(
  dir: string,
  name: string,
  prefix: string,
  ctx: ExecutorContext,
): Promise<RenditionOutput> {
  const names = (await readdir(dir)).sort();
  const files: StoredFile[] = [];
  for (const file of names) {
    const key = `${prefix}${name}/${file}`;
    const stored = await ctx.storage.put(key, join(dir, file), { move: true });
    files.push({ name: file, key, size: stored.size });
  }
  ctx.progress({ fraction: 1 });
  return { name, files, segments: files.filter((f) => f.name.endsWith('.m4s')).length };
}

/** A packaged rendition counts if every file is there with its size. */
export const verifyRendition: CheckpointVerifier<unknown, RenditionOutput> = async (_p, out, { storage }) => {
  for (const file of out.files) {
    const object = await storage.stat(file.key);
    if (object?.size !== file.size) return false;
  }
  return out.files.length > 0;
};

export async function localCopy(key: string, ctx: ExecutorContext): Promise<string> {
  return ctx.storage.localPath(key) ?? ctx.storage.fetch(key, join(ctx.scratchDir, basename(key)));
}
