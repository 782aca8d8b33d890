import { createDecipheriv } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import { sequenceIv, withKeyTag } from '../../src/media/hls-encrypt.js';
import { readInit, readSegment } from '../../src/media/hls-fmp4.js';
import { mp4VideoFrames, videoSamples } from '../../src/media/mp4-samples.js';
import { splitEncodeArgs } from '../../src/media/segment-args.js';
import { mpd } from '../../src/media/hls-mpd.js';
import { masterPlaylist, parseMasterPlaylist, parseMediaPlaylist } from '../../src/media/hls-playlist.js';
import { rungEncoderArgs, threadArgs } from '../../src/pipelines/transcode/ladder-encode.js';
import { chunkRanges, displaySize, resolveRungs } from '../../src/pipelines/transcode/ladder-plan.js';
import {
  manifestPaths,
  ownedByRendition,
  renditionDir,
} from '../../src/pipelines/transcode/ladder-publish.js';
import { ladderProblem, parseLadder, parsePackages } from '../../src/pipelines/transcode/ladder-spec.js';
import { encoderByName } from '../../src/media/encoders/catalogue.js';
import { parseTranscodeSpec } from '../../src/pipelines/transcode/spec.js';

const box = (type: string, ...parts: Buffer[]) => {
  const body = Buffer.concat(parts);
  const head = Buffer.alloc(8);
  head.writeUInt32BE(8 + body.length);
  head.write(type, 4, 'latin1');
  return Buffer.concat([head, body]);
};
const u32 = (...xs: number[]) =>
  Buffer.concat(xs.map((x) => Buffer.from([x >>> 24, (x >> 16) & 255, (x >> 8) & 255, x & 255])));

describe('ladder spec', () => {
  it('parses rungs with optional bitrates and refuses malformed ones naming them', () => {
    expect(parseLadder('1080,720:3000k,480:1.2M')).toEqual([
      { height: 1080 },
      { height: 720, bitrateKbps: 3000 },
      { height: 480, bitrateKbps: 1200 },
    ]);
    expect(() => parseLadder('1080,abc')).toThrow(/`abc` is not a rung/);
    expect(parsePackages('hls,DASH,hls')).toEqual(['hls', 'dash']);
    expect(() => parsePackages('hls,smooth')).toThrow(/unknown package type `smooth`/);
  });

  it('refuses outputs, packages and options that do not fit a ladder', () => {
    const base = { output: '/o/master.m3u8', ladder: [{ height: 720 }] };
    expect(ladderProblem(base)).toBeUndefined();
    // The name starts every rendition's URI in the playlists: a player reads these as URL syntax.
    for (const name of ['50%.m3u8', 'a#b.m3u8', 'a?b.mpd', 'a"b.m3u8', 'x$Number$.mpd']) {
      const problem = ladderProblem({ ...base, output: `/o/${name}` });
      expect(problem?.message, name).toMatch(/which players read as part of a URL/);
    }
    expect(ladderProblem({ ...base, output: '/o/50% off/my film ü.m3u8' })).toBeUndefined();
    expect(ladderProblem({ ...base, output: '/o/x.mp4' })?.message).toMatch(/must end in \.m3u8/);
    expect(ladderProblem({ output: '/o/x.mpd' })?.message).toMatch(/give a ladder/);
    expect(ladderProblem({ ...base, packages: ['dash'] })?.message).toMatch(
      /is HLS but the packages are dash/,
    );
    expect(ladderProblem({ ...base, ladder: [{ height: 720 }, { height: 720 }] })?.message).toMatch(
      /given twice/,
    );
    expect(ladderProblem({ ...base, hlsKey: '/k' })?.message).toMatch(/needs both/);
    expect(
      ladderProblem({ ...base, packages: ['hls', 'dash'], hlsKey: '/k', hlsKeyUri: 'u' })?.message,
    ).toMatch(/DASH cannot play/);
    expect(() =>
      parseTranscodeSpec({
        input: '/i.mp4',
        output: '/o.m3u8',
        ladder: [{ height: 720 }],
        packages: ['smooth'],
      }),
    ).toThrow(/packages.*one of hls\|dash/);
  });

  it('resolves rungs against the source: even widths, defaults, and no upscaling', () => {
    const rungs = resolveRungs(
      [{ height: 480 }, { height: 1080 }, { height: 720, bitrateKbps: 2500 }],
      { width: 1920, height: 1080 },
      'h264',
    );
    expect(rungs.map((r) => `${r.width}x${r.height}@${r.bitrateKbps}`)).toEqual([
      '1920x1080@5000',
      '1280x720@2500',
      '854x480@1400',
    ]);
    // 480x360 with 4:3 pixels shows 640x360: the 250p rung is 444x250 with square pixels, not 334x250.
    const sar = { width: 480, height: 360, rotation: 0, sampleAspect: { num: 4, den: 3 } };
    expect(displaySize(sar)).toEqual({ width: 640, height: 360 });
    expect(displaySize({ ...sar, rotation: 90 })).toEqual({ width: 360, height: 640 });
    const wide = resolveRungs([{ height: 250 }, { height: 360 }], displaySize(sar), 'h264');
    expect(wide.map((r) => `${r.width}x${r.height}`)).toEqual(['640x360', '444x250']);
    expect(() => resolveRungs([{ height: 1080 }], { width: 1280, height: 720 }, 'h264')).toThrow(
      /rung 1080 is above the source's height 720/,
    );
  });

  it('cuts chunks on whole segments and forces an IDR on each segment boundary only', () => {
    expect(chunkRanges(250, 48, 2)).toEqual([
      [0, 96],
      [96, 192],
      [192, 250],
    ]);
    const args = rungEncoderArgs(
      encoderByName('libx264')!,
      { name: '720p', width: 1280, height: 720, bitrateKbps: 3000 },
      'fast',
      48,
    );
    expect(args.join(' ')).toMatch(/-b:v 3000k -maxrate 3300k -bufsize 6000k/);
    expect(args.join(' ')).toMatch(/keyint=48:min-keyint=48:scenecut=0:open_gop=0/);
    expect(args).toContain('expr:eq(mod(n,48),0)');
    expect(threadArgs(encoderByName('libx264')!)).toEqual(['-threads', '1']);
    expect(threadArgs(encoderByName('h264_nvenc')!)).toEqual([]);
    expect(renditionDir('/o/Show.M3U8', '720p')).toBe('Show-720p');
    expect(manifestPaths('/o/a.m3u8', ['hls', 'dash'])).toEqual({ hls: '/o/a.m3u8', dash: '/o/a.mpd' });
    // A republished rendition folder loses only the layout's own names that the new ladder does not list.
    const names = ['index.m3u8', 'init.mp4', 'seg-00012.m4s', 'seg-1.m4s', 'notes.txt', 'seg-00001.mp4'];
    expect(names.filter(ownedByRendition)).toEqual(['index.m3u8', 'init.mp4', 'seg-00012.m4s']);
  });
});

describe('one decode per chunk', () => {
  it('splits the decoded frames into one exact-frame-count encode per rung', () => {
    const x264 = encoderByName('libx264')!;
    const settings = { quality: 0, preset: 'fast' as const, gopFrames: 48 };
    const args = splitEncodeArgs({
      input: '/in.mp4',
      start: 96,
      end: 192,
      rate: { num: 24, den: 1 },
      videoOffsetSec: 0,
      normaliseVfr: false,
      outputs: [
        { filters: ['format=yuv420p'], encoder: x264, settings, output: '/t/1080p.mp4' },
        {
          filters: ['scale=1280:720:flags=bicubic', 'format=yuv420p'],
          encoder: x264,
          settings,
          output: '/t/720p.mp4',
        },
      ],
    });
    const text = args.join(' ');
    // One input, sought once: half a frame before frame 96.
    expect(args.filter((a) => a === '-i')).toHaveLength(1);
    expect(text).toContain('-ss 3.979167 ');
    expect(args[args.indexOf('-filter_complex') + 1]).toBe(
      '[0:v:0]setpts=PTS-STARTPTS,split=2[s0][s1];[s0]format=yuv420p[v0];[s1]scale=1280:720:flags=bicubic,format=yuv420p[v1]',
    );
    expect(text).toMatch(
      /-map \[v0\] -fps_mode passthrough -frames:v 96 -map_chapters -1 -c:v libx264 .* -y \/t\/1080p\.mp4 -map \[v1\]/,
    );
    expect(text).toMatch(
      /-map \[v1\] -fps_mode passthrough -frames:v 96 -map_chapters -1 -c:v libx264 .* -y \/t\/720p\.mp4$/,
    );
  });
});

describe('HLS and DASH text', () => {
  it('writes a master playlist whose attributes read back', () => {
    const text = masterPlaylist(
      [
        {
          uri: 'm-720p/index.m3u8',
          bandwidth: 3_100_000,
          averageBandwidth: 2_900_000,
          codecs: 'avc1.64001f',
          width: 1280,
          height: 720,
          frameRate: 29.97,
        },
      ],
      {
        uri: 'm-audio/index.m3u8',
        groupId: 'audio',
        name: 'audio',
        bandwidth: 170_000,
        averageBandwidth: 160_000,
        codecs: 'mp4a.40.2',
      },
    );
    const m = parseMasterPlaylist(text);
    expect(m.variants[0]!.attributes).toMatchObject({
      BANDWIDTH: '3270000',
      CODECS: 'avc1.64001f,mp4a.40.2',
      RESOLUTION: '1280x720',
      AUDIO: 'audio',
    });
    expect(m.media[0]).toMatchObject({ TYPE: 'AUDIO', URI: 'm-audio/index.m3u8' });
  });

  it('collapses equal segment durations in the MPD timeline', () => {
    const text = mpd({
      durationSec: 10,
      maxSegmentSec: 4,
      frameRate: '30',
      video: [
        {
          id: 'v',
          bandwidth: 1,
          codecs: 'avc1.64001f',
          initialization: 'i',
          media: 'm',
          timescale: 30,
          segments: [
            { t: 0, d: 120 },
            { t: 120, d: 120 },
            { t: 240, d: 60 },
          ],
          width: 2,
          height: 2,
        },
      ],
      audio: undefined,
    });
    expect(text).toContain('<S t="0" d="120" r="1"/>');
    expect(text).toContain('<S t="240" d="60"/>');
  });

  it('encrypts with the sequence-number IV and keeps the init segment clear', () => {
    const pl = '#EXTM3U\n#EXT-X-VERSION:7\n#EXT-X-MAP:URI="init.mp4"\n#EXTINF:4,\nseg-00000.m4s\n';
    const keyed = withKeyTag(pl, 'https://k/1');
    expect(parseMediaPlaylist(keyed).key).toEqual({ METHOD: 'AES-128', URI: 'https://k/1' });
    expect(keyed.indexOf('#EXT-X-KEY')).toBeGreaterThan(keyed.indexOf('#EXT-X-MAP'));
    expect(sequenceIv(5).toString('hex')).toBe('00000000000000000000000000000005');
    expect(() => createDecipheriv('aes-128-cbc', Buffer.alloc(16), sequenceIv(0))).not.toThrow();
  });
});

describe('fMP4 reading', () => {
  it('reads decode time, sample count and first-sample sync from a fragment', () => {
    const tfhd = box('tfhd', u32(0x20, 1, 0x01010000)); // default flags: non-sync
    const tfdt = box('tfdt', Buffer.from([1, 0, 0, 0]), Buffer.from([0, 0, 0, 0, 0, 0, 0x3c, 0]));
    const trun = box('trun', u32(0x4 | 0x1, 3, 0, 0x02000000)); // first sample flags: sync
    const seg = Buffer.concat([
      box('styp', Buffer.from('msdh')),
      box('moof', box('traf', tfhd, tfdt, trun)),
      box('mdat'),
    ]);
    expect(readSegment(seg)).toEqual({ decodeTime: 0x3c00, samples: 3, firstSync: true });
    expect(() => readSegment(box('mdat'))).toThrow(/not a CMAF media segment/);
  });

  it("counts frames and finds keyframes in presentation order from a progressive MP4's sample tables", () => {
    const full = (type: string, ...xs: number[]) => box(type, u32(0, ...xs));
    // 5 samples, 512 ticks apart in decode order; the composition offsets present them in the
    // order 1 3 4 2 5, and samples 1 and 4 are sync samples.
    const stbl = box(
      'stbl',
      full('stts', 1, 5, 512),
      full('ctts', 5, 1, 512, 1, 1536, 1, 0, 1, 0, 1, 512),
      full('stss', 2, 1, 4),
      full('stsz', 0, 5),
    );
    const hdlr = (h: string) => box('hdlr', u32(0, 0), Buffer.from(h, 'latin1'), Buffer.alloc(12));
    const moov = Buffer.concat([
      box('trak', box('mdia', hdlr('soun'), box('minf', box('stbl', full('stsz', 0, 9))))),
      box('trak', box('mdia', hdlr('vide'), box('minf', stbl))),
    ]);
    // cts: 512, 2048, 1024, 1536, 2560 -> presentation ranks 0, 3, 1, 2, 4; sync samples 1 and 4.
    expect(videoSamples(moov)).toEqual({ frames: 5, keyframes: [0, 2] });
    expect(() => videoSamples(box('trak'))).toThrow(/no video track/);
    // A table that covers fewer samples than stsz is refused.
    const video = (...tables: Buffer[]) =>
      box('trak', box('mdia', hdlr('vide'), box('minf', box('stbl', ...tables))));
    const short = video(full('stts', 1, 4, 512), full('stsz', 0, 5));
    expect(() => videoSamples(short)).toThrow(/do not cover the 5 samples of stsz/);
  });

  it('reads the time scale and an avc1 codec string from an init segment', () => {
    const mdhd = box('mdhd', u32(0, 0, 0, 15360, 0, 0));
    const visual = Buffer.alloc(78);
    visual.writeUInt16BE(1280, 24);
    visual.writeUInt16BE(720, 26);
    const avc1 = box('avc1', visual, box('avcC', Buffer.from([1, 0x64, 0x00, 0x1f, 0xff])));
    const stsd = box('stsd', u32(0, 1), avc1);
    const init = box('moov', box('trak', box('mdia', mdhd, box('minf', box('stbl', stsd)))));
    expect(readInit(init)).toEqual({
      timescale: 15360,
      sampleEntry: 'avc1',
      codecs: 'avc1.64001f',
      width: 1280,
      height: 720,
    });
  });

  it('counts the video frames of a plain MP4 from its sample table and refuses one cut short', async () => {
    const trak = (handler: string, stsz: Buffer) =>
      box('trak', box('mdia', box('hdlr', u32(0, 0), Buffer.from(handler)), box('minf', box('stbl', stsz))));
    const video = trak('vide', box('stsz', u32(0, 0, 3, 10, 20, 30)));
    const audio = trak('soun', box('stsz', u32(0, 4, 5)));
    const dir = await mkdtemp(join(tmpdir(), 'ff-mp4-'));
    onTestFinished(() => rm(dir, { recursive: true, force: true }));
    const file = async (name: string, ...parts: Buffer[]) => {
      await writeFile(join(dir, name), Buffer.concat(parts));
      return join(dir, name);
    };
    const moov = box('moov', audio, video);
    expect(await mp4VideoFrames(await file('ok.mp4', box('ftyp'), box('mdat', Buffer.alloc(80)), moov))).toBe(
      3,
    );
    await expect(
      mp4VideoFrames(await file('short.mp4', box('mdat', Buffer.alloc(79)), moov)),
    ).rejects.toThrow(/short\.mp4` is truncated or corrupt: its samples need 80 bytes, its mdat holds 79/);
    const cut = box('mdat', Buffer.alloc(80)).subarray(0, 50);
    await expect(mp4VideoFrames(await file('cut.mp4', moov, cut))).rejects.toThrow(
      /`mdat` box at byte \d+ runs past/,
    );
    await expect(mp4VideoFrames(await file('none.mp4', box('mdat')))).rejects.toThrow(/has no moov box/);
  });
});
