/** HLS playlists: reading a media playlist, writing and reading a master playlist. Pure. */

import { join } from 'node:path';
import { FramefleetError, show } from '../errors.js';

/** A segment URI that names a file in the playlist's own folder: a plain name, no `/`, not `.` or `..`. */
const SEGMENT_NAME = /^[A-Za-z0-9_-][A-Za-z0-9._-]{0,254}$/;

/**
 * The local file a media playlist's segment URI names, inside `dir`; any other URI (a path that
 * leaves the folder, an absolute one, a URL) is refused, whatever wrote the playlist. Pure.
 */
export function segmentFile(dir: string, uri: string): string {
  if (!SEGMENT_NAME.test(uri)) {
    throw new FramefleetError(
      'PATH_FORBIDDEN',
      `playlist segment ${show(uri)} is not a file name in the playlist's own folder`,
    );
  }
  return join(dir, uri);
}

export interface MediaPlaylist {
  version: number | undefined;
  targetDuration: number | undefined;
  playlistType: string | undefined;
  endList: boolean;
  /** EXT-X-MAP URI (the fMP4 init segment). */
  map: string | undefined;
  /** EXT-X-KEY attributes, when the segments are encrypted. */
  key: Record<string, string> | undefined;
  mediaSequence: number;
  segments: { uri: string; duration: number }[];
}

/**
 * A media playlist whose EXT-X-TARGETDURATION covers every segment rounded half up: ffmpeg's HLS
 * writer rounds half to even, so segments of exactly 2.5 s got a target of 2, which players (and
 * the RFC, read strictly) refuse. The text as it was when it already does. Pure.
 */
export function coveringTargetDuration(text: string): string {
  const pl = parseMediaPlaylist(text);
  const longest = Math.max(0, ...pl.segments.map((s) => Math.round(s.duration)));
  if (pl.targetDuration === undefined || pl.targetDuration >= longest) return text;
  return text.replace(/^#EXT-X-TARGETDURATION:.*$/m, `#EXT-X-TARGETDURATION:${longest}`);
}

/** Attribute list of a tag (`BANDWIDTH=1,CODECS="a,b"`) as strings without quotes. */
export function attributes(list: string): Record<string, string> {
  const out: Record<string, string> = {};
  const re = /([A-Z0-9-]+)=("[^"]*"|[^,]*)/g;
  for (let m = re.exec(list); m; m = re.exec(list)) {
    out[m[1]!] = m[2]!.startsWith('"') ? m[2]!.slice(1, -1) : m[2]!;
  }
  return out;
}

export function parseMediaPlaylist(text: string): MediaPlaylist {
  const lines = text.split(/\r?\n/).map((l) => l.trim());
  if (lines[0] !== '#EXTM3U') throw new Error('not an HLS playlist (no #EXTM3U first line)');
  const pl: MediaPlaylist = {
    version: undefined,
    targetDuration: undefined,
    playlistType: undefined,
    endList: false,
    map: undefined,
    key: undefined,
    mediaSequence: 0,
    segments: [],
  };
  let pending: number | undefined;
  for (const line of lines.slice(1)) {
    if (line === '') continue;
    const [tag, value = ''] = splitTag(line);
    if (tag === '#EXT-X-VERSION') pl.version = Number(value);
    else if (tag === '#EXT-X-TARGETDURATION') pl.targetDuration = Number(value);
    else if (tag === '#EXT-X-PLAYLIST-TYPE') pl.playlistType = value;
    else if (tag === '#EXT-X-MEDIA-SEQUENCE') pl.mediaSequence = Number(value);
    else if (tag === '#EXT-X-ENDLIST') pl.endList = true;
    else if (tag === '#EXT-X-MAP') pl.map = attributes(value).URI;
    else if (tag === '#EXT-X-KEY') pl.key = attributes(value);
    else if (tag === '#EXTINF') pending = Number(value.split(',')[0]);
    else if (!line.startsWith('#')) {
      if (pending === undefined) throw new Error(`segment ${line} has no #EXTINF`);
      pl.segments.push({ uri: line, duration: pending });
      pending = undefined;
    }
  }
  return pl;
}

function splitTag(line: string): [string, string?] {
  const colon = line.indexOf(':');
  return colon < 0 ? [line] : [line.slice(0, colon), line.slice(colon + 1)];
}

export interface Variant {
  uri: string;
  bandwidth: number;
  averageBandwidth: number;
  codecs: string;
  width: number;
  height: number;
  frameRate: number;
}

export interface AudioRendition {
  uri: string;
  groupId: string;
  name: string;
  bandwidth: number;
  averageBandwidth: number;
  codecs: string;
}

/**
 * A master playlist: one variant per rung (BANDWIDTH is the peak segment bitrate of video plus
 * audio, CODECS both codecs), the audio as an alternative rendition every variant refers to.
 */
export function masterPlaylist(variants: readonly Variant[], audio: AudioRendition | undefined): string {
  const lines = ['#EXTM3U', '#EXT-X-VERSION:7', '#EXT-X-INDEPENDENT-SEGMENTS'];
  if (audio) {
    lines.push(
      `#EXT-X-MEDIA:TYPE=AUDIO,GROUP-ID="${audio.groupId}",NAME="${audio.name}",DEFAULT=YES,AUTOSELECT=YES,URI="${audio.uri}"`,
    );
  }
  for (const v of variants) {
    const codecs = audio ? `${v.codecs},${audio.codecs}` : v.codecs;
    const attrs = [
      `BANDWIDTH=${v.bandwidth + (audio?.bandwidth ?? 0)}`,
      `AVERAGE-BANDWIDTH=${v.averageBandwidth + (audio?.averageBandwidth ?? 0)}`,
      `CODECS="${codecs}"`,
      `RESOLUTION=${v.width}x${v.height}`,
      `FRAME-RATE=${v.frameRate.toFixed(3)}`,
      ...(audio ? [`AUDIO="${audio.groupId}"`] : []),
    ];
    lines.push(`#EXT-X-STREAM-INF:${attrs.join(',')}`, v.uri);
  }
  return `${lines.join('\n')}\n`;
}

export interface MasterEntry {
  attributes: Record<string, string>;
  uri: string;
}

/** The variants and EXT-X-MEDIA renditions of a master playlist. */
export function parseMasterPlaylist(text: string): {
  version: number | undefined;
  variants: MasterEntry[];
  media: Record<string, string>[];
} {
  const lines = text.split(/\r?\n/).map((l) => l.trim());
  if (lines[0] !== '#EXTM3U') throw new Error('not an HLS playlist (no #EXTM3U first line)');
  let version: number | undefined;
  const variants: MasterEntry[] = [];
  const media: Record<string, string>[] = [];
  let pending: Record<string, string> | undefined;
  for (const line of lines.slice(1)) {
    const [tag, value = ''] = splitTag(line);
    if (tag === '#EXT-X-VERSION') version = Number(value);
    else if (tag === '#EXT-X-MEDIA') media.push(attributes(value));
    else if (tag === '#EXT-X-STREAM-INF') pending = attributes(value);
    else if (line !== '' && !line.startsWith('#') && pending) {
      variants.push({ attributes: pending, uri: line });
      pending = undefined;
    }
  }
  return { version, variants, media };
}
