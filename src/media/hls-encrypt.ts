import { createCipheriv } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { FramefleetError, show } from '../errors.js';
import { parseMediaPlaylist, segmentFile } from './hls-playlist.js';

/** A key URI a playlist may carry: printable ASCII, no space or quote (it cannot leave its tag). */
export const HLS_KEY_URI = /^[!#-~]{1,2048}$/;

/**
 * AES-128 (clear key) encryption of an fMP4 HLS rendition, in place: each media segment is
 * encrypted whole with AES-128-CBC (PKCS#7 padding) and the IV that RFC 8216 derives from its media
 * sequence number; an EXT-X-KEY after the EXT-X-MAP leaves the init segment clear. (ffmpeg's HLS
 * muxer refuses encrypted fMP4, hence this step.)
 */
export async function encryptRendition(
  dir: string,
  playlistName: string,
  key: Buffer,
  uri: string,
): Promise<void> {
  if (key.length !== 16) throw new Error(`an AES-128 key has 16 bytes, got ${key.length}`);
  const path = join(dir, playlistName);
  const text = await readFile(path, 'utf8');
  const playlist = parseMediaPlaylist(text);
  if (playlist.key) throw new Error(`${playlistName} is already encrypted`);
  // Refused before any segment is touched: a bad URI or a segment outside the folder.
  const keyed = withKeyTag(text, uri);
  const files = playlist.segments.map((seg) => segmentFile(dir, seg.uri));
  for (const [i, file] of files.entries()) {
    const cipher = createCipheriv('aes-128-cbc', key, sequenceIv(playlist.mediaSequence + i));
    await writeFile(file, Buffer.concat([cipher.update(await readFile(file)), cipher.final()]));
  }
  await writeFile(path, keyed);
}

/** The IV of segment `sequence` when EXT-X-KEY has no IV attribute: the number, big-endian, 16 bytes. Pure. */
export function sequenceIv(sequence: number): Buffer {
  const iv = Buffer.alloc(16);
  iv.writeUInt32BE(sequence >>> 0, 12);
  iv.writeUInt32BE(Math.floor(sequence / 2 ** 32), 8);
  return iv;
}

/** Inserts `#EXT-X-KEY:METHOD=AES-128,URI="..."` right after the EXT-X-MAP line. Pure. */
export function withKeyTag(text: string, uri: string): string {
  // Checked where it is written too: a payload from Redis was not necessarily validated at submit.
  if (!HLS_KEY_URI.test(uri)) {
    throw new FramefleetError(
      'INVALID_ARGUMENT',
      `HLS key URI ${show(uri)} must be printable ASCII without spaces or quotes`,
    );
  }
  const tag = `#EXT-X-KEY:METHOD=AES-128,URI="${uri}"`;
  const lines = text.split('\n');
  const map = lines.findIndex((l) => l.startsWith('#EXT-X-MAP:'));
  if (map < 0) throw new Error('playlist has no EXT-X-MAP');
  lines.splice(map + 1, 0, tag);
  return lines.join('\n');
}
