import { createCipheriv } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parseMediaPlaylist } from './hls-playlist.js';

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
  for (const [i, seg] of playlist.segments.entries()) {
    const file = join(dir, seg.uri);
    const cipher = createCipheriv('aes-128-cbc', key, sequenceIv(playlist.mediaSequence + i));
    await writeFile(file, Buffer.concat([cipher.update(await readFile(file)), cipher.final()]));
  }
  await writeFile(path, withKeyTag(text, uri));
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
  const tag = `#EXT-X-KEY:METHOD=AES-128,URI="${uri.replace(/"/g, '%22')}"`;
  const lines = text.split('\n');
  const map = lines.findIndex((l) => l.startsWith('#EXT-X-MAP:'));
  if (map < 0) throw new Error('playlist has no EXT-X-MAP');
  lines.splice(map + 1, 0, tag);
  return lines.join('\n');
}
