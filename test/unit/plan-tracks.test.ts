import { describe, expect, it } from 'vitest';
import { encoderByName } from '../../src/media/encoders/catalogue.js';
import { stitchArgs } from '../../src/media/stitch-args.js';
import type { AudioStreamInfo, MediaInfo } from '../../src/media/probe.js';
import { expectationFor } from '../../src/media/verify.js';
import { wholeArgs } from '../../src/media/whole-args.js';
import { moreAudio } from '../../src/pipelines/transcode/plan-audio.js';
import { planSubtitles, subtitleCodec } from '../../src/pipelines/transcode/plan-tracks.js';
import { audioPastVideoWarning, unkeptWarning } from '../../src/pipelines/transcode/plan-warnings.js';

describe('subtitleCodec', () => {
  it.each([
    ['matroska', 'subrip', 'copy'],
    ['matroska', 'ass', 'copy'],
    ['matroska', 'hdmv_pgs_subtitle', 'copy'],
    ['matroska', 'dvd_subtitle', 'copy'],
    // Matroska has no ID for mov_text: it becomes SRT.
    ['matroska', 'mov_text', 'srt'],
    ['matroska', 'eia_608', undefined],
    ['mp4', 'subrip', 'mov_text'],
    ['mp4', 'webvtt', 'mov_text'],
    ['mov', 'ass', 'mov_text'],
    ['mp4', 'mov_text', 'mov_text'],
    // Bitmaps: MP4/MOV hold none.
    ['mp4', 'hdmv_pgs_subtitle', undefined],
    ['mov', 'dvd_subtitle', undefined],
  ] as const)('%s, %s: %s', (container, codec, expected) => {
    expect(subtitleCodec(container, codec)).toBe(expected);
  });

  it('keeps what the container holds by source subtitle number, and lists the rest', () => {
    const subs = [
      { index: 3, codec: 'subrip' },
      { index: 4, codec: 'hdmv_pgs_subtitle' },
      { index: 5, codec: 'ass' },
    ];
    expect(planSubtitles('mp4', subs)).toEqual({
      kept: [
        { stream: 0, codec: 'mov_text' },
        { stream: 2, codec: 'mov_text' },
      ],
      dropped: [{ index: 4, codec: 'hdmv_pgs_subtitle' }],
    });
    expect(planSubtitles('matroska', subs).dropped).toEqual([]);
  });
});

describe('unkeptWarning', () => {
  const audio = { codec: 'aac' } as never;
  const source = {
    path: '/in.mkv',
    audioTracks: [audio, audio],
    subtitles: [
      { index: 3, codec: 'subrip' },
      { index: 4, codec: 'hdmv_pgs_subtitle' },
      { index: 5, codec: 'dvd_subtitle' },
    ],
  };

  it('says nothing where every track is kept', () => {
    expect(unkeptWarning(source, { audio: 2, droppedSubtitles: [], container: 'Matroska' })).toBeUndefined();
  });

  it('names the bitmap subtitles an MP4 drops', () => {
    expect(
      unkeptWarning(source, { audio: 2, droppedSubtitles: source.subtitles.slice(1), container: 'MP4' }),
    ).toBe(
      'input `/in.mkv` has subtitle tracks (stream 4: hdmv_pgs_subtitle, stream 5: dvd_subtitle) that the output will not have: MP4 holds no bitmap subtitles (only text ones, as mov_text); use a .mkv output to keep them',
    );
  });

  it('names a subtitle Matroska has no ID for', () => {
    const teletext = [{ index: 6, codec: 'dvb_teletext' }];
    expect(unkeptWarning(source, { audio: 2, droppedSubtitles: teletext, container: 'Matroska' })).toMatch(
      /has subtitle track \(stream 6: dvb_teletext\) that the output will not have: Matroska holds no subtitles of that codec$/,
    );
  });

  it('says a ladder keeps the first audio track only', () => {
    expect(
      unkeptWarning(source, {
        audio: 1,
        droppedSubtitles: source.subtitles,
        ladder: true,
        container: 'HLS/DASH',
      }),
    ).toMatch(
      /has 1 more audio track and subtitle tracks \(stream 3: subrip, stream 4: .* an HLS\/DASH ladder keeps only the first video and audio tracks$/,
    );
  });

  // Found by a new user's trial: an MP4's cover art was dropped without a word.
  it('names cover art, beside the tracks or alone', () => {
    const coverArt = [{ index: 7, codec: 'mjpeg' }];
    const art =
      "input `/in.mkv` has cover art (stream 7: mjpeg) that the output will not have: it is a video, its pictures are the video's";
    expect(unkeptWarning({ ...source, coverArt }, { audio: 2, droppedSubtitles: [], container: 'MP4' })).toBe(
      art,
    );
    expect(
      unkeptWarning(
        { ...source, coverArt },
        { audio: 1, droppedSubtitles: [], ladder: true, container: 'HLS/DASH' },
      ),
    ).toBe(
      `input \`/in.mkv\` has 1 more audio track that the output will not have: an HLS/DASH ladder keeps only the first video and audio tracks; ${art}`,
    );
  });

  it('with --audio none, no audio track is counted as lost', () => {
    expect(
      unkeptWarning(source, { audio: 0, audioNone: true, droppedSubtitles: [], container: 'Matroska' }),
    ).toBeUndefined();
  });
});

describe('audioPastVideoWarning', () => {
  const source = (audioStart: number, audioSec: number) =>
    ({
      path: '/in/a.mp4',
      video: { startTimeSec: 0.1 },
      audio: { startTimeSec: audioStart, durationSec: audioSec },
    }) as unknown as MediaInfo;

  it("names audio running more than half a second past the video, from each stream's start", () => {
    expect(audioPastVideoWarning(source(0, 12), 8)).toBe(
      "input `/in/a.mp4` has audio running 3.900 s past its video's end (12.000 s against 8.100 s): an HLS/DASH ladder ends its audio with the video, so that part is not in the output (a plain transcode keeps it)",
    );
    expect(audioPastVideoWarning(source(4, 4.7), 8)).toMatch(/running 0\.600 s past/);
  });

  it('says nothing within half a second, for shorter audio, or where the length is unknown', () => {
    expect(audioPastVideoWarning(source(0, 8.6), 8)).toBeUndefined();
    expect(audioPastVideoWarning(source(0, 5), 8)).toBeUndefined();
    expect(audioPastVideoWarning(source(0, 0), 8)).toBeUndefined();
  });
});

describe('arguments for several tracks', () => {
  it('stitch: one input per audio file, each placed by its offset, tags and default flags set', () => {
    const args = stitchArgs({
      ...{ concatList: '/l', audio: '/a.m4a', audioOffsetSec: 0, format: 'matroska', output: '/o.mkv' },
      moreAudio: [{ path: '/b.mka', offsetSec: 0.25 }],
      audioTags: [
        { language: 'eng', default: true },
        { language: 'fra', title: 'French', default: false },
      ],
      subtitles: { source: '/in.mkv', videoOffsetSec: 0.1, tracks: [{ stream: 1, codec: 'srt' }] },
    }).join(' ');
    expect(args).toContain('-i /a.m4a -itsoffset 0.250000 -protocol_whitelist file,pipe -i /b.mka');
    // The subtitles move back by the video's offset in the source.
    expect(args).toContain('-itsoffset -0.100000 -protocol_whitelist file,pipe -i /in.mkv');
    expect(args).toContain('-map 0:v:0 -map 1:a:0 -map 2:a:0 -map 3:s:1');
    expect(args).toContain('-metadata:s:a:1 title=French -metadata:s:a:1 language=fra -disposition:a:1 0');
    expect(args).toContain('-disposition:a:0 default');
    expect(args).toContain('-c copy -c:s:0 srt');
  });

  it('whole: each audio track mapped with its own codec options, subtitles mapped and converted', () => {
    const args = wholeArgs({
      ...{ input: '/in.mp4', rate: { num: 25, den: 1 }, encoder: encoderByName('libx264')!, frames: 75 },
      ...{ settings: { quality: 70, preset: 'fast', gopFrames: 50 }, output: '/o.mp4', format: 'mp4' },
      audio: { mode: 'copy', bitrateKbps: 128 },
      moreAudio: [{ stream: 1, mode: 'aac', bitrateKbps: 96, channels: 1 }],
      subtitles: [{ stream: 0, codec: 'mov_text' }],
    }).join(' ');
    expect(args).toContain('-map 0:v:0 -map 0:a:0 -map 0:a:1 -c:a:0 copy -ac:a:1 1 -c:a:1 aac -b:a:1 96k');
    expect(args).toContain('-map 0:s:0 -c:s:0 mov_text -dn');
    expect(args).not.toContain('-sn');
  });
});

const track = (over: Partial<AudioStreamInfo>): AudioStreamInfo => ({
  ...{ index: 1, codec: 'aac', sampleRate: 48_000, channels: 2, channelLayout: 'stereo' },
  ...{ startTimeSec: 0, durationSec: 3, frameSize: 1024, bitRate: undefined },
  ...over,
});

describe('--audio copy of a track after the first', () => {
  const spec = { input: '/in.mkv', output: '/out.mp4', audio: 'copy' as const, audioBitrateKbps: 128 };

  it('a track the container cannot hold is refused naming the track, its stream, language, codec and container', () => {
    const tracks = [track({ index: 1 }), track({ index: 2, codec: 'pcm_s16le', language: 'fra' })];
    expect(() => moreAudio(spec, tracks, 'mp4', 0)).toThrow(
      expect.objectContaining({
        code: 'AUDIO_COPY_UNSUPPORTED',
        message: expect.stringMatching(
          /^cannot copy the pcm_s16le audio track 2 \(stream 2, language `fra`\) of input `\/in\.mkv` into the MP4 output `\/out\.mp4`: MP4 does not hold pcm_s16le;/,
        ),
        details: expect.objectContaining({ codec: 'pcm_s16le', container: 'mp4', track: 2, stream: 2 }),
      }),
    );
  });

  it('a track without a language is named by its number and stream', () => {
    const tracks = [track({}), track({ index: 3, codec: 'aac' }), track({ index: 4, codec: 'vorbis' })];
    expect(() => moreAudio(spec, tracks, 'mp4', 0)).toThrow(/the vorbis audio track 3 \(stream 4\) of input/);
  });
});

describe('expectationFor', () => {
  const source = (audioTracks: AudioStreamInfo[], formatName = 'mov,mp4,m4a,3gp,3g2,mj2') =>
    ({
      formatName,
      video: { startTimeSec: 0, durationSec: 3, variableFrameRate: false },
      audio: audioTracks[0],
      audioTracks,
    }) as unknown as MediaInfo;

  it('holds every audio track to its own source A/V relation and frame', () => {
    const tracks = [track({}), track({ index: 2, durationSec: 1, codec: 'ac3', frameSize: 1536 })];
    expect(expectationFor(source(tracks), 75, true, 25)).toEqual({
      frames: 75,
      sourceAvGapSec: 0,
      audioFrameSec: 1024 / 48_000,
      moreAudio: [{ sourceAvGapSec: -2, audioFrameSec: 1536 / 48_000 }],
    });
  });

  it('an estimated length (no sample index) is carried for each track', () => {
    const tracks = [track({}), track({ index: 2, durationSec: 2.9 })];
    expect(expectationFor(source(tracks, 'mpegts'), 75, true, 25).moreAudio).toEqual([
      { sourceAvGapSec: expect.closeTo(-0.1, 6), sourceAudioSec: 2.9, audioFrameSec: 1024 / 48_000 },
    ]);
  });

  it('no audio kept: no track held to anything', () => {
    const got = expectationFor(source([track({}), track({ index: 2 })]), 75, false, 25);
    expect(got.sourceAvGapSec).toBeUndefined();
    expect(got.moreAudio).toBeUndefined();
  });
});
