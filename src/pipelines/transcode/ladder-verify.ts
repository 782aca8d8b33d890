import { createDecipheriv } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { FramefleetError } from '../../errors.js';
import { readInit, readSegment, type InitInfo } from '../../media/hls-fmp4.js';
import { parseMediaPlaylist, segmentFile, type MediaPlaylist } from '../../media/hls-playlist.js';
import { runFfprobe } from '../../media/run.js';
import { INIT_NAME, MEDIA_PLAYLIST } from './ladder-package.js';

/** What one packaged rendition holds, read from its own files (playlist, init, segments). */
export interface RenditionFacts {
  name: string;
  playlist: MediaPlaylist;
  init: InitInfo;
  /** Per segment: decode start (track time scale), samples, first sample sync, bytes, EXTINF seconds. */
  segments: { t: number; samples: number; sync: boolean | undefined; bytes: number; duration: number }[];
  /** Peak and average bitrate over the segments, bits per second. */
  peakBps: number;
  averageBps: number;
}

const fail = (message: string) => new FramefleetError('VERIFY_FAILED', message);

/** Reads a rendition folder; AES-128 segments are decrypted with `key` (IV: the media sequence). */
export async function readRendition(dir: string, name: string, key?: Buffer): Promise<RenditionFacts> {
  const playlist = parseMediaPlaylist(await readFile(join(dir, MEDIA_PLAYLIST), 'utf8'));
  if (playlist.map !== INIT_NAME) throw fail(`${name}: playlist has no EXT-X-MAP for ${INIT_NAME}`);
  // Every segment must be a file of this folder before any is read.
  const files = playlist.segments.map((seg) => segmentFile(dir, seg.uri));
  const init = readInit(await readFile(join(dir, INIT_NAME)));
  const segments: RenditionFacts['segments'] = [];
  for (const [i, seg] of playlist.segments.entries()) {
    let bytes: Buffer = await readFile(files[i]!);
    const size = bytes.length;
    if (playlist.key && playlist.key.METHOD === 'AES-128') {
      if (!key) throw fail(`${name}: segments are encrypted and no key was given to read them`);
      bytes = decrypt(bytes, key, playlist.key.IV, playlist.mediaSequence + i);
    }
    const info = readSegment(bytes);
    segments.push({
      t: info.decodeTime,
      samples: info.samples,
      sync: info.firstSync,
      bytes: size,
      duration: seg.duration,
    });
  }
  const total = segments.reduce((s, x) => s + x.duration, 0);
  const target = playlist.targetDuration ?? Math.ceil(Math.max(...segments.map((s) => s.duration)));
  const averageBps = segments.reduce((s, x) => s + x.bytes * 8, 0) / Math.max(total, 0.001);
  const peakBps = peakSegmentBitRate(segments, target) ?? averageBps;
  return { name, playlist, init, segments, peakBps: Math.ceil(peakBps), averageBps: Math.ceil(averageBps) };
}

/**
 * The peak segment bit rate as RFC 8216 (4.3.4.2) defines BANDWIDTH's: the largest bit rate of any
 * run of consecutive segments lasting 0.5 to 1.5 target durations. A short last segment counts
 * within such a run (a new user's trial found BANDWIDTH under the peak where it was left out);
 * undefined where no run is that long (a playlist shorter than half its target duration). Pure.
 */
export function peakSegmentBitRate(
  segments: readonly { bytes: number; duration: number }[],
  targetSec: number,
): number | undefined {
  let peak: number | undefined;
  for (let i = 0; i < segments.length; i++) {
    let [seconds, bits] = [0, 0];
    for (const s of segments.slice(i)) {
      [seconds, bits] = [seconds + s.duration, bits + s.bytes * 8];
      if (seconds > 1.5 * targetSec + 1e-9) break;
      if (seconds >= 0.5 * targetSec - 1e-9) peak = Math.max(peak ?? 0, bits / seconds);
    }
  }
  return peak;
}

function decrypt(bytes: Buffer, key: Buffer, ivHex: string | undefined, sequence: number): Buffer {
  const iv = Buffer.alloc(16);
  if (ivHex) Buffer.from(ivHex.replace(/^0x/i, '').padStart(32, '0'), 'hex').copy(iv);
  else iv.writeUInt32BE(sequence, 12);
  const d = createDecipheriv('aes-128-cbc', key, iv);
  return Buffer.concat([d.update(bytes), d.final()]);
}

/** A media playlist that players accept: fMP4 version, a target duration covering every segment, VOD, end. */
export function checkPlaylist(r: RenditionFacts): void {
  const pl = r.playlist;
  if (pl.version === undefined || pl.version < 7)
    throw fail(`${r.name}: EXT-X-VERSION ${pl.version} is below 7`);
  if (!pl.endList || pl.playlistType !== 'VOD')
    throw fail(`${r.name}: playlist is not a finished VOD playlist`);
  const longest = Math.max(...pl.segments.map((s) => Math.round(s.duration)));
  if (pl.targetDuration === undefined || pl.targetDuration < longest) {
    throw fail(
      `${r.name}: EXT-X-TARGETDURATION ${pl.targetDuration} is under its longest segment (${longest} s)`,
    );
  }
  if (pl.segments.length === 0) throw fail(`${r.name}: playlist has no segments`);
  if (!r.init.codecs) throw fail(`${r.name}: init segment has no codec configuration`);
}

/**
 * Switching at any segment: every rung has the same number of segments, each starting at the same
 * time (compared exactly across time scales) on a sync sample, and as many frames as the source.
 */
export function checkAligned(rungs: readonly RenditionFacts[], frames: number): void {
  const [first, ...rest] = rungs;
  if (!first) throw fail('no video renditions');
  for (const r of rungs) {
    const total = r.segments.reduce((s, x) => s + x.samples, 0);
    if (total !== frames) throw fail(`${r.name}: ${total} frames in its segments, the source has ${frames}`);
    const notSync = r.segments.findIndex((s) => s.sync === false);
    if (notSync >= 0) throw fail(`${r.name}: segment ${notSync} does not start with a keyframe`);
  }
  for (const r of rest) {
    if (r.segments.length !== first.segments.length) {
      throw fail(`${r.name} has ${r.segments.length} segments, ${first.name} has ${first.segments.length}`);
    }
    r.segments.forEach((s, i) => {
      const a = first.segments[i]!;
      if (s.t * first.init.timescale !== a.t * r.init.timescale || s.samples !== a.samples) {
        throw fail(
          `segment ${i} starts at ${(s.t / r.init.timescale).toFixed(6)} s with ${s.samples} frames in ${r.name}, ` +
            `at ${(a.t / first.init.timescale).toFixed(6)} s with ${a.samples} frames in ${first.name}`,
        );
      }
    });
  }
}

interface ProbedStream {
  codec_type?: string;
  codec_name?: string;
  profile?: string;
  level?: number;
  width?: number;
  height?: number;
  nb_read_packets?: string;
}

/** ffprobe's own reading of a playlist or MPD (hls/dash demuxers, local files only). */
export async function probeManifest(
  path: string,
  countPackets: boolean,
  signal?: AbortSignal,
): Promise<ProbedStream[]> {
  const { stdout } = await runFfprobe(
    [
      '-protocol_whitelist',
      'file,crypto',
      '-allowed_extensions',
      'ALL',
      ...(countPackets ? ['-count_packets'] : []),
      '-show_entries',
      'stream=codec_type,codec_name,profile,level,width,height,nb_read_packets',
      '-of',
      'json',
      path,
    ],
    { signal, timeoutMs: 10 * 60_000, label: `read ${path}` },
  );
  return (JSON.parse(stdout.toString('utf8')) as { streams?: ProbedStream[] }).streams ?? [];
}

/** H.264 CODECS (`avc1.PPCCLL`) against what ffprobe decodes: the profile's idc and the level. */
export function codecsMatch(codecs: string, stream: ProbedStream): boolean {
  const m = /^avc[13]\.([0-9a-f]{2})[0-9a-f]{2}([0-9a-f]{2})$/i.exec(codecs);
  if (!m)
    return codecs.startsWith(
      stream.codec_name === 'hevc' ? 'hvc1' : stream.codec_name === 'av1' ? 'av01' : 'mp4a',
    );
  const profiles: Record<string, number> = {
    Baseline: 66,
    'Constrained Baseline': 66,
    Main: 77,
    Extended: 88,
    High: 100,
  };
  const idc = profiles[stream.profile ?? ''];
  return (
    stream.codec_name === 'h264' &&
    (idc === undefined || idc === parseInt(m[1]!, 16)) &&
    stream.level === parseInt(m[2]!, 16)
  );
}
