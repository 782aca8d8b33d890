import { describe, expect, it } from 'vitest';
import { encoderByName } from '../../src/media/encoders/catalogue.js';
import { streamDuration } from '../../src/media/probe.js';
import { wholeArgs } from '../../src/media/whole-args.js';
import { transcodeTasks, wholeInOne, type TranscodeLayout } from '../../src/pipelines/transcode/layout.js';
import { PLAIN_LAYOUT } from '../helpers/transcode-layout.js';

const LAYOUT = PLAIN_LAYOUT;
const ONE = [{ index: 0, start: 0, end: 300, startsAt: 'start' as const }];

describe('a one-segment transcode in one task', () => {
  it('one range of a plain layout is one task that writes the output; its root', () => {
    const tasks = transcodeTasks(LAYOUT, ONE);
    expect(tasks.map((t) => [t.id, t.kind])).toEqual([['encode', 'transcode.whole']]);
    expect(tasks[0]!.payload).toMatchObject({ output: '/out.mp4', frames: 300, audio: { mode: 'copy' } });
    expect(tasks[0]!.requires).toMatchObject({ device: 'cpu', features: ['enc:libx264'] });
  });

  it('needs the segment, audio and stitch tasks where one pass could not keep what they keep', () => {
    const cases: Partial<TranscodeLayout>[] = [
      // The video starts after the container (audio ahead of it: the stitch cuts that audio).
      { videoOffsetSec: 0.3 },
      // A variable frame rate, normalised onto a grid with the source's timestamps.
      { normaliseVfr: true },
      // An estimated audio length (MPEG-TS): the audio task's file stands in for it.
      { sourceAudioSec: 9.98 },
    ];
    for (const change of cases) {
      expect(wholeInOne({ ...LAYOUT, ...change }), JSON.stringify(change)).toBe(false);
      const kinds = transcodeTasks({ ...LAYOUT, ...change }, ONE).map((t) => t.kind);
      expect(kinds).toEqual(['transcode.segment', 'transcode.audio', 'transcode.stitch']);
    }
    const two = [
      { index: 0, start: 0, end: 150, startsAt: 'start' as const },
      { index: 1, start: 150, end: 300, startsAt: 'even' as const },
    ];
    // Two segments have a seam, whose source pictures a task of their own decodes.
    expect(transcodeTasks(LAYOUT, two).map((t) => t.id)).toEqual([
      'segment-000',
      'segment-001',
      'audio',
      'seam-pictures',
      'stitch',
    ]);
  });

  it('arguments: the audio mapped with the video, the video ended by a filter, the container options', () => {
    const encoder = encoderByName('libx264')!;
    const base = {
      input: '/in.mp4',
      rate: { num: 30, den: 1 },
      encoder,
      settings: LAYOUT.settings,
      frames: 300,
    };
    const mp4 = wholeArgs({
      ...base,
      output: '/o.mp4',
      format: 'mp4',
      audio: { mode: 'copy', bitrateKbps: 160 },
    });
    const text = mp4.join(' ');
    expect(text).toContain('-map 0:v:0 -map 0:a:0 -c:a copy -sn -dn');
    expect(text).toContain('-vf setpts=PTS-STARTPTS,trim=end_frame=300');
    // -frames:v would end the audio with the video.
    expect(mp4).not.toContain('-frames:v');
    expect(text).toContain('-movflags +faststart -f mp4 -y /o.mp4');
    expect(text).toContain('-video_track_timescale');
    const mkv = wholeArgs({
      ...base,
      output: '/o.mkv',
      format: 'matroska',
      audio: { mode: 'aac', bitrateKbps: 128 },
    });
    expect(mkv.join(' ')).toContain('-c:a aac -b:a 128k');
    expect(mkv).not.toContain('-video_track_timescale');
    expect(mkv).not.toContain('-movflags');
    const silent = wholeArgs({
      ...base,
      output: '/o.mov',
      format: 'mov',
      codec: 'hevc',
      encoder: encoderByName('libx265')!,
    });
    expect(silent.join(' ')).toContain('-map 0:v:0 -an');
    expect(silent.join(' ')).toContain('-tag:v hvc1');
  });
});

describe('streamDuration', () => {
  it("a stream's own duration, else a Matroska DURATION tag (its end time) less its start", () => {
    expect(
      streamDuration({ duration: '3.5', start_time: '0.5', tags: { DURATION: '00:00:09.000000000' } }),
    ).toBe(3.5);
    expect(streamDuration({ start_time: '0.487000', tags: { DURATION: '00:00:01.501000000' } })).toBeCloseTo(
      1.014,
      6,
    );
    expect(streamDuration({ duration: 'N/A', tags: { DURATION: '01:02:03.500000000' } })).toBe(3723.5);
    expect(streamDuration({ tags: { DURATION: 'soon' } })).toBe(0);
    expect(streamDuration({})).toBe(0);
  });
});
