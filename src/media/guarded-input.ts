// What a user file may make ffmpeg open: the protocols and demuxers every run on user media allows.

/** Protocols a local ffmpeg run may open; a crafted playlist cannot reach other files or URLs. */
export const LOCAL_PROTOCOLS = 'file,pipe';

/**
 * Demuxers user media may be opened with. Playlists and scripts (concat, hls, tty text) are absent:
 * a file that names other files must not make ffmpeg read them.
 */
export const MEDIA_FORMATS = [
  'mov',
  'mp4',
  'matroska',
  'webm',
  'avi',
  'mpegts',
  'mpeg',
  'mpegvideo',
  'flv',
  'ogg',
  'wav',
  'w64',
  'mp3',
  'aac',
  'flac',
  'aiff',
  'h264',
  'hevc',
  'ivf',
  'obu',
  'mxf',
  'asf',
  'nut',
  'm4v',
  'dv',
  'gif',
  'yuv4mpegpipe',
  // Audio users bring (music for beats and montage, a film's sound): Apple CAF, WavPack, raw
  // (E-)AC-3, DTS and TrueHD, Monkey's Audio, TTA, TAK, AMR, Sun AU, DSD (DSF). Each holds its
  // own samples and names no other file.
  'caf',
  'wv',
  'ac3',
  'eac3',
  'dts',
  'truehd',
  'ape',
  'tta',
  'tak',
  'amr',
  'au',
  'dsf',
].join(',');

/**
 * The largest picture a decoder of user media may allocate, in pixels: 8192 x 8192 (8K video is
 * 7680 x 4320). A PNG of 16000 x 16000 compresses to 1 MB and costs 1 GB decoded, per decoder: a
 * render with many layers of it, or one probe after another, would exhaust memory.
 */
export const MAX_PICTURE_PIXELS = 8192 * 8192;
export const MAX_PICTURE_TEXT = `${MAX_PICTURE_PIXELS} pixels (8192 x 8192)`;

/** Decoder option refusing pictures over MAX_PICTURE_PIXELS before their memory is allocated. */
export const PICTURE_LIMIT = ['-max_pixels', String(MAX_PICTURE_PIXELS)];

/**
 * The name ffmpeg is given for an input path: ffmpeg reads `-i -` as its standard input (the pipe
 * protocol), so a file named `-` is given as `./-`. (framefleet's own `-`, standard input, is
 * copied to a file first: ffmpeg never reads a command's standard input.)
 */
export function inputName(path: string): string {
  return path === '-' ? './-' : path;
}

/** A file of our own (an intermediate, a segment, a tags source) as an input: local protocols only. */
export function localInput(path: string): string[] {
  return ['-protocol_whitelist', LOCAL_PROTOCOLS, '-i', inputName(path)];
}

/** Input options that confine what a user file can make ffmpeg open, and how large a picture it may decode. */
export function guardedInput(path: string, protocols = LOCAL_PROTOCOLS): string[] {
  return [
    '-protocol_whitelist',
    protocols,
    '-format_whitelist',
    MEDIA_FORMATS,
    ...PICTURE_LIMIT,
    '-i',
    inputName(path),
  ];
}
