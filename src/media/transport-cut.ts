// Where an MPEG transport stream was cut short: a copy or download that stopped (the file ends
// inside a transport packet), or a recording killed mid-write (whole packets, but the video's last
// frame continues past the end). Reads the first packets and the last ones only.
import { open, type FileHandle } from 'node:fs/promises';

/** Plain TS (188 bytes a packet), M2TS/Blu-ray (a 4-byte time code before each), DVB with parity. */
const LAYOUTS = [
  { packetBytes: 188, syncAt: 0 },
  { packetBytes: 192, syncAt: 4 },
  { packetBytes: 204, syncAt: 0 },
] as const;
const SYNC = 0x47;
/** Packets whose sync bytes must line up before a layout is believed. */
const SYNCS = 4;
/** How far back from the end the video's last packet is looked for. */
const TAIL_BYTES = 1 << 20;

export interface TransportCut {
  fileBytes: number;
  packetBytes: number;
  /** Bytes of the last, partial packet; 0 where the file ends on a packet's end inside a video frame. */
  partialBytes: number;
}

/** A stream cut short (VideoStreamInfo.cutTail): how, and how many video packets are left out. */
export interface CutTail extends TransportCut {
  packets: number;
}

/** A transport stream's PID, from ffprobe's stream id ("0x100"). */
export function pidOf(id: string | undefined): number | undefined {
  const pid = id === undefined ? NaN : Number(id);
  return Number.isInteger(pid) ? pid : undefined;
}

/**
 * How the file was cut, where it was: its packets (found by their sync bytes from the start) do
 * not fill it, or the last packet of video stream `pid` neither ends a frame nor starts one. Every
 * frame but the last ends in a packet padded to its end (a frame is a PES packet, and a transport
 * packet carries one PES packet's bytes only): one whose payload fills it, and that starts no frame,
 * has more of its frame to come. Undefined where the file ends whole, or no layout is found.
 */
export async function transportCut(path: string, pid: number | undefined): Promise<TransportCut | undefined> {
  const file = await open(path, 'r');
  try {
    const { size: fileBytes } = await file.stat();
    const head = await read(file, 0, 204 * SYNCS);
    const layout = LAYOUTS.find(({ packetBytes, syncAt }) =>
      Array.from({ length: SYNCS }, (_, i) => syncAt + i * packetBytes).every(
        (at) => at < head.length && head[at] === SYNC,
      ),
    );
    if (!layout) return undefined;
    const { packetBytes, syncAt } = layout;
    const partialBytes = fileBytes % packetBytes;
    if (partialBytes) return { fileBytes, packetBytes, partialBytes };
    if (pid === undefined) return undefined;
    const from = Math.max(0, fileBytes - Math.floor(TAIL_BYTES / packetBytes) * packetBytes);
    const tail = await read(file, from, fileBytes - from);
    for (let at = tail.length - packetBytes; at >= 0; at -= packetBytes) {
      const ts = at + syncAt;
      if (tail[ts] !== SYNC || ((tail[ts + 1]! & 0x1f) << 8) + tail[ts + 2]! !== pid) continue;
      const startsFrame = (tail[ts + 1]! & 0x40) !== 0;
      const payloadOnly = (tail[ts + 3]! & 0x30) === 0x10;
      return payloadOnly && !startsFrame ? { fileBytes, packetBytes, partialBytes: 0 } : undefined;
    }
    return undefined;
  } finally {
    await file.close();
  }
}

async function read(file: FileHandle, at: number, length: number): Promise<Buffer> {
  const bytes = Buffer.alloc(length);
  const { bytesRead } = await file.read(bytes, 0, length, at);
  return bytes.subarray(0, bytesRead);
}
