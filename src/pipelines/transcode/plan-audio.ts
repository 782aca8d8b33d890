import { FramefleetError, show } from '../../errors.js';
import {
  autoCopies,
  containerHolds,
  containerName,
  type AudioContainer,
} from '../../media/audio-containers.js';
import type { AudioStreamInfo } from '../../media/probe.js';
import { trackName, type AudioTrackRef } from '../../media/track-name.js';
import type { MoreAudio } from './plan-tracks.js';
import type { TranscodeSpec } from './spec.js';

/**
 * How the job treats its source audio in `container`: `copy` asked for a codec the container
 * cannot hold is refused here, before any encode (AUDIO_COPY_UNSUPPORTED, exit 2), not a muxer
 * failure in the stitch after the work, naming `track` where given; `auto` copies what plays there
 * (autoCopies), else AAC. Pure.
 */
export function audioMode(
  spec: Pick<TranscodeSpec, 'audio' | 'input' | 'output'>,
  codec: string,
  container: AudioContainer,
  track?: AudioTrackRef,
): 'copy' | 'aac' {
  if (spec.audio === 'aac') return 'aac';
  if (spec.audio === 'auto') return autoCopies(container, codec) ? 'copy' : 'aac';
  if (containerHolds(container, codec)) return 'copy';
  const name = containerName(container);
  const others = (['mov', 'matroska'] as const).filter((c) => c !== container && containerHolds(c, codec));
  const instead = others.length
    ? `, or a ${others.map((c) => (c === 'mov' ? '.mov' : '.mkv')).join(' or ')} output`
    : '';
  throw new FramefleetError(
    'AUDIO_COPY_UNSUPPORTED',
    `cannot copy the ${codec} audio${track ? ` ${trackName(track)}` : ''} of input ${show(spec.input)} into the ${name} output ${show(spec.output)}: ${name} does not hold ${codec}; use audio aac or auto (encoded to AAC)${instead}`,
    { details: { codec, container, ...(track ? { track: track.position, stream: track.index } : {}) } },
  );
}

/**
 * What a job that asks for audio (`--audio copy` or `aac`) of an input without any says: plain
 * ffmpeg writes the video alone, and so does the job, with this warning. Undefined where there is
 * nothing to say. Pure.
 */
export function noAudioWarning(
  spec: Pick<TranscodeSpec, 'audio' | 'input'>,
  hasAudio: boolean,
): string | undefined {
  if (hasAudio || spec.audio === 'none' || spec.audio === 'auto') return undefined;
  return `input ${show(spec.input)} has no audio stream to ${spec.audio}: the output will have video only`;
}

/**
 * The source's audio tracks after the first, each treated as `--audio` says (audioMode, decided per
 * track), placed by its own start against the video's. Pure.
 */
export function moreAudio(
  spec: Pick<TranscodeSpec, 'audio' | 'input' | 'output' | 'audioBitrateKbps'>,
  tracks: readonly AudioStreamInfo[],
  container: AudioContainer,
  videoStartSec: number,
): MoreAudio[] {
  return tracks.slice(1).map((track, i) => {
    const mode = audioMode(spec, track.codec, container, { ...track, position: i + 2 });
    return {
      stream: i + 1,
      mode,
      codec: track.codec,
      bitrateKbps: spec.audioBitrateKbps,
      offsetSec: track.startTimeSec - videoStartSec,
      // As the first track's: no layout named, the AAC encode takes the default one of its channels.
      ...(!track.channelLayout && mode === 'aac' ? { channels: track.channels } : {}),
    };
  });
}
