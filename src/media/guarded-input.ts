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
].join(',');

/** Input options that confine what a user file can make ffmpeg open. */
export function guardedInput(path: string, protocols = LOCAL_PROTOCOLS): string[] {
  return ['-protocol_whitelist', protocols, '-format_whitelist', MEDIA_FORMATS, '-i', path];
}
