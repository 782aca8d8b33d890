import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import { encryptRendition, withKeyTag } from '../../src/media/hls-encrypt.js';
import { segmentFile } from '../../src/media/hls-playlist.js';
import { readRendition } from '../../src/pipelines/transcode/ladder-verify.js';
import { parseTranscodeSpec } from '../../src/pipelines/transcode/spec.js';

// A key URI with line breaks wrote its own lines into the playlist: a segment `../../etc/hostname`
// that the publish step then read (and decrypted) from outside the output roots.
const INJECTED = 'https://k/key\n#EXTINF:4.000000,\n../../../../../../etc/hostname\n#X';

const ladder = (hlsKeyUri: string) => ({
  input: '/in/a.mp4',
  output: '/out/a.m3u8',
  ladder: [{ height: 144 }],
  hlsKey: '/in/k.key',
  hlsKeyUri,
});

describe('HLS playlists cannot be made to name files outside their folder', () => {
  it.each([
    ['a line break', INJECTED],
    ['a quote', 'https://k/"x'],
    ['a space', 'https://k/a b'],
    ['a carriage return', 'https://k/\r#EXTINF:1,'],
    ['nothing', ''],
  ])('refuses a key URI with %s at submit', (_what, uri) => {
    expect(() => parseTranscodeSpec(ladder(uri))).toThrow(
      expect.objectContaining({ code: 'INVALID_SPEC', message: expect.stringContaining('hlsKeyUri') }),
    );
  });

  it('accepts ordinary key URIs', () => {
    for (const uri of ['https://keys.example/k1?v=2&x=%22', 'key.bin', 'skd://id-1'])
      expect(parseTranscodeSpec(ladder(uri)).hlsKeyUri).toBe(uri);
  });

  it('refuses an injected key URI where it is written (a payload not validated at submit)', () => {
    const pl = '#EXTM3U\n#EXT-X-VERSION:7\n#EXT-X-MAP:URI="init.mp4"\n#EXTINF:4,\nseg-00000.m4s\n';
    expect(() => withKeyTag(pl, INJECTED)).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }));
  });

  it.each(['../outside.m4s', '/etc/hostname', 'sub/seg.m4s', '..', 'file:seg.m4s', 'http://h/s.m4s'])(
    'reads and encrypts only segments in the folder, not %s',
    async (uri) => {
      const root = await mkdtemp(join(tmpdir(), 'ff-hls-'));
      onTestFinished(() => rm(root, { recursive: true, force: true }));
      const dir = join(root, 'v');
      await mkdir(dir);
      await writeFile(join(root, 'outside.m4s'), 'outside the rendition');
      const playlist = `#EXTM3U\n#EXT-X-VERSION:7\n#EXT-X-MAP:URI="init.mp4"\n#EXTINF:4,\n${uri}\n#EXT-X-ENDLIST\n`;
      await writeFile(join(dir, 'index.m3u8'), playlist);
      await writeFile(join(dir, 'init.mp4'), Buffer.alloc(0));
      const refused = expect.objectContaining({ code: 'PATH_FORBIDDEN' });
      expect(() => segmentFile(dir, uri)).toThrow(refused);
      await expect(encryptRendition(dir, 'index.m3u8', Buffer.alloc(16), 'k')).rejects.toThrow(refused);
      await expect(readRendition(dir, 'v')).rejects.toThrow(refused);
    },
  );
});
