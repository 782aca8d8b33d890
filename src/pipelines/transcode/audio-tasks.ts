import type { TaskSpec } from '../../engine/types.js';
import { audioIntermediate } from '../../media/audio-containers.js';
import type { AudioPayload } from './payloads.js';
import type { MoreAudio } from './plan-tracks.js';

/** The pass of an audio track after the first: as the first's, from its own stream. Pure. */
export function moreAudioTask(
  p: { input: string; prefix: string; frames: number; videoOffsetSec: number },
  a: MoreAudio,
  after: string[],
): TaskSpec<AudioPayload> {
  const file = audioIntermediate(a.mode === 'copy' ? a.codec : 'aac');
  return {
    id: `audio-${a.stream}`,
    kind: 'transcode.audio',
    requires: { device: 'cpu' },
    dependsOn: [...after],
    weight: Math.max(1, Math.round(p.frames * (a.mode === 'copy' ? 0.005 : 0.03))),
    priority: 1,
    // As the first track's pass: no encode slot, beside the video encodes.
    slots: 0,
    payload: {
      input: p.input,
      stream: a.stream,
      mode: a.mode,
      bitrateKbps: a.bitrateKbps,
      format: file.format,
      ...(a.channels ? { channels: a.channels } : {}),
      key: `${p.prefix}audio-${a.stream}.${file.extension}`,
      sourceStartSec: a.offsetSec + p.videoOffsetSec,
    },
  };
}
