import { describe, expect, it } from 'vitest';
import { ladderFileOf } from '../../src/server/routes-ladder.js';

const rung = { name: '240p', width: 320, height: 240, bandwidth: 1, codecs: 'avc1' };
const result = {
  output: '/out/show.m3u8',
  manifests: ['/out/show.m3u8', '/out/show.mpd'],
  renditions: [rung],
  segments: 3,
  audioDurationSec: 3,
  audioSegments: 4,
};

describe('ladderFileOf: the files a finished ladder published, nothing else', () => {
  it('takes its manifests, playlists, init segments and the segments it made', () => {
    const own = [
      'show.m3u8',
      'show.mpd',
      'show-240p/index.m3u8',
      'show-240p/init.mp4',
      'show-240p/seg-00002.m4s',
    ];
    for (const rel of [...own, 'show-audio/init.mp4', 'show-audio/seg-00003.m4s']) {
      expect(ladderFileOf(result, rel), rel).toBe(true);
    }
  });

  it('refuses other names, later or aliased segment numbers, and folders it did not write', () => {
    const other = ['show-240p/notes.txt', 'show-240p/seg-00003.m4s', 'show-240p/seg-000001.m4s'];
    other.push(
      'show-240p/seg-1.m4s',
      'show-240p/verify.m3u8',
      'show-audio/seg-00004.m4s',
      'show-120p/index.m3u8',
    );
    other.push('show-240p/x/index.m3u8', 'show-240p/', 'show.txt', 'show-240p', '');
    for (const rel of other) expect(ladderFileOf(result, rel), rel).toBe(false);
    const mute = { ...result, audioDurationSec: undefined, audioSegments: undefined };
    expect(ladderFileOf(mute, 'show-audio/index.m3u8')).toBe(false);
  });

  it("counts an older record's audio segments as its video's", () => {
    const older = { ...result, audioSegments: undefined };
    expect(ladderFileOf(older, 'show-audio/seg-00002.m4s')).toBe(true);
    expect(ladderFileOf(older, 'show-audio/seg-00003.m4s')).toBe(false);
  });
});
