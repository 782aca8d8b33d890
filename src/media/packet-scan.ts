import { show } from '../errors.js';
import { withPresentationTimes, type Packet } from './packet-times.js';
import { classifyProbeError, PROBE_LIMITS } from './probe-header.js';
import { guardedInput, runFfprobe } from './run.js';
import { streamJoins, sizesMayChange, type KeyframeSize, type StreamJoins } from './frame-sizes.js';

/**
 * A stream's packets as ffprobe lists them (those ffmpeg discards left out), in presentation order;
 * with `sizes`, in the same run, the size of each keyframe, decoded alone (the rest are skipped,
 * not decoded): about a third more time on a 1080p MPEG-TS, asked only where the size can change.
 */
export async function scanPackets(
  path: string,
  streamIndex: number,
  options: { signal?: AbortSignal | undefined; timeoutMs?: number | undefined; sizes?: boolean },
): Promise<{ packets: Packet[]; keyframeSizes?: KeyframeSize[] }> {
  let stdout: Buffer;
  try {
    ({ stdout } = await runFfprobe(
      [
        ...PROBE_LIMITS,
        '-select_streams',
        String(streamIndex),
        ...(options.sizes ? ['-skip_frame', 'nokey'] : []),
        '-show_entries',
        `packet=pts_time,dts_time,duration_time,flags${options.sizes ? SIZE_ENTRIES : ''}`,
        '-of',
        // Packets and frames both: each line opens with its section's name.
        options.sizes ? 'csv' : 'csv=p=0',
        ...guardedInput(path),
      ],
      {
        signal: options.signal,
        timeoutMs: options.timeoutMs ?? 300_000,
        label: `scan packets of ${show(path)}`,
      },
    ));
  } catch (error) {
    throw classifyProbeError(path, error);
  }
  const packets: Packet[] = [];
  const keyframeSizes: KeyframeSize[] = [];
  for (const text of stdout.toString('utf8').split('\n')) {
    if (!text) continue;
    const fields = text.split(',');
    const section = options.sizes ? fields.shift() : 'packet';
    if (section === 'frame') {
      const [time, width, height] = fields.map(Number);
      keyframeSizes.push({ timeSec: time!, width: width ?? 0, height: height ?? 0 });
    }
    if (section !== 'packet') continue;
    const [pts, dts, duration, flags = ''] = fields;
    // Packets ffmpeg would discard (flag D) are not frames of the presentation.
    if (flags.includes('D') || (pts === 'N/A' && dts === 'N/A')) continue;
    packets.push({
      pts: Number(pts),
      dts: Number(dts),
      duration: Number(duration) || 0,
      key: flags.includes('K'),
    });
  }
  const times = withPresentationTimes(packets);
  return options.sizes ? { packets: times, keyframeSizes } : { packets: times };
}

// A frame's fields come in ffprobe's order: time, width, height.
const SIZE_ENTRIES = ':frame=best_effort_timestamp_time,width,height';

/**
 * What a keyframe scan shows of a stream joined from pieces (streamJoins), where its format can
 * change size mid-stream (sizesMayChange); nothing for any other.
 */
export async function scanJoins(
  path: string,
  formatName: string,
  video: { index: number; startTimeSec: number } | undefined,
  signal?: AbortSignal,
): Promise<StreamJoins> {
  if (!video || !sizesMayChange(formatName)) return {};
  return streamJoins(await scanPackets(path, video.index, { signal, sizes: true }), video.startTimeSec);
}
