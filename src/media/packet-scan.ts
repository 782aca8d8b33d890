import { show } from '../errors.js';
import { withPresentationTimes, type Packet } from './packet-times.js';
import { classifyProbeError, PROBE_LIMITS } from './probe-header.js';
import { guardedInput, runFfprobe } from './run.js';

/** A stream's packets as ffprobe lists them (those ffmpeg discards left out), in presentation order. */
export async function scanPackets(
  path: string,
  streamIndex: number,
  options: { signal?: AbortSignal | undefined; timeoutMs?: number | undefined },
): Promise<Packet[]> {
  let stdout: Buffer;
  try {
    ({ stdout } = await runFfprobe(
      [
        ...PROBE_LIMITS,
        '-select_streams',
        String(streamIndex),
        '-show_entries',
        'packet=pts_time,dts_time,duration_time,flags',
        '-of',
        'csv=p=0',
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
  for (const line of stdout.toString('utf8').split('\n')) {
    if (!line) continue;
    const [pts, dts, duration, flags = ''] = line.split(',');
    // Packets ffmpeg would discard (flag D) are not frames of the presentation.
    if (flags.includes('D') || (pts === 'N/A' && dts === 'N/A')) continue;
    packets.push({
      pts: Number(pts),
      dts: Number(dts),
      duration: Number(duration) || 0,
      key: flags.includes('K'),
    });
  }
  return withPresentationTimes(packets);
}
