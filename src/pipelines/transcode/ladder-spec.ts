import { basename } from 'node:path';
import * as z from 'zod';
import { FramefleetError, show } from '../../errors.js';
import { intRange } from '../schema.js';

/**
 * An adaptive-streaming ladder: the renditions (rungs) one transcode produces for HLS and/or DASH.
 * A rung is a height (the width follows the source's aspect) and a video bitrate; every rung is
 * encoded by the job's one encoder family with IDRs on the same frames, so players switch anywhere.
 */
export const PACKAGE_TYPES = ['hls', 'dash'] as const;
export type PackageType = (typeof PACKAGE_TYPES)[number];

/** Default segment length of a ladder (seconds): the usual HLS/DASH choice. */
export const LADDER_SEGMENT_SECONDS = 4;
export const MAX_RUNGS = 8;

export const rungSchema = z
  .object({
    height: intRange('ladder height', 64, 4320),
    bitrateKbps: intRange('ladder bitrateKbps', 50, 100_000).optional(),
  })
  .strict();

export const ladderSchema = z.array(rungSchema).min(1).max(MAX_RUNGS);

export type RungSpec = z.output<typeof rungSchema>;

// H.264 video bitrates (kbps) per height, from the common published ladders (Apple HLS authoring
// guidance, 30 fps); HEVC and AV1 get 60 % of these.
const H264_KBPS: Record<number, number> = {
  2160: 14000,
  1440: 9000,
  1080: 5000,
  720: 3000,
  540: 2000,
  480: 1400,
  360: 800,
  270: 500,
  240: 400,
  144: 200,
};

/** A rung's default video bitrate for a codec: the table, or scaled by pixels between its rows. Pure. */
export function defaultBitrateKbps(height: number, codec: string): number {
  const h264 = H264_KBPS[height] ?? Math.round((5000 * Math.pow(height / 1080, 1.6)) / 50) * 50;
  const kbps = codec === 'h264' ? h264 : h264 * 0.6;
  return Math.max(50, Math.round(kbps));
}

/**
 * Parses the CLI form `1080,720:3000k,480` (height[:bitrate[k|M]]) into rungs, highest first, and
 * refuses a repeated height. Throws INVALID_ARGUMENT naming the bad part. Pure.
 */
export function parseLadder(text: string): RungSpec[] {
  const rungs = text.split(',').map((part) => {
    const m = /^\s*(\d+)p?(?::(\d+(?:\.\d+)?)([kKmM]?))?\s*$/.exec(part);
    if (!m) {
      throw new FramefleetError(
        'INVALID_ARGUMENT',
        `--ladder: ${show(part)} is not a rung; use HEIGHT or HEIGHT:BITRATE (e.g. 1080,720:3000k,480)`,
      );
    }
    const height = Number(m[1]);
    if (m[2] === undefined) return { height };
    const scale = m[3] === 'm' || m[3] === 'M' ? 1000 : 1;
    return { height, bitrateKbps: Math.round(Number(m[2]) * scale) };
  });
  return rungs;
}

/** Parses `--package hls,dash`; an unknown type is refused naming it. Pure. */
export function parsePackages(text: string): PackageType[] {
  const parts = text.split(',').map((p) => p.trim().toLowerCase());
  for (const p of parts) {
    if (!(PACKAGE_TYPES as readonly string[]).includes(p)) {
      throw new FramefleetError(
        'INVALID_ARGUMENT',
        `--package: unknown package type ${show(p)}; use ${PACKAGE_TYPES.join(', ')} or both (hls,dash)`,
      );
    }
  }
  return [...new Set(parts as PackageType[])];
}

/** Characters a ladder's output name may not hold: they mean something in its playlists' URIs. */
const URI_UNSAFE = ['%', '#', '?', '"', '$'];

/** What a ladder spec must satisfy beyond its fields' types, or a message. Pure. */
export function ladderProblem(spec: {
  output: string;
  ladder?: RungSpec[] | undefined;
  packages?: PackageType[] | undefined;
  hlsKey?: string | undefined;
  hlsKeyUri?: string | undefined;
  sceneCuts?: boolean;
  segments?: number | undefined;
  process?: readonly string[] | undefined;
  pixelFormat?: string | undefined;
}): { field: string; message: string } | undefined {
  const ext = spec.output.toLowerCase().split('.').pop();
  const manifest = ext === 'm3u8' || ext === 'mpd';
  if (!spec.ladder) {
    if (manifest) {
      return {
        field: 'output',
        message: `output ${show(spec.output)} is a streaming manifest: give a ladder (--ladder 1080,720,480)`,
      };
    }
    for (const field of ['packages', 'hlsKey', 'hlsKeyUri'] as const) {
      if (spec[field] !== undefined) return { field, message: `${show(field)} needs a ladder` };
    }
    return undefined;
  }
  if (!manifest) {
    return {
      field: 'output',
      message: `a ladder's output must end in .m3u8 (HLS) or .mpd (DASH), got ${show(spec.output)}`,
    };
  }
  // Its name starts every rendition's URI in the master playlist and the MPD: a player reads `%` as
  // an escape, `#` and `?` as the end of the path, `"` ends the HLS attribute, `$` a DASH template.
  const base = basename(spec.output);
  const unsafe = [...base].find((c) => URI_UNSAFE.includes(c));
  if (unsafe) {
    return {
      field: 'output',
      message: `a ladder's output name ${show(base)} holds ${show(unsafe)}, which players read as part of a URL in its playlists: name it without ${URI_UNSAFE.join(' ')}`,
    };
  }
  const heights = spec.ladder.map((r) => r.height);
  const twice = heights.find((h, i) => heights.indexOf(h) !== i);
  if (twice !== undefined) return { field: 'ladder', message: `ladder height ${twice} is given twice` };
  const odd = heights.find((h) => h % 2 !== 0);
  if (odd !== undefined)
    return { field: 'ladder', message: `ladder height ${odd} is odd; use an even height` };
  const packages = packagesOf(spec.output, spec.packages);
  const primary = ext === 'm3u8' ? 'hls' : 'dash';
  if (!packages.includes(primary)) {
    return {
      field: 'packages',
      message: `output ${show(spec.output)} is ${primary.toUpperCase()} but the packages are ${packages.join(',')}`,
    };
  }
  if ((spec.hlsKey === undefined) !== (spec.hlsKeyUri === undefined)) {
    return { field: 'hlsKey', message: 'AES-128 encryption needs both --hls-key FILE and --hls-key-uri URI' };
  }
  if (spec.hlsKey !== undefined && packages.includes('dash')) {
    return {
      field: 'hlsKey',
      message: 'AES-128 encrypts whole HLS segments, which DASH cannot play: encrypt an HLS-only ladder',
    };
  }
  if (spec.segments !== undefined) {
    return { field: 'segments', message: 'a ladder is cut by --segment-seconds (default 4), not --segments' };
  }
  if (spec.sceneCuts) {
    return { field: 'sceneCuts', message: 'a ladder has fixed segment boundaries: scene cuts do not apply' };
  }
  if (spec.process !== undefined && spec.process.length > 0) {
    return {
      field: 'process',
      message: 'processors run on transcode segments, not on ladder chunks: drop --process or --ladder',
    };
  }
  if (spec.pixelFormat !== undefined && spec.pixelFormat !== 'auto' && spec.pixelFormat !== 'yuv420p') {
    return {
      field: 'pixelFormat',
      message: `a ladder's rungs are 8-bit 4:2:0 (yuv420p) for every player, got --pixel-format ${show(spec.pixelFormat)}`,
    };
  }
  return undefined;
}

/** The package types a ladder writes: as given, or the one its output names. Pure. */
export function packagesOf(output: string, packages: readonly PackageType[] | undefined): PackageType[] {
  if (packages && packages.length > 0) return [...packages];
  return output.toLowerCase().endsWith('.mpd') ? ['dash'] : ['hls'];
}
