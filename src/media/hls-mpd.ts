/**
 * A static DASH MPD (ISO/IEC 23009-1, live profile: SegmentTemplate + SegmentTimeline) over the
 * same CMAF init and media segments the HLS playlists name, so one set of files serves both. Pure.
 */

export interface MpdRepresentation {
  id: string;
  bandwidth: number;
  codecs: string;
  /** Relative to the MPD: `master-720p/init.mp4`, `master-720p/seg-$Number%05d$.m4s`. */
  initialization: string;
  media: string;
  timescale: number;
  /** Decode start and duration of every segment, in `timescale` units. */
  segments: { t: number; d: number }[];
  width?: number;
  height?: number;
  audioSamplingRate?: number;
}

export interface MpdInput {
  durationSec: number;
  maxSegmentSec: number;
  /** `30000/1001` or `30`. */
  frameRate: string;
  video: MpdRepresentation[];
  audio: MpdRepresentation | undefined;
}

const esc = (s: string) =>
  s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/** ISO 8601 duration with millisecond precision: PT30.000S. */
export function isoDuration(sec: number): string {
  return `PT${sec.toFixed(3)}S`;
}

/** Runs of equal durations collapse into `r` repeats. */
function timeline(segments: readonly { t: number; d: number }[]): string[] {
  const out: string[] = [];
  let i = 0;
  while (i < segments.length) {
    const { t, d } = segments[i]!;
    let r = 0;
    while (
      i + r + 1 < segments.length &&
      segments[i + r + 1]!.d === d &&
      segments[i + r + 1]!.t === segments[i + r]!.t + d
    ) {
      r++;
    }
    out.push(`<S t="${t}" d="${d}"${r > 0 ? ` r="${r}"` : ''}/>`);
    i += r + 1;
  }
  return out;
}

function representation(r: MpdRepresentation, indent: string): string[] {
  const size = r.width !== undefined ? ` width="${r.width}" height="${r.height}" sar="1:1"` : '';
  const rate = r.audioSamplingRate !== undefined ? ` audioSamplingRate="${r.audioSamplingRate}"` : '';
  return [
    `${indent}<Representation id="${esc(r.id)}" bandwidth="${r.bandwidth}" codecs="${esc(r.codecs)}"${size}${rate}>`,
    `${indent}  <SegmentTemplate timescale="${r.timescale}" initialization="${esc(r.initialization)}" media="${esc(r.media)}" startNumber="0">`,
    `${indent}    <SegmentTimeline>`,
    ...timeline(r.segments).map((s) => `${indent}      ${s}`),
    `${indent}    </SegmentTimeline>`,
    `${indent}  </SegmentTemplate>`,
    `${indent}</Representation>`,
  ];
}

export function mpd(input: MpdInput): string {
  const maxW = Math.max(...input.video.map((v) => v.width ?? 0));
  const maxH = Math.max(...input.video.map((v) => v.height ?? 0));
  const lines = [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<MPD xmlns="urn:mpeg:dash:schema:mpd:2011" profiles="urn:mpeg:dash:profile:isoff-live:2011,urn:mpeg:dash:profile:cmaf:2019" type="static" mediaPresentationDuration="${isoDuration(input.durationSec)}" minBufferTime="${isoDuration(input.maxSegmentSec)}" maxSegmentDuration="${isoDuration(input.maxSegmentSec)}">`,
    `  <Period id="0" start="PT0S">`,
    `    <AdaptationSet id="0" contentType="video" mimeType="video/mp4" segmentAlignment="true" startWithSAP="1" maxWidth="${maxW}" maxHeight="${maxH}" frameRate="${input.frameRate}">`,
    ...input.video.flatMap((v) => representation(v, '      ')),
    '    </AdaptationSet>',
  ];
  if (input.audio) {
    lines.push(
      '    <AdaptationSet id="1" contentType="audio" mimeType="audio/mp4" lang="und" segmentAlignment="true" startWithSAP="1">',
      ...representation(input.audio, '      '),
      '    </AdaptationSet>',
    );
  }
  lines.push('  </Period>', '</MPD>');
  return `${lines.join('\n')}\n`;
}
